"""Statements (with their explained lines), invoices, payments and the stored contract events.

An approved statement and its lines never change: the actions refuse it and so does the
database (``guard.py``, installed by migration). A correction is a new statement that
references the approved one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yunying.contracts.models import Contract, ContractVersion
from yunying.tenancy.deadlines import ResponseDeadline, response_deadline
from yunying.tenancy.models import Agency, Client, User
from yunying.tenancy.scoping import TenantQuerySet, TenantScope

from .choices import EventKind, InvoiceStatus, LineOrigin, StatementStatus


def money(verbose_name: Any, **options: Any) -> models.DecimalField[Any, Any]:
    """Yuan with fen: up to a trillion, two decimal places."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **options)


class ContractEvent(models.Model):
    """A fact about a contract that is an event, not a daily metric: a session held, a late
    check-in, a delivery falling due or handed over, a written payment notice, a payment."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="events", verbose_name=_("contract")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    # The terms' account key ("A"), where the kind concerns one account.
    account = models.CharField(_("account key"), max_length=32, blank=True)
    amount = money(_("amount"), null=True, blank=True)
    # Pairs events: a delivery's name, or the invoice number of a notice and its payments.
    ref = models.CharField(_("reference"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")
        ordering = ["contract_id", "-date", "-id"]
        indexes = [models.Index(fields=["contract", "date"], name="contract_event_by_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.ref}".strip()


class Statement(models.Model):
    """One contract's settlement for one month, line by line, as the client is asked to approve.

    At most one live statement exists per contract and month; a correction of an approved
    statement is a separate statement (``corrects``) whose total is the difference.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="statements", verbose_name=_("contract")
    )
    # The terms it was settled under: the version in force on the period's first day.
    version = models.ForeignKey(
        ContractVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version")
    )
    # The first day of the settled month.
    period = models.DateField(_("period"))
    status = models.CharField(
        _("status"), max_length=16, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    total = money(_("total"))
    overall_attainment = models.DecimalField(
        _("overall attainment"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    # The engine's remarks that are not money (weekly quota misses, refund rights).
    notices = models.JSONField(_("notices"), default=list, blank=True)
    statement_date = models.DateField(_("statement date"))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("settled by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    # Working days for the client's answer (the terms' review window, 3 when they name none).
    review_working_days = models.PositiveSmallIntegerField(_("review window"), default=3)
    response_due = models.DateField(_("answer due"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-period", "contract_id", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period"],
                condition=Q(corrects__isnull=True) & ~Q(status=StatementStatus.SUPERSEDED),
                name="statement_one_live_per_period",
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(corrects__isnull=False) & ~Q(status=StatementStatus.SUPERSEDED),
                name="statement_one_live_correction",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="statement_period_first_day"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.contract_number} {self.period_label}"

    @property
    def contract_number(self) -> str:
        return self.contract.number

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def response_deadline(self) -> ResponseDeadline | None:
        """When the client should answer: sent date + the review window in working days."""
        if self.sent_at is None:
            return None
        deadline = response_deadline(self.sent_at, self.review_working_days, "")
        return dataclasses.replace(deadline, is_open=self.status == StatementStatus.SENT)


class StatementLine(models.Model):
    """One explained amount: code, description, amount, the formula with its numbers, inputs."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="lines", verbose_name=_("statement")
    )
    position = models.PositiveIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=100)
    description = models.CharField(_("description"), max_length=200)
    amount = money(_("amount"))
    formula = models.TextField(_("formula"), blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    origin = models.CharField(
        _("origin"), max_length=16, choices=LineOrigin.choices, default=LineOrigin.ENGINE
    )
    # Why finance added an adjustment (required for adjustments).
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "position"], name="statement_line_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


class Invoice(models.Model):
    """What the client owes for an approved statement, with the date it falls due."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    statement = models.OneToOneField(
        Statement, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("statement")
    )
    # Per agency and year: INV-2026-0001.
    number = models.CharField(_("invoice number"), max_length=32)
    amount = money(_("amount"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    paid_amount = money(_("paid"), default=Decimal(0))

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="invoice_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def open_amount(self) -> Decimal:
        return max(self.amount - self.paid_amount, Decimal(0))

    def is_overdue(self, today: dt.date) -> bool:
        return self.open_amount > 0 and today > self.due_on


class Payment(models.Model):
    """Money received against an invoice."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("invoice")
    )
    amount = money(_("amount"))
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["invoice_id", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.invoice.number} {self.paid_on} {self.amount}"
