"""Scheduled work of the accounts app."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .actions import remind_certification_expiry


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sweep_certification_expiry() -> int:
    """Daily: remind teams of certifications expiring in N days (agency setting, 30 and 7)."""
    return remind_certification_expiry(timezone.localdate())
