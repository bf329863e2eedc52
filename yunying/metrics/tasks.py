"""Background work of the metrics app (the logic is in ``runs.py``)."""

from __future__ import annotations

from celery import shared_task

from . import runs


@shared_task
def import_file(job_id: int) -> str:
    """Read and write one uploaded file. No autoretry: a failed job says why on its page, and
    running it again could not change a file's problems."""
    return runs.run_import_job(job_id)


@shared_task
def sync_due() -> list[int]:
    """Every 30 minutes: start the syncs that are behind and past their back-off."""
    return runs.sync_due()


@shared_task
def sync_account(config_id: int) -> str:
    """One account's sync. No Celery retry: the back-off lives on the row (next_attempt_at), so
    it survives restarts and every worker sees it."""
    return runs.sync_account(config_id)
