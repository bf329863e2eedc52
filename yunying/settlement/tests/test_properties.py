"""Properties of the engine over generated months (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from yunying.contracts import terms as t
from yunying.metrics.files import MetricRow, PostRow
from yunying.settlement.engine import Facts, Month, settle

OCT = Month(2026, 10)
DAYS = st.dates(min_value=OCT.start, max_value=OCT.end)
COUNTS = st.integers(min_value=0, max_value=400)  # attainments spread around the tiers


def contract(caps: tuple[Decimal, Decimal], shortfall_target: int, per_month: int) -> t.Terms:
    return t.parse_terms(
        {
            "schema": t.SCHEMA,
            "id": "P-1",
            "kind": "account_operation",
            "client": "甲",
            "agency": "乙",
            "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "accounts": {"A": {"platform": "douyin", "name": "a"}},
            "fees": {"fixed_monthly": "3000.00", "per_item": {"video": "10.00"}},
            "kpis": [
                {
                    "id": "growth",
                    "account": "A",
                    "metric": "followers_net_growth",
                    "target": 400,
                    "performance_pay": "300.00",
                    "cap": str(caps[0]),
                },
                {
                    "id": "calls",
                    "account": "A",
                    "metric": "calls_per_follower",
                    "target": 0.005,
                    "performance_pay": "300.00",
                    "cap": str(caps[1]),
                },
                {
                    "id": "likes",
                    "account": "A",
                    "metric": "likes",
                    "target": 1000,
                    "performance_pay": "123.45",
                    "weight": 2,
                },
            ],
            "settlement": {
                "tiers": [
                    {"above": 0.7, "fixed_share": 1.0, "performance": True},
                    {"above": 0.5, "fixed_share": 0.8, "performance": False},
                    {"fixed_share": 0},
                ]
            },
            "deductions": {
                "follower_shortfall": [
                    {
                        "account": "A",
                        "target": shortfall_target,
                        "block": 100,
                        "percent_of_fixed": 5,
                        "rounding": "ceil",
                    }
                ]
            },
            "quotas": [
                {
                    "account": "A",
                    "kind": "video",
                    "per_month": per_month,
                    "min_likes": 50,
                    "missing_item_deduction": "99.99",
                }
            ],
        }
    )


@st.composite
def months(draw: st.DrawFn) -> tuple[t.Terms, Facts]:
    caps = (
        draw(st.sampled_from([Decimal(1), Decimal("1.5"), Decimal(2)])),
        draw(st.sampled_from([Decimal(1), Decimal(2)])),
    )
    terms = contract(caps, draw(st.integers(1, 3000)), draw(st.integers(1, 15)))
    rows = [MetricRow(OCT.end, "A", "followers_total", Decimal(draw(st.integers(1, 100000))))]
    for code in ("followers_new", "followers_lost", "calls", "likes"):
        for day in draw(st.lists(DAYS, min_size=1, max_size=4, unique=True)):
            rows.append(MetricRow(day, "A", code, Decimal(draw(COUNTS))))
    posts = [
        PostRow(f"p{i}", "A", draw(DAYS), "video", draw(st.integers(0, 200)))
        for i in range(draw(st.integers(0, 20)))
    ]
    return terms, Facts(metrics=rows, posts=posts)


@given(months())
@settings(max_examples=200, deadline=None)
def test_the_total_is_the_sum_of_the_rounded_lines(month: tuple[t.Terms, Facts]) -> None:
    statement = settle(month[0], OCT, month[1])
    assert statement.total == sum(line.amount for line in statement.lines)
    assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in statement.lines)


@given(months(), st.sampled_from(["followers_new", "calls", "likes"]), st.integers(1, 400), DAYS)
@settings(max_examples=300, deadline=None)
def test_raising_a_kpis_actual_never_lowers_the_total(
    month: tuple[t.Terms, Facts], code: str, extra: int, day: dt.date
) -> None:
    terms, facts = month
    before = settle(terms, OCT, facts).total
    raised = Facts(
        metrics=[*facts.metrics, MetricRow(day, "A", code, Decimal(extra))], posts=facts.posts
    )
    assert settle(terms, OCT, raised).total >= before


@given(months(), st.integers(1, 400), DAYS)
@settings(max_examples=200, deadline=None)
def test_attainment_above_the_cap_never_raises_pay(
    month: tuple[t.Terms, Facts], extra: int, day: dt.date
) -> None:
    terms, facts = month
    statement = settle(terms, OCT, facts)
    by_code = {line.code: line for line in statement.lines}
    for kpi in terms.kpis:
        line = by_code[f"performance:{kpi.id}"]
        assert line.amount <= (kpi.performance_pay * kpi.cap).quantize(Decimal("0.01"))
    growth = by_code["performance:growth"]
    if Decimal(growth.inputs["attainment"]) >= terms.kpis[0].cap:
        more = Facts(
            metrics=[*facts.metrics, MetricRow(day, "A", "followers_new", Decimal(extra))],
            posts=facts.posts,
        )
        after = {line.code: line for line in settle(terms, OCT, more).lines}
        assert after["performance:growth"].amount == growth.amount
