"""The read side: stored facts of many accounts over a period, as the settlement engine wants them.

Not scoped by actor: callers pass the ids of accounts they reached through ``visible_to`` or,
for the monthly settlement run, through the contracts being settled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .files import PostRow
from .models import DailyMetric, PostFact


@dataclass
class AccountFacts:
    """One account's facts in a period: metric code → (date, value) rows by date, and posts.

    ``PostRow.account`` holds the platform account's id as text; callers re-key it.
    """

    metrics: dict[str, list[tuple[dt.date, Decimal]]] = field(default_factory=dict)
    posts: list[PostRow] = field(default_factory=list)


def facts_for_accounts(
    account_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, AccountFacts]:
    """Facts dated ``start``..``end`` (inclusive) for every account id given (empty when it has
    none), in two queries whatever the number of accounts: one for metrics, one for posts."""
    facts = {pk: AccountFacts() for pk in account_ids}
    if not facts:
        return facts
    ids = list(facts)
    metrics = (
        DailyMetric.objects.filter(account_id__in=ids, date__range=(start, end))
        .order_by("account_id", "metric", "date")
        .values_list("account_id", "metric", "date", "value")
    )
    for account_id, metric, day, value in metrics:
        facts[account_id].metrics.setdefault(metric, []).append((day, value))
    posts = (
        PostFact.objects.filter(account_id__in=ids, published_on__range=(start, end))
        .order_by("account_id", "published_on", "post_id")
        .values_list("account_id", "post_id", "published_on", "kind", "likes")
    )
    for account_id, post_id, day, kind, likes in posts:
        # Settlement's rows: a post without likes on record reaches no likes threshold.
        row = PostRow(post_id, str(account_id), day, kind, likes or 0)
        facts[account_id].posts.append(row)
    return facts
