"""Scheduled work of the contracts app."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .actions import send_contract_reminders as send


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_contract_reminders() -> int:
    """Daily: tell each signed contract's people what falls due soon (each reminder once)."""
    return send(timezone.localdate())
