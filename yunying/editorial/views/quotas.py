"""Pages: quota tracking. For every signed contract of the shown clients whose terms in force set
quotas, each quota's month and the weeks wholly inside it: items planned, approved, published and
counted (likes on record at or above the bar) against the contract's numbers, with the arithmetic
behind the warning when the month is at risk or cannot be met any more.

The figures come from :func:`yunying.editorial.planning.tally`; this module only gathers the rows,
in a fixed number of queries whatever the number of contracts and items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunying.accounts.models import PlatformAccount
from yunying.contracts.choices import ContractStatus
from yunying.contracts.models import Contract, ContractAccount, ContractVersion
from yunying.contracts.terms import Quota
from yunying.contracts.texts import KIND_LABELS
from yunying.metrics.models import PostFact
from yunying.settlement.engine import Month, in_period
from yunying.settlement.facts import versions_in_force
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor

from .. import planning
from ..choices import APPROVED_STATES, CLIENT_STATES, OPEN_STATES, PUBLISHED_STATES, QUOTA_KIND
from ..models import ContentItem, PushSlot

VIEW = "editorial.view_contentitem"

QUOTA_KIND_LABELS: dict[str, str | Promise] = {
    **KIND_LABELS,
    "script": gettext_lazy("livestream scripts"),
    "listing": gettext_lazy("store listings"),
    "post": gettext_lazy("forum posts"),
}


# Content kind (machine name) → the kind a contract's quota counts.
KIND_OF = {kind.value: quota_kind for kind, quota_kind in QUOTA_KIND.items()}


def stage_of(state: str) -> str:
    if state in PUBLISHED_STATES:
        return planning.Stage.PUBLISHED
    if state in APPROVED_STATES:
        return planning.Stage.APPROVED
    return planning.Stage.PREPARING


def date_of_record(item: ContentItem) -> dt.date | None:
    """The publishing date once published, the planned date before (local dates)."""
    moment = item.published_at if item.state in PUBLISHED_STATES else item.planned_at
    return timezone.localdate(moment) if moment is not None else None


@dataclass
class Line:
    """One item behind a quota's figures (``item`` is None for a draft a reviewer may not see)."""

    item: ContentItem | None
    day: dt.date
    stage: str
    likes: int | None


@dataclass
class Week:
    monday: dt.date
    sunday: dt.date
    tally: planning.Tally


@dataclass
class QuotaFigures:
    quota: Quota
    account: PlatformAccount | None
    kind_label: str | Promise
    month: planning.Tally | None
    weeks: list[Week]
    lines: list[Line]
    hidden: int

    @property
    def terms_text(self) -> str:
        """What the terms ask, in the contract page's words."""
        quota, parts = self.quota, []
        if quota.per_month is not None:
            parts.append(_("%(n)d a month") % {"n": quota.per_month})
        if quota.per_week is not None:
            parts.append(_("at least %(n)d a week") % {"n": quota.per_week})
        if quota.min_likes:
            parts.append(_("counts only with %(n)d likes or more") % {"n": quota.min_likes})
        return "；".join(parts)


@dataclass
class ContractFigures:
    contract: Contract
    version: ContractVersion
    quotas: list[QuotaFigures]


@dataclass
class ClientFigures:
    client: Client
    contracts: list[ContractFigures] = field(default_factory=list)


def _in_force(contracts: list[Contract], month: Month) -> list[tuple[Contract, ContractVersion]]:
    """Contracts whose version in force on the month's first day sets quotas for this month."""
    versions = versions_in_force([c.pk for c in contracts], month)
    found = []
    for contract in contracts:
        version = versions.get(contract.pk)
        if version is None:
            continue
        terms = version.parsed()
        if terms.quotas and in_period(terms, month):
            found.append((contract, version))
    return found


def _items(actor: Actor, account_ids: set[int], first: dt.date, last: dt.date) -> list[ContentItem]:
    """Items aimed at these accounts whose date of record falls in ``first``..``last``."""
    lower = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    upper = timezone.make_aware(dt.datetime.combine(last + planning.ONE_DAY, dt.time.min))
    published = Q(state__in=PUBLISHED_STATES, published_at__gte=lower, published_at__lt=upper)
    planned = Q(planned_at__gte=lower, planned_at__lt=upper) & ~Q(state__in=PUBLISHED_STATES)
    rows = (
        ContentItem.objects.visible_to(actor)
        .filter(state__in=OPEN_STATES, accounts__in=account_ids)
        .filter(published | planned)
        .distinct()
        .prefetch_related("accounts")
        .order_by("planned_at", "pk")
    )
    return list(rows)


def _likes(actor: Actor, items: list[ContentItem], account_ids: set[int]) -> dict[Any, int | None]:
    """Likes on record by (account id, post id), for the posts published items may be."""
    candidates = set()
    for item in items:
        if item.state in PUBLISHED_STATES:
            candidates.add(str(item.pk))
            if item.published_url:
                candidates.add(item.published_url)
    if not candidates:
        return {}
    rows = (
        PostFact.objects.visible_to(actor)
        .filter(account_id__in=account_ids, post_id__in=candidates)
        .values_list("account_id", "post_id", "likes")
    )
    return {(account_id, post_id): likes for account_id, post_id, likes in rows}


