"""The write path for stored metrics and posts: file imports and values entered by hand.

Imports are idempotent upserts by natural key ((account, date, metric) and (account, post_id)):
importing the same rows again changes nothing, writes nothing and records nothing. Each import
runs in one transaction with a constant number of queries whatever the number of rows, and
writes one audit entry with its counts (not one per row).

The ``account`` column of the rows is ignored: the caller has chosen the platform account the
file belongs to. A file mixing several accounts is refused as soon as two rows share a key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yunying.accounts.choices import AccountRole, Platform
from yunying.accounts.models import PlatformAccount
from yunying.adapters.platform_data import Fetched, SourceError
from yunying.audit.actions import record
from yunying.tenancy import policy
from yunying.tenancy.scoping import SYSTEM, Actor, ensure_same_agency

from . import mappings
from .choices import IMPORT_FINISHED, FactSource, FlagStatus, ImportStatus, SyncState
from .definitions import STORED, plain
from .files import (
    MAX_KIND,
    MAX_LIKES,
    MAX_POST_ID,
    VALUE_PLACES,
    MetricRow,
    PostRow,
    Problem,
    value_problem,
)
from .mappings import POST_COUNTS, DayRecord, Parsed, PostRecord
from .models import (
    DailyExtra,
    DailyMetric,
    EngagementFlag,
    ImportJob,
    PostFact,
    SyncConfig,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    """How many rows an import added, changed and found already as given."""

    created: int
    updated: int
    unchanged: int

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def _check_value(metric: str, value: Decimal, *, where: str = "") -> None:
    """The same limits the file parser applies, for callers that build rows themselves."""
    if metric not in STORED:
        raise ValidationError({"metric": _("Unknown metric %(metric)s.") % {"metric": metric}})
    if value_problem(value, value) is not None:
        raise ValidationError(
            {
                "value": _(
                    "%(where)sEnter a number of at least 0 with at most %(places)d decimal places."
                )
                % {"where": where, "places": VALUE_PLACES}
            }
        )


def _lock(account: PlatformAccount) -> None:
    # Imports into one account queue up: the second sees the first one's rows, so neither
    # fails on the unique key halfway.
    list(PlatformAccount.tracked.select_for_update().filter(pk=account.pk).values_list("pk"))


def _upsert_metrics(
    account: PlatformAccount, values: dict[tuple[dt.date, str], Decimal], source: str
) -> tuple[ImportResult, dict[tuple[dt.date, str], Decimal]]:
    """Write ``values`` (key → value) for ``account``; returns the counts and the old values of
    the rows it changed. Two queries plus the bulk writes."""
    if not values:
        return ImportResult(0, 0, 0), {}
    days = [day for day, _metric in values]
    existing = {
        (row.date, row.metric): row
        for row in DailyMetric.objects.filter(
            account=account,
            date__range=(min(days), max(days)),
            metric__in={metric for _day, metric in values},
        )
    }
    now = timezone.now()
    new: list[DailyMetric] = []
    changed: list[DailyMetric] = []
    previous: dict[tuple[dt.date, str], Decimal] = {}
    for (day, metric), value in values.items():
        row = existing.get((day, metric))
        if row is None:
            new.append(
                DailyMetric(
                    agency_id=account.agency_id,
                    client_id=account.client_id,
                    account=account,
                    date=day,
                    metric=metric,
                    value=value,
                    source=source,
                )
            )
        elif row.value != value:
            previous[(day, metric)] = row.value
            row.value, row.source, row.updated_at = value, source, now
            changed.append(row)
    DailyMetric.objects.bulk_create(new)
    DailyMetric.objects.bulk_update(changed, ["value", "source", "updated_at"])
    return ImportResult(len(new), len(changed), len(values) - len(new) - len(changed)), previous


def _span(days: Sequence[dt.date]) -> dict[str, Any]:
    return {"from": min(days), "to": max(days)} if days else {}


@transaction.atomic
def import_metrics(
    *, actor: Actor, account: PlatformAccount, rows: Sequence[MetricRow]
) -> ImportResult:
    """Store daily values from a METRICS.csv (parsed) for ``account``, all or nothing.

    New keys are added, different values replace the stored ones, equal values are left
    alone. ``row.account`` is ignored (see the module's docstring).
    """
    policy.require(actor, "metrics.import_dailymetric")
    ensure_same_agency(actor, account.agency_id)
    values: dict[tuple[dt.date, str], Decimal] = {}
    for row in rows:
        where = f"{row.date} {row.metric}: "
        _check_value(row.metric, row.value, where=where)
        if (row.date, row.metric) in values:
            raise ValidationError(
                _(
                    "%(where)sthe rows give this value twice. "
                    "Does the file hold more than one account?"
                )
                % {"where": where}
            )
        values[(row.date, row.metric)] = row.value
    _lock(account)
    result, _previous = _upsert_metrics(account, values, FactSource.FILE)
    if result.changed_anything:
        record(
            actor=actor,
            action="metrics.import",
            obj=account,
            data={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                **_span([day for day, _metric in values]),
            },
        )
    return result


@transaction.atomic
def record_metric(
    *, actor: Actor, account: PlatformAccount, date: dt.date, metric: str, value: Decimal
) -> DailyMetric:
    """Enter one day's value by hand (calls from the client's phone log, for example); replaces
    the stored value of that day, audited with the value it replaced."""
    policy.require(actor, "metrics.add_dailymetric")
    ensure_same_agency(actor, account.agency_id)
    _check_value(metric, value)
    _lock(account)
    result, previous = _upsert_metrics(account, {(date, metric): value}, FactSource.MANUAL)
    if result.changed_anything:
        old = previous.get((date, metric))
        record(
            actor=actor,
            action="metrics.record",
            obj=account,
            data={
                "date": date,
                "metric": metric,
                "value": plain(value),
                "previous": plain(old) if old is not None else None,
            },
        )
    return DailyMetric.objects.get(account=account, date=date, metric=metric)


@dataclass(frozen=True)
class _PostValues:
    """What a source says about one post; ``None`` fields are not given and left alone."""

    published_on: dt.date
    kind: str
    # None: the source does not give likes (the WeChat data cube); a stored count is kept, a new
    # post has none on record until an export brings them.
    likes: int | None
    title: str | None = None
    counts: dict[str, int] | None = None
    extras: dict[str, Any] | None = None


def _upsert_posts(
    account: PlatformAccount, values: dict[str, _PostValues], source: str
) -> ImportResult:
    """Write posts by id for ``account``: two queries plus the bulk writes."""
    if not values:
        return ImportResult(0, 0, 0)
    existing = {p.post_id: p for p in PostFact.objects.filter(account=account, post_id__in=values)}
    now = timezone.now()
    new: list[PostFact] = []
    changed: list[PostFact] = []
    for post_id, given in values.items():
        post = existing.get(post_id)
        if post is None:
            post = PostFact(
                agency_id=account.agency_id,
                client_id=account.client_id,
                account=account,
                post_id=post_id,
                published_on=given.published_on,
                kind=given.kind,
                likes=given.likes,
                source=source,
            )
            new.append(post)
        before = _post_state(post)
        post.published_on, post.kind = given.published_on, given.kind
        if given.likes is not None:
            post.likes = given.likes
        if given.title is not None:
            post.title = given.title
        for name, count in (given.counts or {}).items():
            setattr(post, name, count)
        if given.extras:
            post.extras = {**post.extras, **given.extras}
        if post.pk is not None and _post_state(post) != before:
            post.source, post.updated_at = source, now
            changed.append(post)
    PostFact.objects.bulk_create(new)
    PostFact.objects.bulk_update(changed, [*POST_FIELDS, "source", "updated_at"])
    return ImportResult(len(new), len(changed), len(values) - len(new) - len(changed))


POST_FIELDS = ["published_on", "kind", "likes", "title", *POST_COUNTS, "extras"]


def _post_state(post: PostFact) -> tuple[Any, ...]:
    return tuple(getattr(post, name) for name in POST_FIELDS)


def _upsert_extras(
    account: PlatformAccount, values: dict[dt.date, dict[str, Any]], source: str
) -> ImportResult:
    """Merge each day's extras into the stored ones (a key given again replaces its value)."""
    if not values:
        return ImportResult(0, 0, 0)
    existing = {
        row.date: row
        for row in DailyExtra.objects.filter(
            account=account, date__range=(min(values), max(values))
        )
    }
    now = timezone.now()
    new: list[DailyExtra] = []
    changed: list[DailyExtra] = []
    for day, data in values.items():
        row = existing.get(day)
        if row is None:
            new.append(
                DailyExtra(
                    agency_id=account.agency_id,
                    client_id=account.client_id,
                    account=account,
                    date=day,
                    data=data,
                    source=source,
                )
            )
        elif {**row.data, **data} != row.data:
            row.data, row.source, row.updated_at = {**row.data, **data}, source, now
            changed.append(row)
    DailyExtra.objects.bulk_create(new)
    DailyExtra.objects.bulk_update(changed, ["data", "source", "updated_at"])
    return ImportResult(len(new), len(changed), len(values) - len(new) - len(changed))


