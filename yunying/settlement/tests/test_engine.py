"""The settlement engine, pure: the agreed worked example, our examples and each rule."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from yunying.contracts import terms as t
from yunying.metrics.files import MetricRow, PostRow, parse_metrics_csv, parse_posts_csv
from yunying.settlement.engine import (
    Event,
    EventKind,
    Facts,
    Month,
    SettlementError,
    late_payment_interest,
    settle,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
D = Decimal


def load(name: str) -> t.Terms:
    return t.load_yaml((EXAMPLES / name).read_text(encoding="utf-8"))


def amounts(statement: Any) -> dict[str, str]:
    return {line.code: str(line.amount) for line in statement.lines}


def terms_with(**changes: Any) -> t.Terms:
    """The seed 002 example with top-level sections replaced."""
    data = yaml.safe_load((EXAMPLES / "seed-002-kpi/kpi-contract.yaml").read_text("utf-8"))
    data.update(changes)
    return t.parse_terms(data)


def metric(day: str, account: str, code: str, value: str | int) -> MetricRow:
    return MetricRow(dt.date.fromisoformat(day), account, code, D(value))


OCT = Month(2026, 10)


def growth(day: str, account: str, new: int, lost: int = 0) -> list[MetricRow]:
    """Both sides of net growth: a month without a lost-followers row is missing data."""
    return [
        metric(day, account, "followers_new", new),
        metric(day, account, "followers_lost", lost),
    ]


def test_the_agreed_seed_002_example_prints_exactly_the_expected_lines_and_total() -> None:
    folder = EXAMPLES / "seed-002-kpi"
    terms = load("seed-002-kpi/kpi-contract.yaml")
    facts = Facts(metrics=parse_metrics_csv((folder / "metrics-2026-10.csv").read_text("utf-8")))
    expected = json.loads((folder / "expected-2026-10.json").read_text("utf-8"))

    statement = settle(terms, Month.parse("2026-10"), facts).as_json()

    assert statement["contract"] == expected["contract"]
    assert statement["period"] == expected["period"]
    assert statement["overall_attainment"] == expected["overall_attainment"]
    assert [(line["code"], line["amount"]) for line in statement["lines"]] == [
        (line["code"], line["amount"]) for line in expected["lines"]
    ]
    assert statement["total"] == expected["total"]


def test_each_line_shows_its_formula_with_the_numbers_and_its_inputs() -> None:
    folder = EXAMPLES / "seed-002-kpi"
    facts = Facts(metrics=parse_metrics_csv((folder / "metrics-2026-10.csv").read_text("utf-8")))
    lines = {
        line.code: line for line in settle(load("seed-002-kpi/kpi-contract.yaml"), OCT, facts).lines
    }

    calls = lines["performance:a_calls"]
    assert "120" in calls.formula
    assert "20000" in calls.formula
    assert "0.006" in calls.formula
    assert "上限 1" in calls.formula
    assert calls.inputs["calls"] == "120"
    assert calls.inputs["followers_total"] == "20000"
    growth = lines["performance:a_growth"]
    assert "600" in growth.formula
    assert "1.5" in growth.formula
    assert "450.00" in growth.formula
    assert "0.875 > 0.7" in lines["fixed"].formula
    assert all(line.description for line in lines.values())


@pytest.mark.parametrize("period", ["2026-08", "2026-09", "2026-10"])
def test_our_douyin_example_lands_each_month_in_the_tier_computed_by_hand(period: str) -> None:
    folder = EXAMPLES / "douyin-monthly"
    terms = load("douyin-monthly/terms.yaml")
    facts = Facts(
        metrics=parse_metrics_csv((folder / "metrics.csv").read_text("utf-8")),
        posts=parse_posts_csv((folder / "posts.csv").read_text("utf-8")),
    )
    expected = json.loads((folder / "expected.json").read_text("utf-8"))[period]

    statement = settle(terms, Month.parse(period), facts)

    assert str(statement.overall_attainment) == expected["overall_attainment"] or (
        statement.as_json()["overall_attainment"] == expected["overall_attainment"]
    )
    assert amounts(statement) == expected["lines"]
    assert str(statement.total) == expected["total"]


def test_a_month_that_leaves_the_agency_owing_says_so() -> None:
    folder = EXAMPLES / "douyin-monthly"
    facts = Facts(
        metrics=parse_metrics_csv((folder / "metrics.csv").read_text("utf-8")),
        posts=parse_posts_csv((folder / "posts.csv").read_text("utf-8")),
    )
    statement = settle(load("douyin-monthly/terms.yaml"), OCT, facts)
    assert statement.total < 0
    assert any("负数" in notice for notice in statement.notices)


def test_videos_below_the_likes_threshold_are_named_and_not_counted() -> None:
    terms = load("douyin-monthly/terms.yaml")
    posts = [
        PostRow("v1", "D", dt.date(2026, 8, 3), "video", 100),
        PostRow("v2", "D", dt.date(2026, 8, 4), "video", 99),
        PostRow("x", "D", dt.date(2026, 7, 31), "video", 5000),  # outside the month
    ]
    facts = Facts(
        metrics=[*growth("2026-08-03", "D", 2500), metric("2026-08-03", "D", "likes", 30000)],
        posts=posts,
    )
    line = {x.code: x for x in settle(terms, Month(2026, 8), facts).lines}["quota:D:video"]
    assert line.inputs["counted"] == "1"
    assert line.inputs["below_posts"] == "v2"
    assert line.amount == D("-3300.00")  # 11 missing × 300


def test_a_tier_applies_only_when_attainment_is_strictly_above_its_threshold() -> None:
    # One KPI, attainment exactly 0.70: the first tier does not apply, the second does.
    terms = terms_with(
        kpis=[
            {
                "id": "g",
                "account": "A",
                "metric": "followers_net_growth",
                "target": 100,
                "performance_pay": "300.00",
                "cap": 2.0,
            }
        ]
    )
    facts = Facts(metrics=growth("2026-10-03", "A", 70))
    statement = settle(terms, OCT, facts)
    assert amounts(statement) == {"fixed": "2400.00", "performance:g": "0.00"}
    facts = Facts(metrics=growth("2026-10-03", "A", 71))
    assert amounts(settle(terms, OCT, facts)) == {"fixed": "3000.00", "performance:g": "213.00"}


def test_at_or_below_the_lowest_threshold_nothing_is_paid() -> None:
    terms = terms_with(
        kpis=[
            {
                "id": "g",
                "account": "A",
                "metric": "followers_net_growth",
                "target": 100,
                "performance_pay": "300.00",
            }
        ]
    )
    facts = Facts(metrics=growth("2026-10-03", "A", 50))
    assert amounts(settle(terms, OCT, facts)) == {"fixed": "0.00", "performance:g": "0.00"}


def test_weights_change_the_overall_attainment() -> None:
    kpis = [
        {
            "id": "g",
            "account": "A",
            "metric": "followers_net_growth",
            "target": 100,
            "performance_pay": "100.00",
            "weight": 3,
        },
        {
            "id": "h",
            "account": "B",
            "metric": "followers_net_growth",
            "target": 100,
            "performance_pay": "100.00",
        },
    ]
    facts = Facts(metrics=[*growth("2026-10-03", "A", 100), *growth("2026-10-03", "B", 0)])
    # (3 × 1 + 1 × 0) / 4 = 0.75 > 0.70; unweighted it would be 0.5.
    assert settle(terms_with(kpis=kpis), OCT, facts).overall_attainment == D("0.75")


def test_each_line_is_rounded_half_up_to_the_cent() -> None:
    terms = terms_with(
        kpis=[
            {
                "id": "g",
                "account": "A",
                "metric": "followers_net_growth",
                "target": 8,
                "performance_pay": "1.00",
                "cap": 2,
            }
        ]
    )
    facts = Facts(metrics=growth("2026-10-03", "A", 7))  # 0.875 × 1.00
    assert amounts(settle(terms, OCT, facts))["performance:g"] == "0.88"


def test_a_kpi_without_target_cannot_be_settled() -> None:
    terms = terms_with(
        kpis=[
            {
                "id": "g",
                "account": "A",
                "metric": "followers_net_growth",
                "performance_pay": "300.00",
            }
        ]
    )
    with pytest.raises(SettlementError, match="g"):
        settle(terms, OCT, Facts())


def test_a_ratio_without_its_divisor_is_refused_not_guessed() -> None:
    terms = load("seed-002-kpi/kpi-contract.yaml")
    facts = Facts(
        metrics=[
            *growth("2026-10-03", "A", 400),
            *growth("2026-10-03", "B", 150),
            metric("2026-10-03", "A", "calls", 5),  # and no followers_total
        ]
    )
    with pytest.raises(SettlementError, match="a_calls"):
        settle(terms, OCT, facts)


def test_a_month_outside_the_contract_period_is_refused() -> None:
    with pytest.raises(SettlementError, match="不在合同期内"):
        settle(load("seed-002-kpi/kpi-contract.yaml"), Month(2027, 1), Facts())


def test_follower_shortfall_rounds_blocks_down_or_up_as_the_contract_says() -> None:
    def deduction(rounding: str) -> str:
        terms = terms_with(
            kpis=[],
            settlement={"tiers": []},
            deductions={
                "follower_shortfall": [
                    {
                        "account": "A",
                        "target": 1000,
                        "block": 100,
                        "percent_of_fixed": 5,
                        "rounding": rounding,
                    }
                ]
            },
        )
        facts = Facts(metrics=growth("2026-10-03", "A", 750))
        return amounts(settle(terms, OCT, facts))["shortfall:A"]

    # shortfall 250 → floor 2 or ceil 3 blocks × 5 % × 3000
    assert deduction("floor") == "-300.00"
    assert deduction("ceil") == "-450.00"


def test_late_payment_counts_from_day_k_after_the_notice_to_the_payment_day_inclusive() -> None:
    rule = t.LatePayment(percent_per_day=D("0.05"), from_day=16)
    line = late_payment_interest(
        rule,
        unpaid=D("10000"),
        notice_date=dt.date(2026, 10, 1),
        until=dt.date(2026, 10, 31),
        payments=[(dt.date(2026, 10, 20), D("10000"))],
    )
    # Day 16 after 10-01 is 10-17; 10-17..10-20 inclusive = 4 days × 10000 × 0.05 % = 20.00
    assert line is not None
    assert line.amount == D("20.00")
    assert line.inputs["days"] == "4"
    assert "2026-10-17 至 2026-10-20" in line.formula
    assert (
        late_payment_interest(
            rule, unpaid=D("10000"), notice_date=dt.date(2026, 10, 1), until=dt.date(2026, 10, 16)
        )
        is None
    )


def test_late_payment_on_a_statement_accrues_only_this_months_days_on_what_is_unpaid() -> None:
    terms = terms_with(
        kpis=[],
        settlement={"tiers": []},
        penalties={"late_payment": {"percent_per_day": 0.05, "from_day": 16}},
    )
    events = [
        Event(dt.date(2026, 9, 20), EventKind.PAYMENT_NOTICE, amount=D("3000"), ref="INV-1"),
        Event(dt.date(2026, 10, 10), EventKind.PAYMENT, amount=D("1000"), ref="INV-1"),
    ]
    line = {x.code: x for x in settle(terms, OCT, Facts(events=events)).lines}["late_payment:INV-1"]
    # From 10-06 (day 16): 3000 × 0.05 % × 5 days (10-06..10-10) + 2000 × 0.05 % × 21 (10-11..10-31)
    assert line.amount == D("7.50") + D("21.00")


def test_late_delivery_charges_each_late_day_and_flags_the_refund_right() -> None:
    terms = terms_with(
        kind="video_production",
        kpis=[],
        settlement={"tiers": []},
        fees={"contract_amount": "20000.00", "prepayment_percent": 50},
        penalties={"late_delivery": {"percent_per_day": 0.1, "refund_after_days": 7}},
    )
    events = [
        Event(dt.date(2026, 10, 15), EventKind.DELIVERY_DUE, ref="job-1"),
        Event(dt.date(2026, 10, 25), EventKind.DELIVERED, ref="job-1"),
    ]
    statement = settle(terms, OCT, Facts(events=events))
    lines = amounts(statement)
    assert lines["late_delivery:job-1"] == "-200.00"  # 10 days × 0.1 % × 20000
    assert lines["balance"] == "10000.00"
    assert any("退款并解除合同" in n for n in statement.notices)


def test_sessions_commission_and_late_checkins() -> None:
    terms = terms_with(
        kind="livestream_commission",
        kpis=[],
        settlement={"tiers": []},
        fees={"per_session": "800.00", "commission_percent": 10},
        penalties={"late_checkin": {"amount": "50.00"}},
    )
    events = [Event(dt.date(2026, 10, d), EventKind.SESSION, "A") for d in (3, 10, 17)] + [
        Event(dt.date(2026, 10, 10), EventKind.LATE_CHECKIN, "A"),
        Event(dt.date(2026, 9, 10), EventKind.SESSION, "A"),
    ]
    facts = Facts(
        metrics=[
            metric("2026-10-03", "A", "sales", "12345.67"),
            metric("2026-10-10", "B", "sales", 100),
        ],
        events=events,
    )
    assert amounts(settle(terms, OCT, facts)) == {
        "per_session": "2400.00",
        "commission": "1244.57",
        "late_checkin": "-50.00",
    }


def test_one_off_fees_fall_due_in_working_days_after_signing() -> None:
    terms = terms_with(
        signed_on="2026-09-29",
        kpis=[],
        settlement={"tiers": []},
        fees={"one_off": [{"label": "建号服务费", "amount": "5000.00", "due_working_days": 3}]},
    )
    from yunying.workdays.calendar import WorkdayCalendar

    holidays = [dt.date(2026, 10, d) for d in range(1, 8)]
    cal = WorkdayCalendar(holidays, [dt.date(2026, 9, 27), dt.date(2026, 10, 10)], [2026])
    line = settle(terms, OCT, Facts(), add_working_days=cal.add_working_days).lines[0]
    assert line.code == "one_off:0"
    assert line.amount == D("5000.00")
    assert "2026-09-29 + 3 个工作日 = 2026-10-09" in line.formula
    # In September it is not yet due.
    assert settle(terms, Month(2026, 9), Facts(), add_working_days=cal.add_working_days).lines == ()


def test_our_livestream_example_settles_sessions_commission_and_interest_as_worked_by_hand() -> (
    None
):
    from yunying.settlement.events import parse_events_csv

    folder = EXAMPLES / "livestream-commission"
    facts = Facts(
        metrics=parse_metrics_csv((folder / "metrics.csv").read_text("utf-8")),
        events=parse_events_csv((folder / "events.csv").read_text("utf-8")),
    )
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    statement = settle(load("livestream-commission/terms.yaml"), OCT, facts)
    assert amounts(statement) == expected["lines"]
    assert str(statement.total) == expected["total"]
    # September's statement carries the first ten days of interest, not October's.
    september = settle(load("livestream-commission/terms.yaml"), Month(2026, 9), facts)
    assert amounts(september)["late_payment:INV-2026-0008"] == "48.00"


def test_a_bad_events_file_names_each_row_and_column() -> None:
    from yunying.metrics.files import FileFormatError
    from yunying.settlement.events import parse_events_csv

    text = (
        "date,kind,account,amount,ref\n"
        "2026-10-01,session,L,,\n"
        "2026-10-32,session,L,,\n"
        "2026-10-02,party,L,,\n"
        "2026-10-03,payment_notice,,,\n"
    )
    with pytest.raises(FileFormatError) as caught:
        parse_events_csv(text)
    where = {(p.row, p.column) for p in caught.value.problems}
    assert where == {(3, "date"), (4, "kind"), (5, "amount"), (5, "ref")}
