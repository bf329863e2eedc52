"""Statuses of the reports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """Where a monthly report is."""

    # Figures are live; the account manager writes problems and suggestions.
    DRAFT = "draft", _("Draft")
    # Sent to the client: the PDF of that moment is kept and the client sees the report.
    PUBLISHED = "published", _("Published")
