"""The figures of a client's month: what dashboards, the monthly report and its export show.

Everything is read in a fixed number of queries whatever the number of accounts and rows
(accounts, metrics of the month and the month before, posts, contracts with their versions and
account links, engagement flags), then computed in Python with the metric definitions of
:mod:`yunying.metrics.definitions`, so a total here is the number a KPI or a statement would
use, with the same working shown.

Callers pass a client they reached through scoping; nothing here filters by actor.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from yunying.accounts.choices import AccountRole, AccountStatus, Platform
from yunying.accounts.models import CompetitorNote, PlatformAccount
from yunying.contracts.choices import ContractStatus
from yunying.contracts.models import Contract, ContractAccount
from yunying.metrics import definitions as defs
from yunying.metrics.models import DailyMetric, PostFact
from yunying.settlement.engine import Month, in_period
from yunying.settlement.facts import versions_in_force
from yunying.tenancy.models import Client

ONE_DAY = dt.timedelta(days=1)
# What the report totals, in this order, when the account has data for it.
TOTALS = (
    "followers_total",
    "followers_net_growth",
    "followers_new",
    "followers_lost",
    "reads",
    "plays",
    "likes",
    "comments",
    "shares",
    "favourites",
    "messages",
    "calls",
    "store_visitors",
    "orders",
    "conversion_rate",
    "sales",
    "average_order_value",
    "ad_spend",
    "roi",
    "live_viewers",
    "live_peak",
    "live_minutes",
    "gmv",
)
ENGAGEMENT = ("likes", "comments", "shares", "favourites")
ENGAGEMENT_FORMULA = "互动量 = 点赞数 + 评论数 + 转发数 + 收藏数"
TOP_POSTS = 5

Rows = dict[str, list[tuple[dt.date, Decimal]]]


def previous_month(month: Month) -> Month:
    return Month.of(month.start - ONE_DAY)


def month_days(month: Month, *, until: dt.date | None = None) -> list[dt.date]:
    last = min(month.end, until) if until else month.end
    count = (last - month.start).days + 1
    return [month.start + dt.timedelta(days=i) for i in range(max(count, 0))]


def percent(value: Decimal | None, places: int = 1) -> str:
    """A ratio as a percentage for people: 0.8734 → 87.3%."""
    if value is None:
        return "—"
    shown = (value * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{shown}%"


@dataclass
class Total:
    """One metric over the month, with last month's value and the change between them."""

    code: str
    label: str
    current: defs.Evaluation
    previous: defs.Evaluation

    @property
    def change(self) -> Decimal | None:
        now, before = self.current.value, self.previous.value
        if now is None or before is None or before == 0:
            return None
        return (now - before) / before

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "—"
        sign = "+" if change > 0 else ""
        return f"{sign}{percent(change)}"

    @property
    def shown(self) -> str:
        value = self.current.value
        if value is None:
            return "—"
        if self.code in {"conversion_rate"}:
            return percent(value, 2)
        if self.code in {"roi", "average_order_value"}:
            return defs.plain(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return defs.plain(value)


@dataclass
class PostLine:
    """A post of the month with its reach (plays or reads) and engagement."""

    post: PostFact

    @property
    def reach(self) -> int | None:
        post = self.post
        return post.plays if post.plays is not None else post.reads

    @property
    def engagement(self) -> int:
        post = self.post
        return sum(getattr(post, name) or 0 for name in ENGAGEMENT)

    @property
    def rate(self) -> Decimal | None:
        reach = self.reach
        return Decimal(self.engagement) / reach if reach else None

    @property
    def rate_text(self) -> str:
        return percent(self.rate)

    @property
    def rank_key(self) -> tuple[int, int]:
        return (self.reach or 0, self.engagement)


@dataclass
class AccountFigures:
    """One account's month: daily series, totals against last month, posts, store funnel."""

    account: PlatformAccount
    days: list[dt.date]
    rows: Rows
    previous_rows: Rows
    posts: list[PostLine]
    totals: list[Total] = field(default_factory=list)

    def daily(self, code: str) -> list[Decimal | None]:
        """The metric's value on each day of the month (None where nothing is stored)."""
        by_day = dict(self.rows.get(code, ()))
        return [by_day.get(day) for day in self.days]

    def net_growth(self) -> list[Decimal | None]:
        new, lost = self.daily("followers_new"), self.daily("followers_lost")
        return [a - (b or 0) if a is not None else None for a, b in zip(new, lost, strict=True)]

    def engagement(self) -> list[Decimal | None]:
        series = [self.daily(code) for code in ENGAGEMENT]
        result: list[Decimal | None] = []
        for values in zip(*series, strict=True):
            present = [v for v in values if v is not None]
            result.append(sum(present, Decimal(0)) if present else None)
        return result

    @property
    def reach_code(self) -> str:
        """Plays for video platforms, reads for Official Accounts (whichever has data)."""
        if self.rows.get("plays"):
            return "plays"
        return "reads"

    def has(self, code: str) -> bool:
        return bool(self.rows.get(code))

    @property
    def top_posts(self) -> list[PostLine]:
        return sorted(self.posts, key=lambda p: p.rank_key, reverse=True)[:TOP_POSTS]

    @property
    def bottom_posts(self) -> list[PostLine]:
        if len(self.posts) <= TOP_POSTS:
            return []
        top = {id(p) for p in self.top_posts}
        rest = [p for p in self.posts if id(p) not in top]
        return sorted(rest, key=lambda p: p.rank_key)[:TOP_POSTS]

    @property
    def total_by_code(self) -> dict[str, Total]:
        return {t.code: t for t in self.totals}

    @property
    def has_store(self) -> bool:
        return self.account.platform == Platform.STORE or self.has("store_visitors")

    @property
    def funnel(self) -> list[tuple[str, Decimal]]:
        """Store visitors → orders, when both have data this month."""
        totals = self.total_by_code
        steps = []
        for code in ("store_visitors", "orders"):
            total = totals.get(code)
            if total is None or total.current.value is None:
                return []
            steps.append((total.label, total.current.value))
        return steps


@dataclass
class KpiLine:
    """A contract KPI measured on the month (so far, on a dashboard), with its working."""

    contract: Contract
    kpi_id: str
    account: PlatformAccount | None
    metric: str
    target: Decimal | None
    evaluation: defs.Evaluation | None

    @property
    def label(self) -> str:
        return defs.label(self.metric)

    @property
    def value(self) -> Decimal | None:
        return self.evaluation.value if self.evaluation else None

    @property
    def attainment(self) -> Decimal | None:
        if self.value is None or not self.target:
            return None
        return self.value / self.target

    @property
    def attainment_text(self) -> str:
        return percent(self.attainment)

    @property
    def explanation(self) -> str:
        if self.account is None:
            return f"合同 {self.contract.number} 未绑定考核账号 {self.kpi_id}"
        if self.evaluation is None or self.evaluation.value is None:
            reason = self.evaluation.missing if self.evaluation else ""
            return f"{self.label}暂无法计算：{reason}"
        if not self.target:
            return f"{self.evaluation.formula}；合同未约定目标值"
        return (
            f"{self.evaluation.formula}；达成率 = {defs.plain(self.evaluation.value)} ÷ "
            f"目标 {defs.plain(self.target)} = {self.attainment_text}"
        )


@dataclass
class QuotaLine:
    """A contract's monthly deliverable count against the posts stored for its account, counted
    the way settlement counts them (the kind, at least ``min_likes`` likes)."""

    contract: Contract
    account: PlatformAccount | None
    kind: str
    per_month: int
    min_likes: int
    counted: int
    published: int

    @property
    def progress(self) -> Decimal:
        return Decimal(self.counted) / self.per_month if self.per_month else Decimal(1)

    @property
    def explanation(self) -> str:
        rule = f"点赞 ≥ {self.min_likes} 的" if self.min_likes else ""
        return (
            f"已发布 {self.kind} {self.published} 条，其中{rule}计入 {self.counted} 条；"
            f"每月应交付 {self.per_month} 条，完成 {percent(self.progress)}"
        )


@dataclass
class ClientFigures:
    """A client's month (or the month so far) across its accounts."""

    client: Client
    month: Month
    days: list[dt.date]
    accounts: list[AccountFigures]
    kpis: list[KpiLine]
    quotas: list[QuotaLine] = field(default_factory=list)
    # Platform by platform, the client's accounts beside the competitors it watches there.
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def has_store(self) -> bool:
        return any(a.has_store for a in self.accounts)

    @property
    def post_count(self) -> int:
        return sum(len(a.posts) for a in self.accounts)

    def summary(self) -> list[str]:
        """The report's opening lines, one per account and one for the KPIs, each with the
        numbers it rests on and last month's for comparison."""
        lines = []
        for figures in self.accounts:
            totals = figures.total_by_code
            parts = []
            for code in ("followers_net_growth", figures.reach_code, "likes", "sales", "gmv"):
                total = totals.get(code)
                if total is None or total.current.value is None:
                    continue
                change = f"，环比 {total.change_text}" if total.change is not None else ""
                parts.append(f"{total.label} {total.shown}{change}")
            parts.append(f"发布作品 {len(figures.posts)} 条")
            lines.append(f"{figures.account.display_name}：" + "；".join(parts) + "。")
        measured = [k for k in self.kpis if k.attainment is not None]
        if measured:
            met = sum(1 for k in measured if k.attainment is not None and k.attainment >= 1)
            lines.append(f"合同考核指标 {len(self.kpis)} 项，已达成 {met} 项。")
        return lines


@dataclass
class ComparisonRow:
    """One account's month in a competitor comparison, on what public pages show for every
    account alike: followers and the posts' own counts (a competitor's plays and back-office
    figures are not known, so the comparison does not use the client's either)."""

    account: PlatformAccount
    figures: AccountFigures | None
    previous_followers: Decimal | None
    notes: list[CompetitorNote] = field(default_factory=list)

    @property
    def is_competitor(self) -> bool:
        return self.account.role == AccountRole.COMPETITOR

    @property
    def followers(self) -> Decimal | None:
        return _last(self.figures.rows.get("followers_total")) if self.figures else None

    @property
    def growth(self) -> Decimal | None:
        if self.followers is None or self.previous_followers is None:
            return None
        return self.followers - self.previous_followers

    @property
    def followers_shown(self) -> str:
        return defs.plain(self.followers) if self.followers is not None else "—"

    @property
    def growth_shown(self) -> str:
        growth = self.growth
        if growth is None:
            return "—"
        return f"+{defs.plain(growth)}" if growth > 0 else defs.plain(growth)

    @property
    def per_post_shown(self) -> str:
        return defs.plain(self.per_post) if self.per_post is not None else "—"

    @property
    def growth_explanation(self) -> str:
        if self.followers is None:
            return "本期没有粉丝总数"
        if self.previous_followers is None:
            return "上期末没有粉丝总数，无法计算增长"
        return (
            f"期末粉丝 {defs.plain(self.followers)} − 上期末 "
            f"{defs.plain(self.previous_followers)} = {defs.plain(self.growth or Decimal(0))}"
        )

    @property
    def posts(self) -> list[PostLine]:
        return self.figures.posts if self.figures else []

    @property
    def engagement(self) -> int:
        return sum(p.engagement for p in self.posts)

    @property
    def per_post(self) -> Decimal | None:
        if not self.posts:
            return None
        return (Decimal(self.engagement) / len(self.posts)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )

    @property
    def per_post_explanation(self) -> str:
        if not self.posts:
            return "本期没有作品"
        return (
            f"作品互动量 {self.engagement} ÷ 作品数 {len(self.posts)} = "
            f"{defs.plain(self.per_post or Decimal(0))}（{ENGAGEMENT_FORMULA}）"
        )

    @property
    def best(self) -> PostLine | None:
        return max(self.posts, key=lambda p: (p.engagement, p.reach or 0), default=None)


@dataclass
class Comparison:
    """One platform: the client's accounts first, then its competitors."""

    platform: str
    rows: list[ComparisonRow]

    @property
    def label(self) -> str:
        return str(Platform(self.platform).label)

    def follower_series(self) -> list[tuple[str, list[Decimal | None]]]:
        """Each account's daily follower total, for a chart worth drawing (two lines or more)."""
        series = [
            (row.account.display_name, row.figures.daily("followers_total"))
            for row in self.rows
            if row.figures is not None and row.figures.has("followers_total")
        ]
        return series if len(series) > 1 else []


def _last(series: list[tuple[dt.date, Decimal]] | None) -> Decimal | None:
    return series[-1][1] if series else None


def _comparisons(period: PeriodFigures, days: list[dt.date]) -> list[Comparison]:
    """The comparison tables of the platforms where the client watches a competitor, with the
    competitors' notes dated in ``days`` (one query, only when there are competitors)."""
    watched = [a for a in period.competitors if a.status == AccountStatus.ACTIVE]
    platforms = sorted({a.platform for a in watched})
    if not platforms or not days:
        return []
    notes: dict[int, list[CompetitorNote]] = defaultdict(list)
    for note in CompetitorNote.objects.filter(
        account__in=watched, removed_at__isnull=True, noted_on__range=(days[0], days[-1])
    ).order_by("noted_on", "id"):
        notes[note.account_id].append(note)
    by_account = {f.account.pk: f for f in period.figures_of_all}
    result = []
    for platform in platforms:
        mine = [
            a
            for a in period.by_id.values()
            if a.platform == platform and (a.status == AccountStatus.ACTIVE or a.pk in by_account)
        ]
        theirs = [a for a in watched if a.platform == platform]
        rows = [
            ComparisonRow(
                account,
                by_account.get(account.pk),
                _last(period.previous.get(account.pk, {}).get("followers_total")),
                notes.get(account.pk, []),
            )
            for account in mine + theirs
        ]
        result.append(Comparison(platform, rows))
    return result


def _rows(
    rows: list[tuple[int, str, dt.date, Decimal]], start: dt.date, end: dt.date
) -> dict[int, Rows]:
    found: dict[int, Rows] = defaultdict(lambda: defaultdict(list))
    for account_id, metric, day, value in rows:
        if start <= day <= end:
            found[account_id][metric].append((day, value))
    return found


def _totals(current: Rows, previous: Rows) -> list[Total]:
    totals = []
    for code in TOTALS:
        now = defs.evaluate(code, current)
        if now.value is None and now.missing and "为 0" not in now.missing:
            # No data for it this month: the report leaves the metric out rather than print "—".
            continue
        totals.append(Total(code, defs.label(code), now, defs.evaluate(code, previous)))
    return totals


def client_figures(
    client: Client,
    month: Month,
    *,
    until: dt.date | None = None,
    account: PlatformAccount | None = None,
) -> ClientFigures:
    """The client's figures for ``month``, or for its days up to ``until`` (a dashboard's
    "so far this month"); the previous month is always whole. With ``account``, only that
    account's figures and the contract lines bound to it."""
    days = month_days(month, until=until)
    before = previous_month(month)
    period = period_figures(client, days, (before.start, before.end), account=account)
    kpis, quotas = _contract_lines(client, month, period.current, period.posts, period.by_id)
    if account is not None:
        kpis = [k for k in kpis if k.account is not None]
        quotas = [q for q in quotas if q.account is not None]
    comparisons = _comparisons(period, days) if account is None else []
    return ClientFigures(client, month, days, period.accounts, kpis, quotas, comparisons)


@dataclass
class PeriodFigures:
    """The accounts' figures over some days, compared with an earlier span."""

    # The client's operated accounts with data in the period (competitors never count here).
    accounts: list[AccountFigures]
    current: dict[int, Rows]
    posts: dict[int, list[PostLine]]
    # The client's operated accounts, with or without data.
    by_id: dict[int, PlatformAccount]
    # The competitors watched for the client, and every account's figures (theirs included).
    competitors: list[PlatformAccount] = field(default_factory=list)
    figures_of_all: list[AccountFigures] = field(default_factory=list)
    previous: dict[int, Rows] = field(default_factory=dict)


def period_figures(
    client: Client,
    days: list[dt.date],
    previous: tuple[dt.date, dt.date],
    *,
    account: PlatformAccount | None = None,
) -> PeriodFigures:
    """Each account's figures over ``days`` against ``previous`` (first and last day), in three
    queries: accounts, metric rows of both spans, posts."""
    first = days[0] if days else previous[1] + ONE_DAY
    last = days[-1] if days else first
    # Competitors are read with the client's own accounts, so a report's comparison costs no
    # more queries; they are split off below and never enter totals, KPIs or quotas.
    accounts = list(
        PlatformAccount.tracked.filter(client=client).order_by("platform", "display_name")
    )
    if account is not None:
        accounts = [a for a in accounts if a.pk == account.pk]
    ids = [a.pk for a in accounts]
    metric_rows = list(
        DailyMetric.objects.filter(account_id__in=ids, date__range=(min(previous[0], first), last))
        .order_by("account_id", "metric", "date")
        .values_list("account_id", "metric", "date", "value")
    )
    current = _rows(metric_rows, first, last)
    earlier = _rows(metric_rows, *previous)
    posts: dict[int, list[PostLine]] = defaultdict(list)
    for post in PostFact.objects.filter(
        account_id__in=ids, published_on__range=(first, last)
    ).order_by("published_on", "post_id"):
        posts[post.account_id].append(PostLine(post))
    figures = []
    for each in accounts:
        rows = current.get(each.pk, {})
        if not rows and not posts.get(each.pk):
            continue
        found = AccountFigures(
            each, days, dict(rows), dict(earlier.get(each.pk, {})), posts.get(each.pk, [])
        )
        found.totals = _totals(found.rows, found.previous_rows)
        figures.append(found)
    operated = [a for a in accounts if a.role == AccountRole.OPERATED]
    return PeriodFigures(
        [f for f in figures if f.account.role == AccountRole.OPERATED],
        current,
        posts,
        {a.pk: a for a in operated},
        competitors=[a for a in accounts if a.role == AccountRole.COMPETITOR],
        figures_of_all=figures,
        previous=earlier,
    )


def _contract_lines(
    client: Client,
    month: Month,
    current: dict[int, Rows],
    posts: dict[int, list[PostLine]],
    accounts: dict[int, PlatformAccount],
) -> tuple[list[KpiLine], list[QuotaLine]]:
    contracts = list(
        # An ended contract still reports on the months it ran; a draft never does.
        Contract.objects.filter(client=client)
        .exclude(status=ContractStatus.DRAFT)
        .order_by("number")
    )
    versions = versions_in_force([c.pk for c in contracts], month)
    links: dict[int, dict[str, int]] = defaultdict(dict)
    for contract_id, key, account_id in ContractAccount.objects.filter(
        contract__in=contracts
    ).values_list("contract_id", "key", "account_id"):
        links[contract_id][key] = account_id
    kpis, quotas = [], []
    for contract in contracts:
        version = versions.get(contract.pk)
        if version is None:
            continue
        terms = version.parsed()
        if not in_period(terms, month):
            continue
        bound = links[contract.pk]
        for kpi in terms.kpis:
            account = accounts.get(bound.get(kpi.account, 0))
            evaluation = defs.evaluate(kpi.metric, current.get(account.pk, {})) if account else None
            kpis.append(KpiLine(contract, kpi.id, account, kpi.metric, kpi.target, evaluation))
        for quota in terms.quotas:
            if not quota.per_month:
                continue
            account = accounts.get(bound.get(quota.account, 0))
            mine = posts.get(account.pk, []) if account else []
            of_kind = [p for p in mine if p.post.kind == quota.kind]
            # As settlement counts: a post without likes on record reaches no likes threshold.
            counted = sum(1 for p in of_kind if (p.post.likes or 0) >= quota.min_likes)
            quotas.append(
                QuotaLine(
                    contract,
                    account,
                    quota.kind,
                    quota.per_month,
                    quota.min_likes,
                    counted,
                    len(of_kind),
                )
            )
    return kpis, quotas
