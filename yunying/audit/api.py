"""Read-only REST access to the audit log (scoped like the page)."""

from __future__ import annotations

from rest_framework import mixins, serializers

from yunying.core.api import ScopedViewSet

from .models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "chain",
            "seq",
            "created_at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "client_id",
            "data",
            "reason",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Audit entries of the agency (admin) or of the reviewer's client."""

    model = AuditEntry
    serializer_class = AuditEntrySerializer


ROUTES = [("audit", AuditEntryViewSet, "audit-entry")]
