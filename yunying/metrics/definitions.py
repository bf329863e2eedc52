"""The metric codes shared by imports, KPIs and settlement, and how each is evaluated.

Pure: imports nothing from Django. A *stored* metric has one value per account and day; over a
period it is either summed (``sum``: reads, calls ...), read on the latest day that has a value
(``last``: a level such as the follower total) or taken at its highest day (``max``: a peak such
as a livestream's peak concurrent viewers). A *derived* metric combines two stored ones, each
aggregated by its own kind, and is defined here once, so that a KPI, a dashboard and a statement
all compute the same number the same way.

:func:`evaluate` shows its working: the formula with the numbers substituted and the inputs, and,
when it cannot give a value, why: an input without any row in the period is missing, even for a
sum (a missing line in a file is not evidence of zero, and settlement must not pay or deduct on
data that is not there), and a ratio whose divisor is 0 has no value. The texts are in the
product language: they end up on settlement statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

SUM = "sum"
LAST = "last"
MAX = "max"
DERIVED_KIND = "derived"
# Ratios are rounded half-up to this many decimal places (trailing zeros then dropped), so that
# 1 ÷ 3 reads 0.3333333333 on a statement rather than 28 digits.
RATIO_PLACES = 10

Rows = Sequence[tuple[dt.date, Decimal]]
Operation = Literal["minus", "divide"]


@dataclass(frozen=True)
class Definition:
    """One metric code. ``op``, ``left`` and ``right`` are set for derived metrics only."""

    code: str
    label: str
    kind: str
    op: Operation | None = None
    left: str = ""
    right: str = ""

    @property
    def definition(self) -> str:
        """How a derived metric is computed, in words (empty for stored metrics)."""
        if self.op is None:
            return ""
        return f"{_term_name(self.left)} {_SIGNS[self.op]} {_term_name(self.right)}"


_SIGNS: dict[Operation, str] = {"minus": "−", "divide": "÷"}


def _stored(code: str, label: str, kind: str = SUM) -> Definition:
    return Definition(code, label, kind)


def _derived(code: str, label: str, left: str, op: Operation, right: str) -> Definition:
    return Definition(code, label, DERIVED_KIND, op, left, right)


_DEFINITIONS = [
    _stored("followers_total", "粉丝总数", LAST),
    _stored("followers_new", "新增粉丝"),
    _stored("followers_lost", "取关粉丝"),
    _stored("reads", "阅读量"),
    _stored("plays", "播放量"),
    _stored("likes", "点赞数"),
    _stored("comments", "评论数"),
    _stored("shares", "转发数"),
    _stored("favourites", "收藏数"),
    _stored("messages", "私信/留言数"),
    _stored("calls", "电话量"),
    _stored("store_visitors", "店铺访客数"),
    _stored("orders", "订单数"),
    _stored("sales", "销售额"),
    _stored("ad_spend", "广告投放花费"),
    _stored("ad_revenue", "广告收入"),
    _stored("gmv", "直播成交额"),
    _stored("live_viewers", "直播观看人数"),
    _stored("live_minutes", "直播时长（分钟）"),
    _stored("live_peak", "直播最高在线人数", MAX),
    _derived("followers_net_growth", "粉丝净增长", "followers_new", "minus", "followers_lost"),
    _derived("calls_per_follower", "电话量/粉丝总数", "calls", "divide", "followers_total"),
    _derived("conversion_rate", "转化率", "orders", "divide", "store_visitors"),
    _derived("average_order_value", "客单价", "sales", "divide", "orders"),
    _derived("roi", "投资回报率（ROI）", "sales", "divide", "ad_spend"),
]
DEFINITIONS: dict[str, Definition] = {d.code: d for d in _DEFINITIONS}

# Stored codes in registry order, for tables and choices.
STORED_ORDER: tuple[str, ...] = tuple(d.code for d in _DEFINITIONS if d.kind != DERIVED_KIND)
STORED: frozenset[str] = frozenset(STORED_ORDER)
DERIVED: frozenset[str] = frozenset(d.code for d in _DEFINITIONS if d.kind == DERIVED_KIND)
ALL: frozenset[str] = STORED | DERIVED


def definition(code: str) -> Definition:
    """The definition of ``code``; an unknown code is a ``KeyError`` naming the known ones."""
    try:
        return DEFINITIONS[code]
    except KeyError:
        raise KeyError(f"未知指标“{code}”，可选：{', '.join(sorted(ALL))}") from None


def label(code: str) -> str:
    """The Chinese name of a metric."""
    return definition(code).label


def plain(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros (600, 0.006, 1.5)."""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _clean(value: Decimal) -> Decimal:
    # Decimal("600.0000") and Decimal("6E+2") both become Decimal("600").
    return Decimal(plain(value))


