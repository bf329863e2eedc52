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
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yunying.accounts.models import PlatformAccount
from yunying.audit.actions import record
from yunying.tenancy import policy
from yunying.tenancy.scoping import Actor, ensure_same_agency

from .choices import FactSource
from .definitions import STORED, plain
from .files import (
    MAX_KIND,
    MAX_LIKES,
    MAX_POST_ID,
    VALUE_INTEGER_DIGITS,
    VALUE_PLACES,
    MetricRow,
    PostRow,
)
from .models import DailyMetric, PostFact


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
    exponent = value.as_tuple().exponent
    if (
        not value.is_finite()
        or value < 0
        or (isinstance(exponent, int) and -exponent > VALUE_PLACES)
        or value.adjusted() >= VALUE_INTEGER_DIGITS
    ):
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
    list(PlatformAccount.objects.select_for_update().filter(pk=account.pk).values_list("pk"))


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
    by_id: dict[str, PostRow] = {}
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
        by_id[row.post_id] = row
    if not by_id:
        return ImportResult(0, 0, 0)
    _lock(account)
    existing = {p.post_id: p for p in PostFact.objects.filter(account=account, post_id__in=by_id)}
    now = timezone.now()
    new: list[PostFact] = []
    changed: list[PostFact] = []
    for post_id, row in by_id.items():
        post = existing.get(post_id)
        if post is None:
            new.append(
                PostFact(
                    agency_id=account.agency_id,
                    client_id=account.client_id,
                    account=account,
                    post_id=post_id,
                    published_on=row.published_on,
                    kind=row.kind,
                    likes=row.likes,
                )
            )
        elif (post.published_on, post.kind, post.likes) != (row.published_on, row.kind, row.likes):
            post.published_on, post.kind, post.likes = row.published_on, row.kind, row.likes
            post.updated_at = now
            changed.append(post)
    PostFact.objects.bulk_create(new)
    PostFact.objects.bulk_update(changed, ["published_on", "kind", "likes", "updated_at"])
    result = ImportResult(len(new), len(changed), len(by_id) - len(new) - len(changed))
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