def _require(actor: Actor, permission: str, account: PlatformAccount) -> None:
    # Scheduled work and the command line act as SYSTEM: whoever runs them already holds the
    # server, and what they do is audited as "system".
    if actor is SYSTEM:
        return
    policy.require(actor, permission)
    ensure_same_agency(actor, account.agency_id)


@transaction.atomic
def import_posts(
    *, actor: Actor, account: PlatformAccount, rows: Sequence[PostRow]
) -> ImportResult:
    """Store published items from a POSTS.csv (parsed) for ``account``, all or nothing.

    A post already stored gets the file's date, kind and likes (likes grow after publishing).
    ``row.account`` is ignored (see the module's docstring).
    """
    policy.require(actor, "metrics.import_postfact")
    ensure_same_agency(actor, account.agency_id)
    by_id: dict[str, _PostValues] = {}
    for row in rows:
        if not row.post_id or len(row.post_id) > MAX_POST_ID:
            raise ValidationError({"post_id": _("Enter the post's id (at most 64 characters).")})
        if not row.kind or len(row.kind) > MAX_KIND or not 0 <= row.likes <= MAX_LIKES:
            raise ValidationError(
                _("%(post)s: enter a kind (at most 16 characters) and likes of at least 0.")
                % {"post": row.post_id}
            )
        if row.post_id in by_id:
            raise ValidationError(
                _(
                    "%(post)s: the rows give this post twice. "
                    "Does the file hold more than one account?"
                )
                % {"post": row.post_id}
            )
        by_id[row.post_id] = _PostValues(row.published_on, row.kind, row.likes)
    if not by_id:
        return ImportResult(0, 0, 0)
    _lock(account)
    result = _upsert_posts(account, by_id, FactSource.FILE)
    if result.changed_anything:
        record(
            actor=actor,
            action="metrics.import_posts",
            obj=account,
            data={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                **_span([row.published_on for row in by_id.values()]),
            },
        )
    return result


