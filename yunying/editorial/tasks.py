"""Scheduled and follow-up work of the editorial pipeline (the logic is in ``runs.py``)."""

from __future__ import annotations

from celery import shared_task

from . import runs


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_team_preview(item_id: int) -> int:
    """After an item enters team preview: post its preview link to the team's group bots."""
    return runs.send_team_preview(item_id)


@shared_task
def publish_due() -> int:
    """Every minute: publish scheduled items whose slot has come, then follow up pending jobs.

    No autoretry: a failed push is recorded and retried by the next minute's run.
    """
    return runs.publish_due() + runs.poll_pending()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sweep_client_reviews() -> dict[str, int]:
    """Daily: client reviews past their window are escalated or deemed approved."""
    return runs.sweep_client_reviews()
