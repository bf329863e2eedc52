"""Pages: the meeting packs of seed 002, generated from the pipeline's own records.

早例会 (stand-up): 1 the published articles of the day before, 2 the previous day's editing
problems, 3 a check of the selected articles. 周例会 (weekly): 1 last week's data, 2 last week's
problems and solutions, 3 + 4 this week's goals and article plan, 5 last week's scores. Both are
read-only and printable, and cost the same number of queries whatever the number of items.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from yunying.accounts.choices import AccountStatus
from yunying.accounts.models import PlatformAccount
from yunying.audit.models import AuditEntry
from yunying.metrics.definitions import evaluate
from yunying.metrics.models import DailyMetric, PostFact
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor

from .. import bonus
from ..choices import PUBLISHED_STATES, ContentKind, PublicationStatus, State
from ..models import ContentItem, Publication, StateChange
from ..runs import silence_days
from .scoring import day_start

PERMISSION = "editorial.view_meetingpack"
# The stand-up checks the selections planned for today and this many days after.
SELECTION_DAYS = 7
GROWTH = "followers_net_growth"
WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


def _client_filter(request: HttpRequest, actor: Actor) -> tuple[list[Client], Client | None]:
    clients = list(Client.objects.visible_to(actor).order_by("name"))
    wanted = request.GET.get("client", "")
    chosen = next((c for c in clients if str(c.pk) == wanted), None)
    return clients, chosen


def _items(actor: Actor, client: Client | None) -> QuerySet[ContentItem]:
    rows = ContentItem.objects.visible_to(actor).select_related("client", "author", "editor")
    return rows.filter(client=client) if client is not None else rows


def _changes(actor: Actor, client: Client | None) -> QuerySet[StateChange]:
    rows = StateChange.objects.visible_to(actor).select_related("item__client")
    return rows.filter(client=client) if client is not None else rows


def _between(start: dt.date, end: dt.date, field: str) -> dict[str, dt.datetime]:
    """Lookups for ``start`` ≤ field < ``end`` (local days)."""
    return {f"{field}__gte": day_start(start), f"{field}__lt": day_start(end)}


@dataclass(frozen=True)
class Overdue:
    item: ContentItem
    # Working days since the review was asked for (None: the calendar lacks the year).
    silent_days: int | None


def _problems(
    actor: Actor, client: Client | None, start: dt.date, end: dt.date, today: dt.date
) -> dict[str, Any]:
    """Returns with their comments between ``start`` and ``end``, items past the maximum
    rounds, client reviews overdue on ``today`` and publications that failed."""
    items = _items(actor, client)
    returns = (
        _changes(actor, client)
        .filter(target=State.RETURNED, **_between(start, end, "at"))
        .order_by("at", "id")
    )
    over_rounds = (
        items.filter(over_rounds=True)
        .exclude(state__in=[*PUBLISHED_STATES, State.WITHDRAWN])
        .order_by("client__name", "id")
    )
    overdue = [
        Overdue(item, silence_days(item, today))
        for item in items.filter(state=State.CLIENT_REVIEW, review_due__lt=today).order_by(
            "review_due", "id"
        )
    ]
    failed = (
        Publication.objects.visible_to(actor)
        .filter(status=PublicationStatus.FAILED, items__state=State.SCHEDULED)
        .select_related("account", "client")
        .prefetch_related(Prefetch("items", queryset=ContentItem.objects.order_by("id")))
        .distinct()
        .order_by("-updated_at", "-id")
    )
    if client is not None:
        failed = failed.filter(client=client)
    return {"returns": returns, "over_rounds": over_rounds, "overdue": overdue, "failed": failed}


@login_required
def standup(request: HttpRequest) -> HttpResponse:
    """早例会: yesterday's published items, open problems, today's selections (``?date=``)."""
    actor = policy.actor_with(request, PERMISSION)
    today = _day(request.GET.get("date")) or timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    clients, client = _client_filter(request, actor)
    items = _items(actor, client)
    published = (
        items.filter(**_between(yesterday, today, "published_at"))
        .exclude(published_at=None)
        .prefetch_related("accounts")
        .order_by("published_at", "id")
    )
    tomorrow = today + dt.timedelta(days=1)
    planned_today = (
        items.filter(**_between(today, tomorrow, "planned_at"))
        .exclude(state=State.WITHDRAWN)
        .order_by("planned_at", "id")
    )
    selections = items.filter(
        state__in=[State.SELECTED, State.EDITING],
        **_between(today, today + dt.timedelta(days=SELECTION_DAYS + 1), "planned_at"),
    ).order_by("planned_at", "id")
    return render(
        request,
        "editorial/meetings/standup.html",
        {
            "today": today,
            "yesterday": yesterday,
            "previous": today - dt.timedelta(days=1),
            "next": tomorrow,
            "clients": clients,
            "client": client,
            "published": published,
            "planned_today": planned_today,
            "selections": selections,
            "selection_days": SELECTION_DAYS,
            **_problems(actor, client, yesterday, today, today),
        },
    )


# --- The weekly review -----------------------------------------------------------------------


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _week_of(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """(the Monday of the meeting's week, the day the pack is as of)."""
    match = WEEK.match(request.GET.get("week", "").strip())
    if match:
        try:
            monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            monday = None
        if monday is not None:
            return monday, monday
    day = _day(request.GET.get("date")) or timezone.localdate()
    return _monday(day), day


def _likes(item: ContentItem, posts: dict[tuple[int, dt.date], list[PostFact]]) -> int | None:
    """Likes of the platform's record of this post: per target account, the post whose id is
    in the published URL, else the account's only post of that day; None when none matches."""
    if item.published_at is None:
        return None
    day = timezone.localdate(item.published_at)
    found = []
    for account in item.accounts.all():
        candidates = posts.get((account.pk, day), [])
        named = [p for p in candidates if p.post_id and p.post_id in item.published_url]
        if named:
            found.append(named[0].likes)
        elif len(candidates) == 1:
            found.append(candidates[0].likes)
    on_record = [likes for likes in found if likes is not None]
    return sum(on_record) if on_record else None


@dataclass(frozen=True)
class Growth:
    account: PlatformAccount
    value: Decimal | None
    formula: str


def _growth(
    actor: Actor, accounts: list[PlatformAccount], start: dt.date, end: dt.date
) -> list[Growth]:
    """Each account's follower net growth over [start, end] (the metrics' own definition)."""
    values: dict[int, dict[str, list[tuple[dt.date, Decimal]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    rows = DailyMetric.objects.visible_to(actor).filter(
        account__in=accounts,
        date__gte=start,
        date__lte=end,
        metric__in=["followers_new", "followers_lost"],
    )
    for account_id, metric, day, value in rows.values_list("account_id", "metric", "date", "value"):
        values[account_id][metric].append((day, value))
    result = []
    for account in accounts:
        evaluation = evaluate(GROWTH, values.get(account.pk, {}))
        result.append(Growth(account, evaluation.value, evaluation.formula))
    return result


@dataclass(frozen=True)
class PublishedRow:
    item: ContentItem
    likes: int | None
    score: Decimal | None


def _people_scores(rows: Iterable[PublishedRow]) -> list[dict[str, Any]]:
    scored = [r for r in rows if r.score is not None]
    names = {u.pk: str(u) for r in scored for u in (r.item.author, r.item.editor) if u}
    credited = bonus.credits(
        bonus.ScoredItem(r.score, r.item.author_id, r.item.editor_id)
        for r in scored
        if r.score is not None
    )
    tallies = sorted(bonus.tally(credited), key=lambda t: (-t.average, names[t.person]))
    return [
        {"name": names[t.person], "items": t.items, "average": t.average, "points": t.points}
        for t in tallies
    ]


@login_required
def weekly(request: HttpRequest) -> HttpResponse:
    """周例会 (``?week=YYYY-Www`` or ``?date=``): last week's data, problems and scores, and this
    week's plan by day."""
    actor = policy.actor_with(request, PERMISSION)
    monday, today = _week_of(request)
    last_monday, next_monday = monday - dt.timedelta(days=7), monday + dt.timedelta(days=7)
    clients, client = _client_filter(request, actor)
    items = _items(actor, client)
    may_see_scores = policy.can(actor, "editorial.view_score")

    published_rows = (
        items.filter(state__in=PUBLISHED_STATES, **_between(last_monday, monday, "published_at"))
        .prefetch_related("accounts")
        .order_by("published_at", "id")
    )
    if may_see_scores:
        published_rows = published_rows.select_related("score")
    published = list(published_rows)
    account_ids = {a.pk for item in published for a in item.accounts.all()}
    posts: dict[tuple[int, dt.date], list[PostFact]] = defaultdict(list)
    for post in PostFact.objects.visible_to(actor).filter(
        account_id__in=account_ids,
        published_on__gte=last_monday,
        published_on__lt=monday,
    ):
        posts[(post.account_id, post.published_on)].append(post)
    rows = [
        PublishedRow(
            item,
            _likes(item, posts),
            _score_of(item) if may_see_scores else None,
        )
        for item in published
    ]
    counts = Counter((item.client.name, item.kind) for item in published)
    by_client_kind = [
        {"client": name, "kind": ContentKind(kind).label, "count": n}
        for (name, kind), n in sorted(counts.items())
    ]
    accounts = PlatformAccount.objects.visible_to(actor).filter(status=AccountStatus.ACTIVE)
    if client is not None:
        accounts = accounts.filter(client=client)
    growth = _growth(
        actor,
        list(accounts.select_related("client").order_by("client__name", "display_name", "id")),
        last_monday,
        monday - dt.timedelta(days=1),
    )
    findings = (
        _changes(actor, client)
        .filter(**_between(last_monday, monday, "at"))
        .exclude(findings=[])
        .order_by("at", "id")
    )
    # Moves the gate stopped are rolled back, so only the audit log has them.
    blocked_rows = AuditEntry.objects.visible_to(actor).filter(
        action="content.gate_blocked", **_between(last_monday, monday, "created_at")
    )
    if client is not None:
        blocked_rows = blocked_rows.filter(client_id=client.pk)
    blocked = [
        {
            "at": entry.created_at,
            "item_id": int(entry.object_id),
            "title": entry.object_repr,
            "source": State(entry.data["from"]).label,
            "target": State(entry.data["to"]).label,
            "findings": entry.data["findings"],
        }
        for entry in blocked_rows.order_by("created_at", "id")
    ]
    planned = (
        items.filter(**_between(monday, next_monday, "planned_at"))
        .exclude(state=State.WITHDRAWN)
        .order_by("planned_at", "id")
    )
    days: dict[dt.date, list[ContentItem]] = {monday + dt.timedelta(days=i): [] for i in range(7)}
    for item in planned:
        if item.planned_at is not None:
            days[timezone.localdate(item.planned_at)].append(item)
    iso = monday.isocalendar()
    return render(
        request,
        "editorial/meetings/weekly.html",
        {
            "week": f"{iso.year}-W{iso.week:02d}",
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "last_monday": last_monday,
            "last_sunday": monday - dt.timedelta(days=1),
            "previous_week": _iso(last_monday),
            "next_week": _iso(next_monday),
            "today": today,
            "clients": clients,
            "client": client,
            "published": rows,
            "by_client_kind": by_client_kind,
            "growth": growth,
            "findings": findings,
            "blocked": blocked,
            "plan": list(days.items()),
            "planned_count": sum(len(v) for v in days.values()),
            "may_see_scores": may_see_scores,
            "people": _people_scores(rows) if may_see_scores else [],
            "unscored": sum(1 for r in rows if r.score is None),
            **_problems(actor, client, last_monday, monday, today),
        },
    )


def _iso(day: dt.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _score_of(item: ContentItem) -> Decimal | None:
    # A reverse one-to-one without a row raises an AttributeError subclass: no score yet.
    found = getattr(item, "score", None)
    return found.total_decimal if found is not None else None


urls: list[URLPattern] = [
    path("meetings/standup/", standup, name="standup"),
    path("meetings/weekly/", weekly, name="weekly"),
]
