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


@shared_task
def send_report_email(delivery_id: int) -> str:
    """The first attempt at a published report's e-mail. No Celery retry: the back-off lives
    on the row, and ``send_due_report_emails`` makes the later attempts."""
    delivery = actions.send_delivery(delivery_id)
    return delivery.status if delivery else "gone"


@shared_task
def send_due_report_emails() -> int:
    """Every two minutes: the report e-mails whose next attempt is due."""
    return actions.send_due_deliveries()