@dataclass(frozen=True)
class FileImport:
    """What one file did to the store."""

    metrics: ImportResult
    extras: ImportResult
    posts: ImportResult

    def as_json(self) -> dict[str, dict[str, int]]:
        return {
            "metrics": asdict(self.metrics),
            "extras": asdict(self.extras),
            "posts": asdict(self.posts),
        }

    @property
    def changed_anything(self) -> bool:
        return any(r.changed_anything for r in (self.metrics, self.extras, self.posts))


@transaction.atomic
def store_parsed(
    *,
    actor: Actor,
    account: PlatformAccount,
    parsed: Parsed,
    source: str = FactSource.FILE,
    note: dict[str, Any] | None = None,
) -> FileImport:
    """Write the good records of a parsed file (or an API fetch) for ``account`` in one
    transaction, with one audit entry when anything changed. Deciding whether a file with
    problems may be written at all is the caller's (see :func:`run_import`)."""
    _require(actor, "metrics.import_dailymetric", account)
    if parsed.posts:
        _require(actor, "metrics.import_postfact", account)
    values = {
        (day.date, metric): value for day in parsed.days for metric, value in day.metrics.items()
    }
    extras = {day.date: day.extras for day in parsed.days if day.extras}
    posts = {
        post.post_id: _PostValues(
            post.published_on, post.kind, post.likes, post.title, post.counts, post.extras
        )
        for post in parsed.posts
    }
    _lock(account)
    metrics, _previous = _upsert_metrics(account, values, source)
    result = FileImport(
        metrics, _upsert_extras(account, extras, source), _upsert_posts(account, posts, source)
    )
    if result.changed_anything:
        days = [day.date for day in parsed.days] + [post.published_on for post in parsed.posts]
        record(
            actor=actor,
            action="metrics.import_file",
            obj=account,
            data={**result.as_json(), **_span(days), "source": source, **(note or {})},
        )
    return result


