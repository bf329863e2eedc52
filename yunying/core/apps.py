from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "yunying.core"
    verbose_name = _("Shell")


class YunyingAdminConfig(admin_apps.AdminConfig):
    """Django admin with our site class (scoped, read-only for agency admins)."""

    default = False
    default_site = "yunying.core.admin_site.YunyingAdminSite"
