"""The settlement engine: terms + one month's facts → a statement of explained line items.

Pure: imports nothing from Django. The monthly run, the statement pages and the ``settle``
command all call ``settle``; given the same inputs it gives the same lines, so anyone can check a
statement by hand from the files.

Every line carries a code, a Chinese description, the amount (rounded to 0.01 yuan half-up),
the formula with its numbers substituted and the inputs it used. The total is the sum of the
rounded lines, so the statement adds up on paper. Amounts the agency owes the client
(deductions, late-delivery penalties) are negative lines.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from yunying.contracts.terms import Kpi, LatePayment, Terms, Tier
from yunying.metrics import definitions as metric_defs
from yunying.metrics.definitions import plain
from yunying.metrics.files import MetricRow, PostRow

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


class SettlementError(ValueError):
    """The month cannot be settled from these terms and facts; the message says why."""


class EventKind:
    """Facts that are events rather than daily metrics. Values are used in files and the DB."""

    SESSION = "session"  # a livestream session was held (per-session fee)
    LATE_CHECKIN = "late_checkin"  # a host checked in late (fixed deduction each)
    DELIVERY_DUE = "delivery_due"  # a deliverable fell due (ref names it)
    DELIVERED = "delivered"  # that deliverable was handed over (same ref)
    PAYMENT_NOTICE = "payment_notice"  # written notice of an unpaid amount (amount, ref)
    PAYMENT = "payment"  # money received against a notice (amount, same ref)
    # Published content was taken down (ref = the content item); the contracts forbid deleting
    # published work without the client, so it is kept on the contract's record. No money line.
    CONTENT_WITHDRAWN = "content_withdrawn"

    ALL = frozenset(
        {SESSION, LATE_CHECKIN, DELIVERY_DUE, DELIVERED, PAYMENT_NOTICE, PAYMENT, CONTENT_WITHDRAWN}
    )


@dataclass(frozen=True, order=True)
class Month:
    """A settlement period: one calendar month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            year, month = (int(part) for part in text.strip().split("-"))
            dt.date(year, month, 1)
        except ValueError:
            raise ValueError(f"期间格式应为 YYYY-MM：“{text}”") from None
        return cls(year, month)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    # Cached: the engine asks for every fact row (a frozen dataclass still has a __dict__).
    @cached_property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @cached_property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Event:
    date: dt.date
    kind: str
    account: str = ""
    amount: Decimal | None = None
    ref: str = ""


@dataclass(frozen=True)
class Facts:
    """What happened, keyed by the terms' account keys. Rows outside the month are ignored."""

    metrics: Sequence[MetricRow] = ()
    posts: Sequence[PostRow] = ()
    events: Sequence[Event] = ()


@dataclass(frozen=True)
class Line:
    code: str
    description: str
    amount: Decimal
    formula: str
    inputs: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "description": self.description,
            "amount": str(self.amount),
            "formula": self.formula,
            "inputs": dict(self.inputs),
        }


@dataclass(frozen=True)
class Statement:
    contract: str
    period: str
    lines: tuple[Line, ...]
    total: Decimal
    overall_attainment: Decimal | None
    notices: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "period": self.period,
            "overall_attainment": (
                plain(self.overall_attainment) if self.overall_attainment is not None else None
            ),
            "lines": [line.as_json() for line in self.lines],
            "total": str(self.total),
            "notices": list(self.notices),
        }


AddWorkingDays = Callable[[dt.date, int], dt.date]


# -- formatting --------------------------------------------------------------------------------


