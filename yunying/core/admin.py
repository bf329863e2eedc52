"""Django admin for agency admins (scoped, read-only) and platform operators.

Business rows change only through actions, so the admin is a read-only window on them: an
agency admin sees their agency's rows (via ``visible_to``), a platform operator (superuser)
sees all. Users and the shared calendar remain the operator's to manage.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from yunying.tenancy import policy
from yunying.tenancy.scoping import TenantQuerySet, actor_for


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    """Rows through ``visible_to``; viewing by the policy table; no add, change or delete."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return cast(TenantQuerySet, rows).visible_to(actor_for(request))

    def _may_view(self, request: HttpRequest) -> bool:
        if request.user.is_superuser:
            return True
        meta = self.model._meta
        return policy.can(actor_for(request), f"{meta.app_label}.view_{meta.model_name}")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_view(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
