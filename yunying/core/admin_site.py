"""The admin site: open to platform operators and agency admins (see core/admin.py)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yunying.tenancy.choices import Role
from yunying.tenancy.scoping import actor_for


class YunyingAdminSite(admin.AdminSite):
    site_header = _("Yunying administration")
    site_title = _("Yunying")
    # Agency admins sign in with the normal form; the site decides what they may open.
    login_form = AuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        return bool(user.is_superuser) or actor_for(request).has_role(Role.AGENCY_ADMIN)
