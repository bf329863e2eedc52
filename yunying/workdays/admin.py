"""Read-only admin views of the calendar: changes go through the import action, which audits."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import CalendarDay, CalendarYear


class ReadOnlyAdminMixin:
    """No add, change or delete: a write here would skip validation, the audit log and the cache."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class CalendarDayInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    extra = 0


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("year", "day_count", "source", "imported_at", "imported_by")
    inlines = [CalendarDayInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("imported_by")


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("date", "kind", "name", "calendar_year")
    list_filter = ("kind", "calendar_year")
    search_fields = ("name",)
    date_hierarchy = "date"