KIND_LABELS = {"video": "视频", "article": "文章", "image": "图文", "live": "直播"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def cents(value: Decimal) -> Decimal:
    """Round to 0.01 yuan, half up (the rule for every line)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(value: Decimal) -> str:
    """A ratio for formulas: exact when short, else four places marked as rounded."""
    text = plain(value)
    if len(text.split(".")[-1]) <= 4 or "." not in text:
        return text
    return "≈" + plain(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def money(value: Decimal) -> str:
    return f"{cents(value):,.2f}"


def pct(value: Decimal) -> str:
    return f"{plain(value)}%"


# -- the engine --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kpi:
    kpi: Kpi
    description: str
    actual: Decimal
    attainment: Decimal
    formula: str
    inputs: dict[str, str]


def in_period(terms: Terms, month: Month) -> bool:
    """Whether the month overlaps the contract period (only such months can be settled)."""
    return terms.period.start <= month.end and terms.period.end >= month.start


def settle(
    terms: Terms,
    month: Month,
    facts: Facts,
    *,
    statement_date: dt.date | None = None,
    add_working_days: AddWorkingDays | None = None,
) -> Statement:
    """Settle one month of one contract. Raises ``SettlementError`` when it cannot."""
    if not in_period(terms, month):
        raise SettlementError(f"{month} 不在合同期内（{terms.period.start} 至 {terms.period.end}）")
    statement_date = statement_date or month.end
    context = _Context(terms, month, facts, statement_date, add_working_days)
    lines: list[Line] = []
    notices: list[str] = []

    kpis = [context.evaluate_kpi(kpi) for kpi in terms.kpis]
    overall = _overall(kpis)
    tier = _tier(terms.tiers, overall)
    lines += _fixed(terms, overall, tier)
    lines += _performance(kpis, overall, tier, tiered=bool(terms.tiers))
    lines += context.yearly_and_one_off(notices)
    lines += context.prepayment_and_balance()
    lines += context.per_item()
    lines += context.per_session()
    lines += context.shares()
    lines += context.follower_shortfall()
    lines += context.quotas(notices)
    lines += context.late_checkins()
    lines += context.late_delivery(notices)
    lines += context.late_payment()

    total = sum((line.amount for line in lines), ZERO)
    if total < 0:
        notices.append(f"本月合计为负数（{money(total)}）：扣款超过应付费用，乙方应向甲方退还差额")
    return Statement(
        contract=terms.id,
        period=str(month),
        lines=tuple(lines),
        total=total,
        overall_attainment=overall,
        notices=tuple(notices),
    )


def _overall(kpis: Sequence[_Kpi]) -> Decimal | None:
    """Weighted mean of per-KPI attainments, each limited to 1.0; None without KPIs."""
    if not kpis:
        return None
    weights = sum((k.kpi.weight for k in kpis), ZERO)
    return sum((min(k.attainment, ONE) * k.kpi.weight for k in kpis), ZERO) / weights


def _tier(tiers: Sequence[Tier], overall: Decimal | None) -> Tier | None:
    """Tried from the highest threshold down; applies when attainment is strictly above it."""
    if overall is None or not tiers:
        return None
    for tier in tiers:
        if tier.above is None or overall > tier.above:
            return tier
    return None  # every tier has a threshold and none was passed: nothing is paid


def _tier_text(tier: Tier | None, overall: Decimal | None) -> str:
    if overall is None:
        return "合同未设考核指标"
    if tier is None:
        return f"总体达成率 {ratio(overall)} 未达任何档位"
    if tier.above is None:
        return f"总体达成率 {ratio(overall)} 落入最低档"
    return f"总体达成率 {ratio(overall)} > {plain(tier.above)}"


def _fixed(terms: Terms, overall: Decimal | None, tier: Tier | None) -> list[Line]:
    fee = terms.fees.fixed_monthly
    if fee is None:
        return []
    if overall is None or not terms.tiers:
        share, why = ONE, "全额支付（合同未按达成率分档）"
    else:
        share = tier.fixed_share if tier else ZERO
        why = _tier_text(tier, overall)
    amount = cents(fee * share)
    return [
        Line(
            "fixed",
            "固定服务费",
            amount,
            f"固定月费 {money(fee)} × 档位比例 {plain(share)} = {money(amount)}（{why}）",
            {"fixed_monthly": str(fee), "fixed_share": plain(share)}
            | ({"overall_attainment": plain(overall)} if overall is not None else {}),
        )
    ]


def _performance(
    kpis: Sequence[_Kpi], overall: Decimal | None, tier: Tier | None, *, tiered: bool
) -> list[Line]:
    # Without tiers every KPI pays by its own attainment; with tiers the tier decides.
    paid = tier.performance if tiered and tier is not None else not tiered
    lines = []
    for k in kpis:
        capped = min(k.attainment, k.kpi.cap)
        inputs = k.inputs | {
            "target": plain(k.kpi.target or ZERO),
            "attainment": plain(k.attainment),
            "cap": plain(k.kpi.cap),
            "performance_pay": str(k.kpi.performance_pay),
        }
        head = (
            f"{k.formula}；实际 {ratio(k.actual)} ÷ 目标 {plain(k.kpi.target or ZERO)}"
            f" = 达成率 {ratio(k.attainment)}"
        )
        if k.attainment > k.kpi.cap:
            head += f"，按上限 {plain(k.kpi.cap)} 计"
        if paid:
            amount = cents(k.kpi.performance_pay * capped)
            formula = (
                f"{head}；绩效 {money(k.kpi.performance_pay)} × {ratio(capped)} = {money(amount)}"
            )
        else:
            amount = cents(ZERO)
            formula = f"{head}；{_tier_text(tier, overall)}，本档不支付绩效 = 0.00"
        lines.append(
            Line(f"performance:{k.kpi.id}", f"绩效：{k.description}", amount, formula, inputs)
        )
    return lines


class _Context:
    """The month's facts, indexed once, and the rules that read them."""

    def __init__(
        self,
        terms: Terms,
        month: Month,
        facts: Facts,
        statement_date: dt.date,
        add_working_days: AddWorkingDays | None,
    ) -> None:
        self.terms = terms
        self.month = month
        self.statement_date = statement_date
        self.add_working_days = add_working_days
        self.values: dict[str, dict[str, list[tuple[dt.date, Decimal]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        start, end = month.start, month.end
        for row in facts.metrics:
            if start <= row.date <= end:
                self.values[row.account][row.metric].append((row.date, row.value))
        self.posts = [p for p in facts.posts if month.contains(p.published_on)]
        self.events = sorted(facts.events, key=lambda e: (e.date, e.kind, e.ref))

    def account_name(self, key: str) -> str:
        account = self.terms.accounts.get(key)
        return f"{key}（{account.name}）" if account and account.name else key

    # KPIs ---------------------------------------------------------------------------------

    def evaluate_kpi(self, kpi: Kpi) -> _Kpi:
        if kpi.target is None:
            raise SettlementError(f"考核指标 {kpi.id} 没有目标值，无法结算")
        evaluation = metric_defs.evaluate(kpi.metric, self.values[kpi.account])
        if evaluation.value is None:
            raise SettlementError(
                f"考核指标 {kpi.id}（账号 {kpi.account}，{metric_defs.label(kpi.metric)}）"
                f"无法计算：{evaluation.missing}"
            )
        attainment = evaluation.value / kpi.target
        description = f"{self.account_name(kpi.account)} {metric_defs.label(kpi.metric)}"
        return _Kpi(
            kpi,
            description,
            evaluation.value,
            attainment,
            evaluation.formula,
            dict(evaluation.inputs),
        )

    def metric_sum(self, metric: str) -> tuple[Decimal, dict[str, str]]:
        total = ZERO
        inputs = {}
        for key in self.terms.accounts:
            value = sum((v for _, v in self.values[key].get(metric, [])), ZERO)
            inputs[f"{key}.{metric}"] = plain(value)
            total += value
        return total, inputs

    # fees ---------------------------------------------------------------------------------

    def yearly_and_one_off(self, notices: list[str]) -> list[Line]:
        fees = self.terms.fees
        lines = []
        if fees.yearly is not None and self.month.contains(self.terms.period.start):
            lines.append(
                Line(
                    "yearly",
                    "年度服务费",
                    cents(fees.yearly),
                    f"年费 {money(fees.yearly)}，于合同期首月（{self.terms.period.start}）结算",
                    {"yearly": str(fees.yearly), "period_start": str(self.terms.period.start)},
                )
            )
        if not fees.one_off:
            return lines
        if self.terms.signed_on is None:
            notices.append("合同未记录签订日期，一次性费用的到期日无法计算")
            return lines
        if self.add_working_days is None:
            notices.append("未提供工作日历，一次性费用的到期日无法计算")
            return lines
        for i, fee in enumerate(fees.one_off):
            due = self.add_working_days(self.terms.signed_on, fee.due_working_days)
            if self.month.contains(due):
                lines.append(
                    Line(
                        f"one_off:{i}",
                        fee.label,
                        cents(fee.amount),
                        f"{fee.label} {money(fee.amount)}，签订日 {self.terms.signed_on}"
                        f" + {fee.due_working_days} 个工作日 = {due} 到期",
                        {
                            "amount": str(fee.amount),
                            "signed_on": str(self.terms.signed_on),
                            "due_working_days": str(fee.due_working_days),
                            "due_on": str(due),
                        },
                    )
                )
        return lines

    def prepayment_and_balance(self) -> list[Line]:
        fees = self.terms.fees
        if fees.prepayment_percent is None or fees.contract_amount is None:
            return []
        lines = []
        total, percent = fees.contract_amount, fees.prepayment_percent
        prepaid = cents(total * percent / HUNDRED)
        if self.terms.signed_on and self.month.contains(self.terms.signed_on):
            lines.append(
                Line(
                    "prepayment",
                    "预付款",
                    prepaid,
                    f"合同总额 {money(total)} × 预付 {pct(percent)} = {money(prepaid)}"
                    "（签订月结算）",
                    {"contract_amount": str(total), "prepayment_percent": plain(percent)},
                )
            )
        delivered = [e for e in self.events if e.kind == EventKind.DELIVERED]
        if delivered and self.month.contains(delivered[-1].date):
            balance = total - prepaid
            lines.append(
                Line(
                    "balance",
                    "尾款",
                    cents(balance),
                    f"合同总额 {money(total)} − 预付款 {money(prepaid)} = {money(balance)}"
                    f"（交付日 {delivered[-1].date}）",
                    {
                        "contract_amount": str(total),
                        "prepaid": str(prepaid),
                        "delivered_on": str(delivered[-1].date),
                    },
                )
            )
        return lines

    def counted_posts(
        self, account: str | None, kind: str
    ) -> tuple[list[PostRow], list[PostRow], int]:
        """Posts of a kind (and account) this month, split by the likes threshold that applies."""
        threshold = max(
            (
                q.min_likes
                for q in self.terms.quotas
                if q.kind == kind and (account is None or q.account == account)
            ),
            default=0,
        )
        posts = [
            p for p in self.posts if p.kind == kind and (account is None or p.account == account)
        ]
        counted = [p for p in posts if p.likes >= threshold]
        below = [p for p in posts if p.likes < threshold]
        return counted, below, threshold

    def per_item(self) -> list[Line]:
        lines = []
        for kind, price in self.terms.fees.per_item.items():
            counted, below, threshold = self.counted_posts(None, kind)
            amount = cents(price * len(counted))
            formula = f"计件 {len(counted)} 件 × 单价 {money(price)} = {money(amount)}"
            if threshold:
                formula += f"（点赞不少于 {threshold} 才计入；未计入 {len(below)} 件）"
            lines.append(
                Line(
                    f"per_item:{kind}",
                    f"计件费：{kind_label(kind)}",
                    amount,
                    formula,
                    {
                        "counted": str(len(counted)),
                        "below_threshold": str(len(below)),
                        "min_likes": str(threshold),
                        "price": str(price),
                        "posts": ",".join(p.post_id for p in counted),
                    },
                )
            )
        return lines

    def month_events(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind and self.month.contains(e.date)]

    def per_session(self) -> list[Line]:
        fee = self.terms.fees.per_session
        if fee is None:
            return []
        sessions = self.month_events(EventKind.SESSION)
        amount = cents(fee * len(sessions))
        return [
            Line(
                "per_session",
                "直播场次费",
                amount,
                f"直播 {len(sessions)} 场 × 每场 {money(fee)} = {money(amount)}",
                {
                    "sessions": str(len(sessions)),
                    "per_session": str(fee),
                    "dates": ",".join(str(e.date) for e in sessions),
                },
            )
        ]

    def shares(self) -> list[Line]:
        fees = self.terms.fees
        lines = []
        for code, description, metric, percent in (
            ("commission", "销售佣金", "sales", fees.commission_percent),
            ("ad_revenue_share", "广告收入分成", "ad_revenue", fees.ad_revenue_share_percent),
        ):
            if percent is None:
                continue
            base, inputs = self.metric_sum(metric)
            amount = cents(base * percent / HUNDRED)
            lines.append(
                Line(
                    code,
                    description,
                    amount,
                    f"{metric_defs.label(metric)}合计 {money(base)} × {pct(percent)}"
                    f" = {money(amount)}",
                    inputs | {"percent": plain(percent)},
                )
            )
        return lines

    # deductions ---------------------------------------------------------------------------

    def follower_shortfall(self) -> list[Line]:
        lines = []
        fixed = self.terms.fees.fixed_monthly or ZERO
        for rule in self.terms.follower_shortfall:
            evaluation = metric_defs.evaluate("followers_net_growth", self.values[rule.account])
            if evaluation.value is None:
                raise SettlementError(
                    f"粉丝增长不足扣款（账号 {rule.account}）无法计算：{evaluation.missing}"
                )
            growth = evaluation.value
            shortfall = Decimal(rule.target) - growth
            if shortfall <= 0:
                blocks = 0
            else:
                exact = shortfall / rule.block
                blocks = math.floor(exact) if rule.rounding == "floor" else math.ceil(exact)
            amount = -cents(Decimal(blocks) * rule.percent_of_fixed / HUNDRED * fixed)
            word = "向下取整" if rule.rounding == "floor" else "向上取整"
            lines.append(
                Line(
                    f"shortfall:{rule.account}",
                    f"粉丝增长不足扣款：{self.account_name(rule.account)}",
                    amount,
                    f"目标 {rule.target} − 实际净增 {plain(growth)}"
                    f" = 差额 {plain(max(shortfall, ZERO))}；"
                    f"差额 ÷ {rule.block} {word} = {blocks} 档 × {pct(rule.percent_of_fixed)}"
                    f" × 固定月费 {money(fixed)} = {money(-amount)}，扣减",
                    dict(evaluation.inputs)
                    | {
                        "target": str(rule.target),
                        "net_growth": plain(growth),
                        "block": str(rule.block),
                        "blocks": str(blocks),
                        "percent_of_fixed": plain(rule.percent_of_fixed),
                        "fixed_monthly": str(fixed),
                        "rounding": rule.rounding,
                    },
                )
            )
        return lines

    def quotas(self, notices: list[str]) -> list[Line]:
        lines = []
        for quota in self.terms.quotas:
            counted, below, threshold = self.counted_posts(quota.account, quota.kind)
            name = self.account_name(quota.account)
            if quota.per_week:
                for week_start, count in self._weeks(counted):
                    if count < quota.per_week:
                        notices.append(
                            f"{name} {kind_label(quota.kind)} 在 {week_start} 起的一周"
                            f"计入 {count} 件，"
                            f"少于每周 {quota.per_week} 件"
                        )
            if quota.per_month is None:
                continue
            missing = max(quota.per_month - len(counted), 0)
            deduction = quota.missing_item_deduction
            amount = -cents(deduction * missing) if deduction is not None else cents(ZERO)
            formula = (
                f"应交 {quota.per_month} 件，计入 {len(counted)} 件"
                + (f"（点赞不少于 {threshold}；未达标 {len(below)} 件不计入）" if threshold else "")
                + f"，缺 {missing} 件"
            )
            if deduction is not None:
                formula += f" × 每件扣减 {money(deduction)} = {money(-amount)}，扣减"
            else:
                formula += "；合同未约定缺件扣款 = 0.00"
            lines.append(
                Line(
                    f"quota:{quota.account}:{quota.kind}",
                    f"交付数量：{name} {kind_label(quota.kind)}",
                    amount,
                    formula,
                    {
                        "per_month": str(quota.per_month),
                        "counted": str(len(counted)),
                        "below_threshold": str(len(below)),
                        "min_likes": str(threshold),
                        "missing": str(missing),
                        "missing_item_deduction": str(deduction) if deduction is not None else "",
                        "counted_posts": ",".join(p.post_id for p in counted),
                        "below_posts": ",".join(p.post_id for p in below),
                    },
                )
            )
        return lines

    def _weeks(self, posts: Iterable[PostRow]) -> list[tuple[dt.date, int]]:
        """Counted posts per Monday-to-Sunday week lying wholly inside the month."""
        counts: dict[dt.date, int] = {}
        day = self.month.start + dt.timedelta(days=(7 - self.month.start.weekday()) % 7)
        while day + dt.timedelta(days=6) <= self.month.end:
            counts[day] = 0
            day += dt.timedelta(days=7)
        for post in posts:
            monday = post.published_on - dt.timedelta(days=post.published_on.weekday())
            if monday in counts:
                counts[monday] += 1
        return sorted(counts.items())

    # penalties ----------------------------------------------------------------------------

    def late_checkins(self) -> list[Line]:
        amount_each = self.terms.penalties.late_checkin
        if amount_each is None:
            return []
        late = self.month_events(EventKind.LATE_CHECKIN)
        amount = -cents(amount_each * len(late))
        return [
            Line(
                "late_checkin",
                "迟到扣款",
                amount,
                f"迟到 {len(late)} 次 × 每次 {money(amount_each)} = {money(-amount)}，扣减",
                {
                    "late_checkins": str(len(late)),
                    "per_checkin": str(amount_each),
                    "dates": ",".join(str(e.date) for e in late),
                },
            )
        ]

    def late_delivery(self, notices: list[str]) -> list[Line]:
        rule = self.terms.penalties.late_delivery
        if rule is None:
            return []
        base = self.terms.fees.contract_amount or self.terms.fees.fixed_monthly
        base_name = "合同总额" if self.terms.fees.contract_amount else "固定月费"
        if base is None:
            return []
        delivered = {e.ref: e.date for e in self.events if e.kind == EventKind.DELIVERED}
        lines = []
        for due in (e for e in self.events if e.kind == EventKind.DELIVERY_DUE):
            handed = delivered.get(due.ref)
            until = handed if handed is not None else self.statement_date
            # Only this month's late days, so consecutive statements never charge a day twice.
            first = max(due.date + dt.timedelta(days=1), self.month.start)
            last = min(until, self.month.end)
            days = (last - first).days + 1
            if days <= 0:
                continue
            total_late = (until - due.date).days
            amount = -cents(base * rule.percent_per_day / HUNDRED * days)
            state = f"交付日 {handed}" if handed else f"截至 {self.statement_date} 尚未交付"
            lines.append(
                Line(
                    f"late_delivery:{due.ref or due.date}",
                    f"逾期交付违约金：{due.ref or due.date}",
                    amount,
                    f"约定 {due.date} 交付，{state}；本月逾期 {first} 至 {last} 共 {days} 天 × "
                    f"每日 {pct(rule.percent_per_day)} × {base_name} {money(base)}"
                    f" = {money(-amount)}，扣减",
                    {
                        "due": str(due.date),
                        "delivered": str(handed or ""),
                        "days": str(days),
                        "percent_per_day": plain(rule.percent_per_day),
                        "base": str(base),
                    },
                )
            )
            if rule.refund_after_days is not None and total_late > rule.refund_after_days:
                notices.append(
                    f"{due.ref or due.date} 已逾期 {total_late} 天，"
                    f"超过 {rule.refund_after_days} 天："
                    "甲方有权要求退款并解除合同"
                )
        return lines

    def late_payment(self) -> list[Line]:
        rule = self.terms.penalties.late_payment
        if rule is None:
            return []
        payments: dict[str, list[Event]] = defaultdict(list)
        for e in self.events:
            if e.kind == EventKind.PAYMENT:
                payments[e.ref].append(e)
        lines = []
        for notice in (e for e in self.events if e.kind == EventKind.PAYMENT_NOTICE):
            line = _late_payment_line(
                rule,
                unpaid=notice.amount or ZERO,
                notice_date=notice.date,
                payments=[(p.date, p.amount or ZERO) for p in payments[notice.ref]],
                window=(self.month.start, min(self.statement_date, self.month.end)),
                ref=notice.ref,
            )
            if line is not None:
                lines.append(line)
        return lines


def _late_payment_line(
    rule: LatePayment,
    *,
    unpaid: Decimal,
    notice_date: dt.date,
    payments: Sequence[tuple[dt.date, Decimal]],
    window: tuple[dt.date, dt.date],
    ref: str,
) -> Line | None:
    """Interest per day on what is still unpaid, from day K after the notice, inside ``window``.

    A payment ends (or, when partial, lowers) the accrual after its date: the payment date itself
    still accrues, as the contract counts up to and including the day of payment.
    """
    start = max(notice_date + dt.timedelta(days=rule.from_day), window[0])
    segments: list[tuple[dt.date, dt.date, Decimal]] = []
    remaining = unpaid
    cursor = start
    for paid_on, amount in sorted(payments):
        if remaining <= 0:
            break
        if paid_on >= cursor:
            end = min(paid_on, window[1])
            if end >= cursor:
                segments.append((cursor, end, remaining))
            cursor = paid_on + dt.timedelta(days=1)
        remaining -= amount
    if remaining > 0 and window[1] >= cursor:
        segments.append((cursor, window[1], remaining))
    if not segments:
        return None
    rate = rule.percent_per_day / HUNDRED
    total = ZERO
    parts = []
    days_total = 0
    for first, last, owed in segments:
        days = (last - first).days + 1
        days_total += days
        total += owed * rate * days
        parts.append(
            f"{money(owed)} × {pct(rule.percent_per_day)} × {days} 天（{first} 至 {last}）"
        )
    amount = cents(total)
    return Line(
        f"late_payment:{ref or notice_date}",
        f"逾期付款滞纳金：{ref or notice_date}",
        amount,
        f"书面通知日 {notice_date}，自第 {rule.from_day} 日起计："
        + " + ".join(parts)
        + f" = {money(amount)}",
        {
            "notice_date": str(notice_date),
            "unpaid": str(unpaid),
            "from_day": str(rule.from_day),
            "percent_per_day": plain(rule.percent_per_day),
            "days": str(days_total),
        },
    )


def late_payment_interest(
    rule: LatePayment,
    *,
    unpaid: Decimal,
    notice_date: dt.date,
    until: dt.date,
    payments: Sequence[tuple[dt.date, Decimal]] = (),
    ref: str = "",
) -> Line | None:
    """Interest accrued so far on an overdue amount (for an invoice page), or None if none yet."""
    return _late_payment_line(
        rule,
        unpaid=unpaid,
        notice_date=notice_date,
        payments=payments,
        window=(dt.date.min, until),
        ref=ref,
    )
