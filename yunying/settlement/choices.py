"""Statuses of statements, their lines and invoices, and the kinds of stored contract events."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yunying.settlement.engine import EventKind as K


class StatementStatus(models.TextChoices):
    """Where a month's statement is between finance and the client's reviewer."""

    # Settled by the engine; finance may adjust it (with a reason) before sending.
    DRAFT = "draft", pgettext_lazy("statement status", "Draft")
    # With the client's reviewer, who approves or disputes it within the review window.
    SENT = "sent", pgettext_lazy("statement status", "Sent")
    # Approved by the client: invoiced, and never changed again (the database refuses it too).
    APPROVED = "approved", pgettext_lazy("statement status", "Approved")
    # The client disagrees (comment required); back with finance to adjust and send again.
    DISPUTED = "disputed", _("Disputed")
    # Replaced by a statement settled again from newer facts before anyone approved it.
    SUPERSEDED = "superseded", _("Superseded")


S = StatementStatus
# The one table of transitions: which statuses each action accepts.
TRANSITIONS: dict[str, frozenset[str]] = {
    "adjust": frozenset({S.DRAFT, S.DISPUTED}),
    "send": frozenset({S.DRAFT, S.DISPUTED}),
    "approve": frozenset({S.SENT}),
    "dispute": frozenset({S.SENT}),
    # Settling a period again replaces a statement nobody has approved yet.
    "supersede": frozenset({S.DRAFT, S.DISPUTED}),
    "correct": frozenset({S.APPROVED}),
}
# Statements that count as "the" statement of their period (at most one per contract and month).
LIVE = frozenset({S.DRAFT, S.SENT, S.APPROVED, S.DISPUTED})


class LineOrigin(models.TextChoices):
    """Where a statement line came from."""

    # Computed by the settlement engine from the terms and the month's facts.
    ENGINE = "engine", _("Computed")
    # Added by finance with a reason (audited).
    ADJUSTMENT = "adjustment", _("Adjustment")
    # The last line of a correction: what the approved statements it corrects already billed.
    CORRECTION = "correction", _("Correction")


class InvoiceStatus(models.TextChoices):
    """How much of an invoice has been paid. Overdue is derived from the due date."""

    # Nothing paid yet.
    OPEN = "open", pgettext_lazy("invoice status", "Open")
    # Some, not all, paid.
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    # Paid in full (or more, when finance accepted an overpayment).
    PAID = "paid", _("Paid")


UNPAID = frozenset({InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID})


class EventKind(models.TextChoices):
    """Stored facts the engine reads besides metrics and posts. Values are the engine's."""

    # A livestream session was held (per-session fee).
    SESSION = K.SESSION, _("Livestream session held")
    # A host checked in late (fixed deduction each).
    LATE_CHECKIN = K.LATE_CHECKIN, _("Late check-in")
    # A deliverable fell due (ref names it).
    DELIVERY_DUE = K.DELIVERY_DUE, _("Delivery due")
    # That deliverable was handed over (same ref).
    DELIVERED = K.DELIVERED, _("Delivered")
    # A written notice of an unpaid amount (amount; ref = the invoice number).
    PAYMENT_NOTICE = K.PAYMENT_NOTICE, _("Written payment notice")
    # Money received against a notice (amount; ref = the invoice number).
    PAYMENT = K.PAYMENT, _("Payment received")
    # Published content was taken down, with who and why (ref = the content item id).
    CONTENT_WITHDRAWN = K.CONTENT_WITHDRAWN, _("Published content withdrawn")


# Kinds recorded through the events form; notices and payments come from the invoice pages so
# that their ref is always an invoice number.
RECORDABLE = frozenset(
    {EventKind.SESSION, EventKind.LATE_CHECKIN, EventKind.DELIVERY_DUE, EventKind.DELIVERED}
)
NEEDS_REF = frozenset({EventKind.DELIVERY_DUE, EventKind.DELIVERED})
