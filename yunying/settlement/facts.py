"""The stored facts of a month, loaded for many contracts at once in a fixed number of queries.

The engine is keyed by the terms' account keys ("A"); the database by platform account ids.
This module translates, so the engine never sees a database id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from yunying.contracts.models import ContractAccount, ContractVersion
from yunying.metrics.facts import facts_for_accounts
from yunying.metrics.files import MetricRow, PostRow
from yunying.settlement.engine import Event, Facts, Month

from .models import ContractEvent


def versions_in_force(contract_ids: Iterable[int], month: Month) -> dict[int, ContractVersion]:
    """Per contract, the version in force on the month's first day (one query).

    Amendments start on the first day of a month, so this is the version for the whole month.
    """
    chosen: dict[int, ContractVersion] = {}
    rows = ContractVersion.objects.filter(
        contract_id__in=list(contract_ids), effective_from__lte=month.start
    ).order_by("contract_id", "effective_from")
    for version in rows:
        chosen[version.contract_id] = version  # later effective dates overwrite earlier ones
    return chosen


def load_facts(contract_ids: Iterable[int], month: Month) -> dict[int, Facts]:
    """Metrics and posts of the month and every event up to its end, per contract.

    Four queries whatever the number of contracts: account links, metrics, posts, events.
    Events before the month are included on purpose: a payment notice or a delivery due date
    from an earlier month still accrues interest or lateness in this one.
    """
    ids = list(contract_ids)
    keys_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for contract_id, key, account_id in ContractAccount.objects.filter(
        contract_id__in=ids
    ).values_list("contract_id", "key", "account_id"):
        keys_of[account_id].append((contract_id, key))
    metrics: dict[int, list[MetricRow]] = defaultdict(list)
    posts: dict[int, list[PostRow]] = defaultdict(list)
    by_account = facts_for_accounts(list(keys_of), month.start, month.end)
    for account_id, account_facts in by_account.items():
        for contract_id, key in keys_of.get(account_id, ()):
            for metric, series in account_facts.metrics.items():
                metrics[contract_id].extend(
                    MetricRow(day, key, metric, value) for day, value in series
                )
            posts[contract_id].extend(
                PostRow(p.post_id, key, p.published_on, p.kind, p.likes)
                for p in account_facts.posts
            )
    events: dict[int, list[Event]] = defaultdict(list)
    for row in ContractEvent.objects.filter(contract_id__in=ids, date__lte=month.end).values_list(
        "contract_id", "date", "kind", "account", "amount", "ref"
    ):
        contract_id, day, kind, account, amount, ref = row
        events[contract_id].append(
            Event(day, kind, account, Decimal(amount) if amount is not None else None, ref)
        )
    return {
        contract_id: Facts(metrics[contract_id], posts[contract_id], events[contract_id])
        for contract_id in ids
    }
