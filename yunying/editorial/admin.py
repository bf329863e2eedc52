from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import ContentItem, Material


@admin.register(ContentItem)
class ContentItemAdmin(ScopedReadOnlyAdmin):
    """Read-only: items move only through the workflow, and published work is never deleted."""

    list_display = ("title", "client", "kind", "state", "round", "planned_at", "published_at")
    list_filter = ("state", "kind")
    search_fields = ("title",)


@admin.register(Material)
class MaterialAdmin(ScopedReadOnlyAdmin):
    list_display = ("title", "client", "kind", "owner", "archive_month")
    list_filter = ("kind", "owner")
    search_fields = ("title",)
