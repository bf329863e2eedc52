"""Statuses of the reports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """Where a monthly report is."""

    # Figures are live; the account manager writes problems and suggestions.
    DRAFT = "draft", _("Draft")
    # Sent to the client: the PDF of that moment is kept and the client sees the report.
    PUBLISHED = "published", _("Published")


class DeliveryStatus(models.TextChoices):
    """Where the e-mail of one publication is."""

    # Waiting for its first attempt, or for the next one after a failure (see next_attempt_at).
    PENDING = "pending", _("Sending")
    # Accepted by the mail server for every recipient.
    SENT = "sent", _("Sent")
    # Gave up after the last attempt; the managers were told.
    FAILED = "failed", _("Failed")
    # Still pending when the report was published or sent again: only the newer e-mail goes
    # out, so the reviewers do not get the same PDF twice.
    SUPERSEDED = "superseded", _("Replaced by a later e-mail")