# ----- import jobs ---------------------------------------------------------------------------

# Files up to this size are imported while the uploader waits; larger ones go to a worker and
# the page follows their progress.
INLINE_IMPORT_BYTES = 512 * 1024
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# The job keeps this many problems for its page; the count keeps all.
KEPT_PROBLEMS = 500


def create_import(
    *,
    actor: Actor,
    account: PlatformAccount,
    mapping_name: str,
    filename: str,
    data: bytes,
    keep_good_rows: bool = False,
) -> ImportJob:
    """Store an uploaded file as an import job for ``account``; :func:`run_import` reads it.

    Refuses (naming the field) an unknown format, a format meant for another platform, an
    empty or oversized file.
    """
    _require(actor, "metrics.import_dailymetric", account)
    try:
        chosen = mappings.mapping(mapping_name)
    except KeyError as exc:
        raise ValidationError({"mapping": str(exc.args[0])}) from None
    if chosen.platforms and account.platform not in chosen.platforms:
        raise ValidationError(
            {
                "mapping": _("%(format)s is for %(platforms)s accounts, not %(platform)s.")
                % {
                    "format": chosen.title,
                    "platforms": "、".join(str(Platform(p).label) for p in chosen.platforms),
                    "platform": account.get_platform_display(),
                }
            }
        )
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 50 MB.")})
    job = ImportJob(
        agency_id=account.agency_id,
        client_id=account.client_id,
        account=account,
        mapping=chosen.name,
        filename=filename[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        keep_good_rows=keep_good_rows,
        created_by=actor.user,
    )
    job.file.save(filename or "upload", ContentFile(data), save=False)
    job.save()
    return job


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "source": problem.source,
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
    }


def record_progress(job_id: int, rows: int) -> None:
    """Tell the job's page how far reading has got (autocommitted, so other requests see it)."""
    ImportJob.objects.filter(pk=job_id).update(rows_read=rows)


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)


