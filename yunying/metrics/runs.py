"""Background work of the metrics app: import jobs and the platforms' daily sync.

Tasks in ``tasks.py`` only call these; tests call them directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yunying.accounts.choices import Platform
from yunying.adapters.platform_data import MetricsSource, SourceError
from yunying.tenancy.scoping import SYSTEM, Actor, build_actor

from . import actions
from .models import ImportJob, SyncConfig

log = logging.getLogger(__name__)


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


# ----- the platforms' daily sync -------------------------------------------------------------

# A first run fills this many days back: Douyin serves at most the 30 days before today.
FIRST_SYNC_DAYS = 29


def source_for(
    config: SyncConfig, *, now: Callable[[], dt.datetime] | None = None
) -> MetricsSource:
    """The adapter of the account's platform, with its secrets from the vault."""
    from django.core.cache import cache

    from yunying.accounts import vault

    platform = config.account.platform
    if platform == Platform.WECHAT_OA:
        from yunying.adapters import wechat_oa
        from yunying.adapters.wechat_datacube import WeChatDataCube

        wechat = wechat_oa.WeChatOAClient(
            config.app_id,
            vault.decrypt(config.secret_ciphertext),
            base_url=config.api_base or wechat_oa.DEFAULT_BASE_URL,
            token_store=wechat_oa.CacheTokenStore(cache),
        )
        return WeChatDataCube(wechat, now=now)
    if platform == Platform.DOUYIN:
        from yunying.adapters import douyin

        tokens = (
            douyin.DouyinTokens(**json.loads(vault.decrypt(config.tokens_ciphertext)))
            if config.tokens_ciphertext
            else None
        )
        if tokens is None:
            raise SourceError("抖音账号尚未授权：请在账号数据页点击“授权抖音账号”", retryable=False)

        def keep(new: douyin.DouyinTokens) -> None:
            # At once, outside the sync's own transaction: the platform may retire the old
            # tokens, so the new ones must survive even if this run fails later.
            actions.keep_tokens(config, dataclasses.asdict(new))

        client = douyin.DouyinClient(
            config.api_base or douyin.DEFAULT_BASE_URL,
            config.app_id,
            vault.decrypt(config.secret_ciphertext),
            tokens,
            on_refresh=keep,
        )
        return douyin.DouyinDataSource(client, config.open_id, now=now)
    raise SourceError(f"{config.account.get_platform_display()}暂不支持自动同步", retryable=False)


def newest_complete_day(now: dt.datetime) -> dt.date:
    """The newest day every platform has completed: WeChat's data is complete from 08:00 the
    next morning in China (Douyin's by the next day), so the stricter rule serves both."""
    from yunying.adapters.wechat_datacube import last_complete_day

    return last_complete_day(now)


def sync_account(config_id: int, *, now: dt.datetime | None = None) -> str:
    """Fetch and store the days after ``synced_through`` up to the newest complete one.

    All or nothing: the adapter returns every day or raises, and the days are written with the
    new ``synced_through`` in one transaction. A failure is noted with its back-off.
    """
    moment = now or timezone.now()
    config = SyncConfig.objects.select_related("account").get(pk=config_id)
    if not config.enabled:
        return "disabled"
    end = newest_complete_day(moment)
    start = (
        config.synced_through + dt.timedelta(days=1)
        if config.synced_through
        else end - dt.timedelta(days=FIRST_SYNC_DAYS - 1)
    )
    if start > end:
        return "up to date"
    try:
        fetched = source_for(config, now=lambda: moment).fetch(start, end)
    except SourceError as error:
        log.warning("sync of account %s failed: %s", config.account_id, error.message)
        return actions.record_sync_failure(config, error, now=moment).state
    result = actions.store_sync(config, fetched, through=end)
    if result.changed_anything:
        actions.detect_after_write(config.account, [day.date for day in fetched.days])
    return "ok"


def sync_due(*, now: dt.datetime | None = None) -> list[int]:
    """The enabled syncs behind the newest complete day whose back-off has passed; each is
    handed to a worker of its own."""
    moment = now or timezone.now()
    end = newest_complete_day(moment)
    due = (
        SyncConfig.objects.filter(enabled=True)
        .filter(Q(synced_through__isnull=True) | Q(synced_through__lt=end))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment))
        .values_list("pk", flat=True)
    )
    from .tasks import sync_account as task

    ids = list(due)
    for pk in ids:
        task.delay(pk)
    return ids
