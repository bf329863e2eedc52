from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import Agency, Client, Membership, TeamChangeRequest, TeamMember, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Logins are the platform operator's to manage (Django's default superuser-only rights)."""

    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Yunying"), {"fields": ("display_name", "phone")}),
    )
    list_display = ("username", "display_name", "email", "is_active", "is_superuser")


@admin.register(Agency)
class AgencyAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "slug", "credit_code", "created_at")


@admin.register(Client)
class ClientAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "industry", "contact_name", "status")
    list_filter = ("status",)
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(ScopedReadOnlyAdmin):
    list_display = ("user", "role", "client", "is_active")
    list_filter = ("role", "is_active")


@admin.register(TeamMember)
class TeamMemberAdmin(ScopedReadOnlyAdmin):
    list_display = ("client", "user", "role", "joined_on", "left_on")


@admin.register(TeamChangeRequest)
class TeamChangeRequestAdmin(ScopedReadOnlyAdmin):
    list_display = ("client", "kind", "outgoing", "incoming", "status", "requested_at")
    list_filter = ("status", "kind")
