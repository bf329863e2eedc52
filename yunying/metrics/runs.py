"""Background work of the metrics app: import jobs and, later, the platforms' daily sync.

Tasks in ``tasks.py`` only call these; tests call them directly.
"""

from __future__ import annotations

from django.db import transaction

from yunying.tenancy.scoping import SYSTEM, Actor, build_actor

from . import actions
from .models import ImportJob


def job_actor(job: ImportJob) -> Actor:
    """Who an import job acts as: its uploader in the job's agency (so losing the role in the
    meantime stops it), or the system for jobs started from the command line."""
    if job.created_by is None:
        return SYSTEM
    return build_actor(job.created_by, job.agency_id)


def run_import_job(job_id: int) -> str:
    """Run one queued import job; returns its final status."""
    job = ImportJob.objects.select_related("account", "created_by").get(pk=job_id)
    return actions.run_import(job, actor=job_actor(job)).status


def start_import(job: ImportJob) -> None:
    """Run a new job now when its file is small, otherwise hand it to a worker after commit."""
    if job.size <= actions.INLINE_IMPORT_BYTES:
        run_import_job(job.pk)
        return
    from .tasks import import_file

    transaction.on_commit(lambda: import_file.delay(job.pk))
