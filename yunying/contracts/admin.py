from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import Contract


@admin.register(Contract)
class ContractAdmin(ScopedReadOnlyAdmin):
    """Contracts only: versions and account links are read on the contract page."""

    list_display = ("number", "title", "client", "kind", "status", "signed_on")
    list_filter = ("status", "kind")
    search_fields = ("number", "title")
