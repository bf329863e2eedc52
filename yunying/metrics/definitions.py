"""The metric codes shared by imports, KPIs and settlement, and how each is evaluated.

Pure: imports nothing from Django. A stored metric is a daily value; over a period it is either
summed or, for levels such as the follower total, read on the latest day. Derived metrics are
defined here once (ratio metrics are defined, not guessed) so that a KPI, a dashboard and a
statement all compute the same number the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

SUM = "sum"
LAST = "last"

# code: (Chinese label, how a period aggregates the daily values)
STORED_METRICS: dict[str, tuple[str, str]] = {
    "followers_total": ("粉丝总数", LAST),
    "followers_new": ("新增粉丝", SUM),
    "followers_lost": ("取关粉丝", SUM),
    "reads": ("阅读量", SUM),
    "plays": ("播放量", SUM),
    "likes": ("点赞数", SUM),
    "comments": ("评论数", SUM),
    "shares": ("分享数", SUM),
    "favourites": ("收藏数", SUM),
    "messages": ("私信/留言数", SUM),
    "calls": ("来电量", SUM),
    "store_visitors": ("店铺访客数", SUM),
    "orders": ("订单数", SUM),
    "sales": ("销售额", SUM),
    "ad_spend": ("广告投放花费", SUM),
    "ad_revenue": ("广告收入", SUM),
    "gmv": ("直播成交额", SUM),
    "live_viewers": ("直播观看人数", SUM),
    "live_minutes": ("直播时长（分钟）", SUM),
}

# code: (Chinese label, numerator, denominator); followers_net_growth is a difference instead.
RATIO_METRICS: dict[str, tuple[str, str, str]] = {
    "calls_per_follower": ("来电量/粉丝总数", "calls", "followers_total"),
    "conversion_rate": ("转化率", "orders", "store_visitors"),
    "average_order_value": ("客单价", "sales", "orders"),
    "roi": ("投资回报率（ROI）", "sales", "ad_spend"),
}
DIFFERENCE_METRICS: dict[str, tuple[str, str, str]] = {
    "followers_net_growth": ("粉丝净增长", "followers_new", "followers_lost"),
}

STORED = frozenset(STORED_METRICS)
DERIVED = frozenset(RATIO_METRICS) | frozenset(DIFFERENCE_METRICS)
ALL = STORED | DERIVED

Rows = Sequence[tuple[dt.date, Decimal]]


def label(code: str) -> str:
    """The Chinese name of a metric; the code itself when unknown."""
    for table in (STORED_METRICS, RATIO_METRICS, DIFFERENCE_METRICS):
        if code in table:
            return table[code][0]
    return code


def plain(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros (0.006, 600, 1.5)."""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Evaluation:
    """A metric over a period, with the working shown."""

    value: Decimal | None
    formula: str
    inputs: dict[str, str] = field(default_factory=dict)
    missing: str | None = None


def _stored(code: str, values: Mapping[str, Rows]) -> Evaluation:
    rows = values.get(code, ())
    name, how = STORED_METRICS[code]
    if how == SUM:
        total = sum((v for _, v in rows), Decimal(0))
        return Evaluation(total, f"{name}合计 {plain(total)}", {code: plain(total)})
    if not rows:
        return Evaluation(None, "", {}, f"期间内没有“{name}”（{code}）的数据")
    day, value = max(rows, key=lambda row: row[0])
    return Evaluation(
        value,
        f"{name}（{day}）{plain(value)}",
        {code: plain(value), f"{code}_date": day.isoformat()},
    )


def evaluate(code: str, values: Mapping[str, Rows]) -> Evaluation:
    """Evaluate ``code`` for one account from its stored daily rows inside the period."""
    if code in STORED_METRICS:
        return _stored(code, values)
    if code in DIFFERENCE_METRICS:
        name, plus, minus = DIFFERENCE_METRICS[code]
        a, b = _stored(plus, values), _stored(minus, values)
        value = (a.value or Decimal(0)) - (b.value or Decimal(0))
        return Evaluation(
            value,
            f"{label(plus)} {plain(a.value or Decimal(0))} − {label(minus)} "
            f"{plain(b.value or Decimal(0))} = {plain(value)}",
            a.inputs | b.inputs,
        )
    if code in RATIO_METRICS:
        name, top, bottom = RATIO_METRICS[code]
        a, b = _stored(top, values), _stored(bottom, values)
        if a.value is None or b.value is None:
            return Evaluation(None, "", a.inputs | b.inputs, a.missing or b.missing)
        if b.value == 0:
            return Evaluation(
                None, "", a.inputs | b.inputs, f"“{label(bottom)}”为 0，无法计算{name}"
            )
        value = a.value / b.value
        return Evaluation(
            value,
            f"{label(top)} {plain(a.value)} ÷ {label(bottom)} {plain(b.value)} = {plain(value)}",
            a.inputs | b.inputs,
        )
    raise KeyError(code)
