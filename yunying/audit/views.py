"""The audit log page: an agency admin sees the agency's chain, a reviewer their client's."""

from __future__ import annotations

from typing import Any

from yunying.core.views import ScopedListView

from .models import AuditEntry


class AuditListView(ScopedListView):
    model = AuditEntry
    permission = "audit.view_auditentry"
    template_name = "audit/entry_list.html"

    def get_queryset(self) -> Any:
        rows = super().get_queryset()
        action = self.request.GET.get("action", "").strip()
        if action:
            rows = rows.filter(action__startswith=action)
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        actions = (
            super().get_queryset().order_by("action").values_list("action", flat=True).distinct()
        )
        return super().get_context_data(actions=list(actions), **kwargs)