def run_import(job: ImportJob, *, actor: Actor) -> ImportJob:
    """Read the job's file, then write it or reject it; the job row tells the outcome.

    Progress is written to the job as rows are read (outside any transaction, so the page sees
    it); the write itself is one transaction. With problems and all-or-nothing chosen nothing
    is written; with keep-good-rows the good records are written and the bad rows listed.
    Running a finished job again does nothing.
    """
    if job.status in IMPORT_FINISHED:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.READING, rows_read=0)
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        parsed = mappings.parse(
            data,
            job.filename,
            mappings.mapping(job.mapping),
            progress=lambda rows: record_progress(job.pk, rows),
        )
        problems = sorted(parsed.problems, key=lambda p: (p.source, p.row))
        shown = [_problem_json(p) for p in problems[:KEPT_PROBLEMS]]
        counts = {"rows_read": parsed.rows_read, "problem_count": len(problems), "problems": shown}
        nothing = not parsed.days and not parsed.posts
        if (problems and not job.keep_good_rows) or nothing:
            result = {"rejected_rows": parsed.rejected_rows, "extra_columns": parsed.extra_columns}
            if nothing and not problems:
                counts["problems"] = [
                    _problem_json(Problem(job.filename, 1, "", "文件中没有数据行"))
                ]
                counts["problem_count"] = 1
            _finish(job, ImportStatus.REJECTED, result=result, **counts)
            job.refresh_from_db()
            return job
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING, **counts)
        stored = store_parsed(
            actor=actor,
            account=job.account,
            parsed=parsed,
            note={
                "file": job.filename,
                "sha256": job.sha256,
                "import": job.pk,
                "rejected_rows": parsed.rejected_rows,
            },
        )
    except Exception as exc:
        # The write rolled back; the job says what happened instead of staying "writing".
        log.exception("import %s failed", job.pk)
        _finish(job, ImportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    result = {
        **stored.as_json(),
        "rejected_rows": parsed.rejected_rows,
        "extra_columns": parsed.extra_columns,
    }
    _finish(job, ImportStatus.DONE, result=result)
    if stored.changed_anything:
        detect_after_write(job.account, [day.date for day in parsed.days])
    job.refresh_from_db()
    return job


# ----- platform sync -------------------------------------------------------------------------

SYNC_PLATFORMS = frozenset({Platform.WECHAT_OA, Platform.DOUYIN})


@transaction.atomic
def configure_sync(
    *,
    actor: Actor,
    account: PlatformAccount,
    app_id: str,
    secret: str = "",
    api_base: str = "",
    enabled: bool = True,
) -> SyncConfig:
    """Connect an account to its platform's data API (secrets to the vault), or change it.

    A secret left empty keeps the stored one, but changing the API address needs it again, so
    whoever may edit the address cannot send the stored secret elsewhere. A new AppID or client
    key drops the stored authorisation: tokens and open_ids belong to one application (the same
    Douyin user has another open_id in another app), so the owner authorises the new app.
    """
    from yunying.accounts import vault

    _require(actor, "metrics.change_syncconfig", account)
    config = SyncConfig.objects.filter(account=account).first() or SyncConfig(
        agency_id=account.agency_id, client_id=account.client_id, account=account
    )
    errors: dict[str, str] = {}
    if account.platform not in SYNC_PLATFORMS:
        errors["app_id"] = _("Only Official Accounts and Douyin accounts have a data API.")
    if not app_id.strip():
        errors["app_id"] = _("Enter the AppID or client key.")
    if not secret and not config.secret_ciphertext:
        errors["secret"] = _("Enter the secret.")
    if api_base and api_base != config.api_base and not secret:
        errors["secret"] = _("Enter the secret again to change the API address.")
    if api_base and not api_base.startswith(("https://", "http://")):
        errors["api_base"] = _("Enter an http(s) address.")
    if errors:
        raise ValidationError(errors)
    cleared = bool(config.pk and app_id.strip() != config.app_id and config.tokens_ciphertext)
    if cleared:
        config.open_id, config.tokens_ciphertext = "", ""
    config.app_id, config.enabled = app_id.strip(), enabled
    config.api_base = api_base
    if secret:
        config.secret_ciphertext = vault.encrypt(secret)
    config.state = SyncState.NEW if config.pk is None else config.state
    config.failures, config.next_attempt_at = 0, None
    config.save()
    record(
        actor=actor,
        action="metrics.sync_configure",
        obj=account,
        data={
            "app_id": config.app_id,
            "enabled": enabled,
            "secret_changed": bool(secret),
            "authorisation_cleared": cleared,
        },
    )
    return config


@transaction.atomic
def authorise_douyin(*, actor: Actor, account: PlatformAccount, code: str) -> SyncConfig:
    """Turn the code Douyin sent back after the owner's consent into the sync's tokens.

    The owner scanned the code with whichever Douyin account their phone was signed in to; once
    data of one open_id is stored, tokens of another would mix two accounts' figures, so they
    are refused. Before the first stored day, authorising again replaces a wrong choice. On
    PostgreSQL the sync's row stays locked during the one call to Douyin (bounded by its
    timeout), so the connection cannot change between the exchange and the storing of tokens.
    """
    from yunying.accounts import vault
    from yunying.adapters import douyin

    _require(actor, "metrics.change_syncconfig", account)
    config = SyncConfig.objects.select_for_update().filter(account=account).first()
    if account.platform != Platform.DOUYIN or config is None or not config.secret_ciphertext:
        raise ValidationError(_("Save the client key and secret before authorising."))
    client = douyin.DouyinClient(
        config.api_base or douyin.DEFAULT_BASE_URL,
        config.app_id,
        vault.decrypt(config.secret_ciphertext),
        None,
    )
    try:
        open_id, tokens = client.exchange_code(code)
    except SourceError as exc:
        raise ValidationError(
            _("Douyin did not accept the authorisation: %(reason)s") % {"reason": exc.message}
        ) from None
    if config.open_id and open_id != config.open_id and config.synced_through is not None:
        raise ValidationError(
            _(
                "This authorisation is for another Douyin account than the one whose data is "
                "stored here; sign in to Douyin as %(name)s and authorise again."
            )
            % {"name": account.display_name}
        )
    replaced = config.open_id if config.open_id != open_id else ""
    first = not config.tokens_ciphertext
    config.open_id = open_id
    config.tokens_ciphertext = vault.encrypt(json.dumps(asdict(tokens)))
    if config.synced_through is None:
        config.state = SyncState.NEW
    elif config.state == SyncState.NEEDS_ATTENTION:
        # What needed a person is done; the next round tries again.
        config.state = SyncState.RETRYING
    config.failures, config.next_attempt_at, config.last_error = 0, None, ""
    config.save()
    record(
        actor=actor,
        action="metrics.sync_authorise",
        obj=account,
        data={
            "open_id": _open_id_hint(open_id),
            "replaced_open_id": _open_id_hint(replaced),
            "first": first,
            "refresh_expires_at": dt.datetime.fromtimestamp(
                tokens.refresh_expires_at, dt.UTC
            ).isoformat(timespec="seconds"),
        },
    )
    return config


def _open_id_hint(open_id: str) -> str:
    # Enough to tell two authorisations apart in the log, not the whole identifier.
    return f"{open_id[:6]}…" if open_id else ""


def keep_tokens(config: SyncConfig, tokens: dict[str, Any]) -> bool:
    """Store refreshed OAuth tokens of an account's sync (encrypted), at once.

    Only over the tokens this run refreshed: if the owner authorised again meanwhile (or a new
    client key cleared the authorisation), the stored tokens are newer than the run's and stay.
    Returns whether they were stored.
    """
    from yunying.accounts import vault

    ciphertext = vault.encrypt(json.dumps(tokens))
    kept = SyncConfig.objects.filter(
        pk=config.pk, open_id=config.open_id, tokens_ciphertext=config.tokens_ciphertext
    ).update(tokens_ciphertext=ciphertext)
    if kept:
        # A second refresh in the same run replaces these.
        config.tokens_ciphertext = ciphertext
    return bool(kept)


def _fetched_as_parsed(fetched: Fetched) -> Parsed:
    days = [DayRecord(d.date, dict(d.metrics), dict(d.extras), "api", 0) for d in fetched.days]
    posts = [
        PostRecord(
            post_id=p.post_id,
            published_on=p.published_on,
            title=p.title[: mappings.MAX_TITLE],
            kind=p.kind,
            likes=p.metrics.get("likes"),
            counts={k: v for k, v in p.metrics.items() if k in POST_COUNTS},
            extras=dict(p.extras),
            source="api",
            row=0,
        )
        for p in fetched.posts
    ]
    return Parsed(days=days, posts=posts, rows_read=len(days) + len(posts))


@transaction.atomic
def store_sync(config: SyncConfig, fetched: Fetched, *, through: dt.date) -> FileImport:
    """Store a complete fetch and move the account's sync forward, in one transaction: either
    every day of the fetch and the new ``synced_through`` are written, or nothing is."""
    result = store_parsed(
        actor=SYSTEM,
        account=config.account,
        parsed=_fetched_as_parsed(fetched),
        source=FactSource.API,
        note={"sync": config.pk},
    )
    SyncConfig.objects.filter(pk=config.pk).update(
        synced_through=through,
        state=SyncState.OK,
        failures=0,
        next_attempt_at=None,
        last_error="",
        last_run_at=timezone.now(),
    )
    return result


def record_sync_failure(config: SyncConfig, error: SourceError, *, now: dt.datetime) -> SyncConfig:
    """Note a failed run: a retryable one waits 2^n minutes (at most six hours) before the next
    try; one a person must fix waits for tomorrow's run and says so."""
    failures = config.failures + 1
    if error.retryable:
        wait = dt.timedelta(minutes=min(2**failures, 360))
        state = SyncState.RETRYING
    else:
        wait = dt.timedelta(hours=24)
        state = SyncState.NEEDS_ATTENTION
    SyncConfig.objects.filter(pk=config.pk).update(
        failures=failures,
        state=state,
        next_attempt_at=now + wait,
        last_error=error.message[:2000],
        last_run_at=now,
    )
    config.refresh_from_db()
    return config


# ----- suspicious engagement -----------------------------------------------------------------

# Days before the period that serve as the detector's history (its window plus slack).
HISTORY_DAYS = 60
# New data older than this is not screened (a backfill of years would flag history nobody can
# act on any more).
SCREEN_DAYS = 92


def detect_after_write(account: PlatformAccount, days: Sequence[dt.date]) -> list[EngagementFlag]:
    """Screen the days an import or a sync has just written (the newest ``SCREEN_DAYS``).

    Competitors' accounts are not screened: a finding is for the agency to review on what it
    operates (seed 003), and a competitor's bought followers are not ours to confirm."""
    if not days or account.role != AccountRole.OPERATED:
        return []
    end = max(days)
    start = max(min(days), end - dt.timedelta(days=SCREEN_DAYS - 1))
    return detect_engagement(account, start, end)


@transaction.atomic
def detect_engagement(
    account: PlatformAccount, start: dt.date, end: dt.date
) -> list[EngagementFlag]:
    """Run the detector over ``start..end`` of one account and keep what is new (a key found
    before keeps its row and review). Returns the new flags; the team's managers are told."""
    from . import anomalies

    rows = DailyMetric.objects.filter(
        account=account,
        date__range=(start - dt.timedelta(days=HISTORY_DAYS), end),
        metric__in=[*anomalies.SPIKE_METRICS, *anomalies.VIEW_METRICS, "likes"],
    ).values_list("metric", "date", "value")
    days: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for metric, day, value in rows:
        days.setdefault(metric, []).append((day, value))
    posts = [
        anomalies.PostStats(
            post.post_id,
            post.published_on,
            post.plays,
            post.reads,
            # No likes on record is no evidence either way; the like-rate check needs some.
            post.likes or 0,
            post.comments or 0,
            post.shares or 0,
            post.favourites or 0,
        )
        for post in PostFact.objects.filter(
            account=account, published_on__gte=start - dt.timedelta(days=HISTORY_DAYS)
        )
    ]
    found = anomalies.detect(days, posts, start=start, end=end)
    known = set(
        EngagementFlag.objects.filter(account=account, key__in=[f.key for f in found]).values_list(
            "key", flat=True
        )
    )
    new = [
        EngagementFlag(
            agency_id=account.agency_id,
            client_id=account.client_id,
            account=account,
            key=flag.key,
            kind=flag.kind,
            date=flag.date,
            post_id=flag.post_id,
            metric=flag.metric,
            value=flag.value,
            expected=flag.expected,
            score=flag.score,
            threshold=flag.threshold,
            explanation=flag.explanation,
            inputs=flag.inputs,
        )
        for flag in found
        if flag.key not in known
    ]
    EngagementFlag.objects.bulk_create(new)
    if new:
        from yunying.notify.actions import notify
        from yunying.notify.choices import NotificationKind
        from yunying.tenancy.actions import team_people
        from yunying.tenancy.choices import Role

        managers = team_people(account.client_id, Role.ACCOUNT_MANAGER, Role.SUPERVISOR)
        transaction.on_commit(
            lambda: notify(
                managers,
                agency_id=account.agency_id,
                client_id=account.client_id,
                kind=NotificationKind.ENGAGEMENT_FLAGGED,
                params={"account": account.display_name, "count": len(new)},
                url=reverse("metrics:flags") + f"?account={account.pk}",
            )
        )
    return new


@transaction.atomic
def review_flag(*, actor: Actor, flag: EngagementFlag, decision: str, note: str) -> EngagementFlag:
    """Confirm or dismiss a finding; a dismissal says why. Audited with the flag's numbers."""
    _require(actor, "metrics.review_engagementflag", flag.account)
    if decision not in (FlagStatus.CONFIRMED, FlagStatus.DISMISSED):
        raise ValidationError({"decision": _("Confirm or dismiss the finding.")})
    if decision == FlagStatus.DISMISSED and not note.strip():
        raise ValidationError({"note": _("Say why the numbers are innocent.")})
    flag = EngagementFlag.objects.select_for_update().get(pk=flag.pk)
    flag.status, flag.review_note = decision, note.strip()
    flag.reviewed_by, flag.reviewed_at = actor.user, timezone.now()
    flag.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    record(
        actor=actor,
        action="metrics.flag_review",
        obj=flag.account,
        data={
            "flag": flag.pk,
            "kind": flag.kind,
            "date": flag.date,
            "post": flag.post_id,
            "decision": decision,
            "value": plain(flag.value),
            "expected": plain(flag.expected),
        },
        reason=flag.review_note,
    )
    return flag
