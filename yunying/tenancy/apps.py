from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "yunying.tenancy"
    verbose_name = _("Agencies and people")
