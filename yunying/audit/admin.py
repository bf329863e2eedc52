from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "action", "object_repr", "chain", "seq")
    list_filter = ("action",)
    search_fields = ("object_repr", "actor_label", "reason")
