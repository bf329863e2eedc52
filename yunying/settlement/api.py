"""Read-only REST endpoints: statements with their lines, invoices with their payments.

Changes go through the pages (and the actions behind them), where finance and the client's
reviewer see every line's formula before they act.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from rest_framework import mixins, serializers

from yunying.core.api import ScopedViewSet

from .models import Invoice, Payment, Statement, StatementLine


class StatementLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatementLine
        fields = [
            "position",
            "code",
            "description",
            "amount",
            "formula",
            "inputs",
            "origin",
            "reason",
        ]
        read_only_fields = fields


class StatementSerializer(serializers.ModelSerializer):
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    period = serializers.DateField(format="%Y-%m", read_only=True)
    lines = StatementLineSerializer(many=True, read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "contract",
            "contract_number",
            "client",
            "version",
            "period",
            "status",
            "total",
            "overall_attainment",
            "notices",
            "statement_date",
            "corrects",
            "correction_reason",
            "sent_at",
            "response_due",
            "decided_at",
            "decision_comment",
            "lines",
        ]
        read_only_fields = fields


class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Monthly statements, every line with its formula and inputs."""

    model = Statement
    serializer_class = StatementSerializer

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("contract")
            .prefetch_related(
                Prefetch("lines", queryset=StatementLine.objects.order_by("position"))
            )
        )


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["amount", "paid_on", "reference"]
        read_only_fields = fields


class InvoiceSerializer(serializers.ModelSerializer):
    payments = PaymentSerializer(many=True, read_only=True)
    open_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "statement",
            "client",
            "amount",
            "paid_amount",
            "open_amount",
            "issued_on",
            "due_on",
            "status",
            "payments",
        ]
        read_only_fields = fields


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Invoices of approved statements and the payments received."""

    model = Invoice
    serializer_class = InvoiceSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("payments")


ROUTES = [
    ("statements", StatementViewSet, "statement"),
    ("invoices", InvoiceViewSet, "invoice"),
]
