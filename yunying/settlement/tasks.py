"""Scheduled work of the settlement app."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from yunying.settlement.engine import Month

from .runs import run_month


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def monthly_settlement(period: str = "") -> dict[str, object]:
    """On the 1st: settle the previous month (or ``period``, "2026-10") for every signed contract.

    Safe to retry: contracts that already have a statement for the month are passed over.
    """
    if period:
        month = Month.parse(period)
    else:
        first = timezone.localdate().replace(day=1)
        month = Month.of(first - dt.timedelta(days=1))
    result = run_month(month)
    return {
        "period": str(month),
        "settled": result.settled,
        "skipped": result.skipped,
        "failed": result.failed,
    }