@dataclass(frozen=True)
class Evaluation:
    """A metric over a period, with the working shown.

    ``value`` is None when a needed input is missing or a divisor is 0, and ``missing`` then
    says why. ``inputs`` holds each aggregated input as a plain string, and the date of each
    ``last`` value under ``<code>_date``.
    """

    value: Decimal | None
    formula: str
    inputs: dict[str, str] = field(default_factory=dict)
    missing: str | None = None


@dataclass(frozen=True)
class _Term:
    """One stored metric aggregated over the period."""

    code: str
    value: Decimal | None
    days: int
    on: dt.date | None = None

    @property
    def name(self) -> str:
        return _term_name(self.code)

    @property
    def shown(self) -> str:
        return f"{self.name} {plain(self.value) if self.value is not None else '无数据'}"

    @property
    def inputs(self) -> dict[str, str]:
        inputs = {self.code: plain(self.value)} if self.value is not None else {}
        if self.on is not None:
            inputs[f"{self.code}_date"] = self.on.isoformat()
        return inputs

    @property
    def missing(self) -> str | None:
        if self.value is not None:
            return None
        return f"期间内没有“{DEFINITIONS[self.code].label}”（{self.code}）的数据"


def _term_name(code: str) -> str:
    # A level is read at the end of the period, and says so: 期末粉丝总数; a peak is the
    # period's highest: 期间直播最高在线人数.
    found = DEFINITIONS[code]
    prefix = {LAST: "期末", MAX: "期间"}.get(found.kind, "")
    return f"{prefix}{found.label}"


def _aggregate(code: str, values: Mapping[str, Rows]) -> _Term:
    rows = values.get(code) or ()
    if not rows:
        return _Term(code, None, 0)
    kind = DEFINITIONS[code].kind
    if kind in (LAST, MAX):
        # The latest day for a level; for a peak the highest value, the earliest day on a tie.
        pick = (lambda row: row[0]) if kind == LAST else (lambda row: (row[1], -row[0].toordinal()))
        on, value = max(rows, key=pick)
        return _Term(code, _clean(value), len(rows), on)
    return _Term(code, _clean(sum((value for _, value in rows), Decimal(0))), len(rows))


def evaluate(code: str, values: Mapping[str, Rows]) -> Evaluation:
    """Evaluate ``code`` for one account over a period.

    ``values`` maps a stored code to its (date, value) rows, already limited to the account and
    the period; a code absent from it has no rows.
    """
    found = definition(code)
    if found.op is None:
        term = _aggregate(code, values)
        if term.value is None:
            return Evaluation(None, term.shown, {}, term.missing)
        if term.on is not None:
            formula = f"{term.shown}（{term.on.isoformat()}）"
        else:
            formula = f"{found.label}合计 {plain(term.value)}（{term.days} 天）"
        return Evaluation(term.value, formula, term.inputs)

    left, right = _aggregate(found.left, values), _aggregate(found.right, values)
    inputs = left.inputs | right.inputs
    expression = f"{left.shown} {_SIGNS[found.op]} {right.shown}"
    if left.value is None or right.value is None:
        return Evaluation(None, expression, inputs, left.missing or right.missing)
    if found.op == "minus":
        result = left.value - right.value
    elif right.value == 0:
        reason = f"“{label(found.right)}”为 0，无法计算{found.label}"
        return Evaluation(None, expression, inputs, reason)
    else:
        # Room for 20-digit stored values divided by 0.0001 and still RATIO_PLACES decimals.
        with localcontext(prec=60):
            result = (left.value / right.value).quantize(
                Decimal(1).scaleb(-RATIO_PLACES), rounding=ROUND_HALF_UP
            )
    value = _clean(result)
    return Evaluation(value, f"{expression} = {plain(value)}", inputs)
