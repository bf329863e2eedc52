"""Scheduled work of the reports app (the logic is in ``actions.py``)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import actions


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sweep_due_reports() -> dict[str, int]:
    """Daily: publish last month's reports that are due and written; remind the managers of
    those whose problems and suggestions are missing."""
    return actions.sweep_due_reports(timezone.localdate())
