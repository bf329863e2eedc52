"""Background work of the metrics app (the logic is in ``runs.py``)."""

from __future__ import annotations

from celery import shared_task

from . import runs


@shared_task
def import_file(job_id: int) -> str:
    """Read and write one uploaded file. No autoretry: a failed job says why on its page, and
    running it again could not change a file's problems."""
    return runs.run_import_job(job_id)