def _likes_of(item: ContentItem, account_id: int, likes: dict[Any, int | None]) -> int | None:
    """Likes of the post the platform reported for this item (matched by its URL, then its id);
    None when nothing matched: not yet counted, which is not the same as no likes."""
    if item.state not in PUBLISHED_STATES:
        return None
    for post_id in (item.published_url, str(item.pk)):
        if post_id and (account_id, post_id) in likes:
            return likes[(account_id, post_id)]
    return None


def build_quotas(actor: Actor, month: Month, shown: list[Client]) -> list[ClientFigures]:
    """The figures of every quota of the shown clients' contracts for ``month``."""
    contracts = list(
        Contract.objects.visible_to(actor)
        .filter(status=ContractStatus.SIGNED, client__in=[c.pk for c in shown])
        .order_by("number")
    )
    in_force = _in_force(contracts, month)
    links = {
        (link.contract_id, link.key): link.account
        for link in ContractAccount.objects.filter(
            contract_id__in=[c.pk for c, _ in in_force]
        ).select_related("account")
    }
    account_ids = {account.pk for account in links.values()}
    items = _items(actor, account_ids, month.start, month.end) if account_ids else []
    likes = _likes(actor, items, account_ids)
    per_day = dict(
        PushSlot.objects.visible_to(actor)
        .filter(client__in=[c.pk for c in shown])
        .values("client_id")
        .annotate(n=Count("id"))
        .values_list("client_id", "n")
    )
    today = timezone.localdate()
    mondays = planning.weeks_inside(month.start, month.end)
    by_client = {c.pk: ClientFigures(c) for c in shown}
    for contract, version in in_force:
        figures = ContractFigures(contract, version, [])
        for quota in version.parsed().quotas:
            account = links.get((contract.pk, quota.account))
            figures.quotas.append(
                _quota(
                    actor,
                    quota,
                    account,
                    items,
                    likes,
                    per_day=per_day.get(contract.client_id, 1),
                    month=month,
                    mondays=mondays,
                    today=today,
                )
            )
        by_client[contract.client_id].contracts.append(figures)
    return list(by_client.values())


def _quota(
    actor: Actor,
    quota: Quota,
    account: PlatformAccount | None,
    items: list[ContentItem],
    likes: dict[Any, int | None],
    *,
    per_day: int,
    month: Month,
    mondays: list[dt.date],
    today: dt.date,
) -> QuotaFigures:
    lines: list[Line] = []
    hidden = 0
    if account is not None:
        for item in items:
            day = date_of_record(item)
            if (
                day is None
                or KIND_OF.get(item.kind) != quota.kind
                or account.pk not in {a.pk for a in item.accounts.all()}
            ):
                continue
            visible = actor.client_ids is None or item.state in CLIENT_STATES
            hidden += not visible
            lines.append(
                Line(
                    item if visible else None,
                    day,
                    stage_of(item.state),
                    _likes_of(item, account.pk, likes),
                )
            )
    entries = [planning.Entry(line.stage, line.day, line.likes) for line in lines]

    def tally(first: dt.date, last: dt.date, required: int) -> planning.Tally:
        return planning.tally(
            entries,
            first=first,
            last=last,
            today=today,
            required=required,
            min_likes=quota.min_likes,
            per_day=per_day,
        )

    weeks = []
    for monday in mondays:
        sunday = monday + dt.timedelta(days=6)
        weeks.append(Week(monday, sunday, tally(monday, sunday, quota.per_week or 0)))
    return QuotaFigures(
        quota=quota,
        account=account,
        kind_label=QUOTA_KIND_LABELS.get(quota.kind, quota.kind),
        month=tally(month.start, month.end, quota.per_month) if quota.per_month else None,
        weeks=weeks,
        lines=sorted(lines, key=lambda line: line.day),
        hidden=hidden,
    )


@login_required
def quotas(request: HttpRequest) -> HttpResponse:
    """Quota tracking: ``?month=YYYY-MM&client=<id>``."""
    actor = policy.actor_with(request, VIEW)
    first = planning.parse_month(request.GET.get("month")) or planning.month_start(
        timezone.localdate()
    )
    month = Month(first.year, first.month)
    clients = list(Client.objects.visible_to(actor).order_by("name"))
    raw = request.GET.get("client", "")
    chosen = next((c for c in clients if str(c.pk) == raw), None)

    def url(day: dt.date) -> str:
        query = f"?month={day:%Y-%m}"
        return reverse("editorial:quotas") + query + (f"&client={chosen.pk}" if chosen else "")

    context = {
        "month": month,
        "month_start": month.start,
        "clients": clients,
        "chosen": chosen,
        "figures": build_quotas(actor, month, [chosen] if chosen else clients),
        "previous_url": url(planning.add_months(first, -1)),
        "next_url": url(planning.add_months(first, 1)),
        "today": timezone.localdate(),
        "reviewer": actor.client_ids is not None,
    }
    return render(request, "editorial/quotas/quotas.html", context)


urls: list[URLPattern] = [
    path("quotas/", quotas, name="quotas"),
]
