"""Monthly operations reports: the account manager's written part and the published PDF."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from yunying.tenancy.models import Agency, Client, User
from yunying.tenancy.scoping import TenantQuerySet, TenantScope

from .choices import DeliveryStatus, ReportStatus


def report_path(instance: MonthlyReport, filename: str) -> str:
    return (
        f"reports/{instance.agency_id}/{instance.client_id}/{instance.month}-{uuid.uuid4().hex}.pdf"
    )


class MonthlyReport(models.Model):
    """A client's operations report for one month (seed 000: due by the contract's report day).

    The figures are computed from the stored metrics whenever the report is shown; what people
    write (problems, suggestions) lives here, and publishing keeps the PDF the client received.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="monthly_reports", verbose_name=_("client")
    )
    # "YYYY-MM": the month reported on.
    month = models.CharField(_("month"), max_length=7)
    problems = models.TextField(_("problems found"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # The contract's report day for this month, when a signed contract names one.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to=report_path, max_length=300, blank=True, editable=False
    )
    written_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    published_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "client_id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="monthly_report_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month}"

    @property
    def has_commentary(self) -> bool:
        return bool(self.problems.strip() and self.suggestions.strip())


class ReportDelivery(models.Model):
    """The e-mail of one publication of a report to the client's reviewers, with its attempts.

    Retries live on the row (``next_attempt_at``) like the platform syncs' back-off, so a
    restart loses nothing; the PDF sent is the report's as published.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    report = models.ForeignKey(
        MonthlyReport,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("report"),
    )
    # The e-mail addresses as they were when the report was published.
    recipients = models.JSONField(_("recipients"), default=list)
    # Sent after the first publication: the e-mail says the report was corrected.
    correction = models.BooleanField(_("correction"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="report_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} → {', '.join(self.recipients)}"
