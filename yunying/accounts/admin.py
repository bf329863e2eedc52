from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import AccountChangeRequest, Credential, PlatformAccount


@admin.register(PlatformAccount)
class PlatformAccountAdmin(ScopedReadOnlyAdmin):
    list_display = ("display_name", "platform", "platform_id", "client", "status")
    list_filter = ("platform", "status")
    search_fields = ("display_name", "platform_id")


@admin.register(Credential)
class CredentialAdmin(ScopedReadOnlyAdmin):
    """Login and dates only: neither the password nor its ciphertext is ever shown here."""

    list_display = ("account", "login", "updated_at", "updated_by")
    fields = ("account", "login", "updated_at", "updated_by")


@admin.register(AccountChangeRequest)
class AccountChangeRequestAdmin(ScopedReadOnlyAdmin):
    list_display = ("account", "kind", "proposed_name", "status", "requested_at")
    list_filter = ("status", "kind")
    exclude = ("proposed_ciphertext",)
