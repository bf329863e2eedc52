"""Read-only REST endpoints for contracts, with their account bindings and versioned terms.

Contracts are written on the pages, where YAML errors are shown by path; the API reads them
(for reports, settlement tools and the client's own systems).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from rest_framework import mixins, serializers

from yunying.core.api import ScopedViewSet

from .models import Contract, ContractAccount, ContractVersion


class ContractAccountSerializer(serializers.ModelSerializer):
    platform = serializers.CharField(source="account.platform", read_only=True)
    display_name = serializers.CharField(source="account.display_name", read_only=True)

    class Meta:
        model = ContractAccount
        fields = ["key", "account", "platform", "display_name"]
        read_only_fields = fields


class ContractVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractVersion
        fields = ["number", "effective_from", "note", "terms", "created_at"]
        read_only_fields = fields


class ContractSerializer(serializers.ModelSerializer):
    accounts = ContractAccountSerializer(source="account_links", many=True, read_only=True)
    versions = ContractVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "client",
            "number",
            "title",
            "kind",
            "status",
            "signed_on",
            "ended_on",
            "end_reason",
            "team",
            "accounts",
            "versions",
            "created_at",
        ]
        read_only_fields = fields


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Contracts of the actor's agency (a client reviewer: their client's), terms included."""

    model = Contract
    serializer_class = ContractSerializer

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "team",
                Prefetch(
                    "account_links",
                    queryset=ContractAccount.objects.select_related("account"),
                ),
                Prefetch("versions", queryset=ContractVersion.objects.order_by("number")),
            )
        )


ROUTES = [("contracts", ContractViewSet, "contract")]
