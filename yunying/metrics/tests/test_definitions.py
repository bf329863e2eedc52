"""Metric definitions, pure: the agreed worked example and each way a value can be missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yunying.metrics import definitions as d

D = Decimal


def day(n: int) -> dt.date:
    return dt.date(2026, 10, n)


WORKED = {
    "followers_new": [(day(8), D(300)), (day(20), D(400))],
    "followers_lost": [(day(8), D(40)), (day(20), D(60))],
    "followers_total": [(day(31), D(20000))],
    "calls": [(day(15), D(70)), (day(30), D(50))],
}


def test_the_worked_example_gives_net_growth_600_and_calls_per_follower_0_006() -> None:
    growth = d.evaluate("followers_net_growth", WORKED)
    assert growth.value == D(600)
    assert str(growth.value) == "600"
    assert growth.formula == "新增粉丝 700 − 取关粉丝 100 = 600"
    assert growth.inputs == {"followers_new": "700", "followers_lost": "100"}
    assert growth.missing is None

    calls = d.evaluate("calls_per_follower", WORKED)
    assert str(calls.value) == "0.006"
    assert calls.formula == "电话量 120 ÷ 期末粉丝总数 20000 = 0.006"
    assert calls.inputs == {
        "calls": "120",
        "followers_total": "20000",
        "followers_total_date": "2026-10-31",
    }


def test_stored_values_from_the_database_come_out_without_trailing_zeros() -> None:
    rows = {"calls": [(day(1), D("70.0000")), (day(2), D("50.0000"))]}
    result = d.evaluate("calls", rows)
    assert str(result.value) == "120"
    assert result.formula == "电话量合计 120（2 天）"


def test_last_takes_the_value_with_the_latest_date_whatever_the_order() -> None:
    rows = {"followers_total": [(day(31), D(20000)), (day(1), D(18000)), (day(15), D(19000))]}
    result = d.evaluate("followers_total", rows)
    assert result.value == D(20000)
    assert result.inputs["followers_total_date"] == "2026-10-31"
    assert "2026-10-31" in result.formula


@pytest.mark.parametrize("code", sorted(d.ALL))
def test_every_metric_without_rows_is_missing_and_says_which_input(code: str) -> None:
    result = d.evaluate(code, {})
    assert result.value is None
    assert result.missing is not None
    assert "期间内没有" in result.missing


def test_growth_needs_both_sides() -> None:
    result = d.evaluate("followers_net_growth", {"followers_new": WORKED["followers_new"]})
    assert result.value is None
    assert "followers_lost" in (result.missing or "")
    assert result.inputs == {"followers_new": "700"}


def test_a_zero_divisor_gives_no_value_and_says_so() -> None:
    rows = {"orders": [(day(1), D(5))], "store_visitors": [(day(1), D(0))]}
    result = d.evaluate("conversion_rate", rows)
    assert result.value is None
    assert result.missing == "“店铺访客数”为 0，无法计算转化率"
    assert result.formula == "订单数 5 ÷ 店铺访客数 0"


def test_ratios_are_rounded_half_up_to_ten_places() -> None:
    rows = {"sales": [(day(1), D(2))], "orders": [(day(1), D(3))]}
    assert str(d.evaluate("average_order_value", rows).value) == "0.6666666667"
    huge = {"sales": [(day(1), D("9999999999999999.9999"))], "ad_spend": [(day(1), D("0.0001"))]}
    assert d.evaluate("roi", huge).value == D("99999999999999999999")


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("6E+2"), "600"), (D("0.0060"), "0.006"), (D("1E-7"), "0.0000001"), (D("-0"), "0")],
)
def test_plain_never_uses_exponents_or_trailing_zeros(value: Decimal, text: str) -> None:
    assert d.plain(value) == text


def test_the_registry_has_the_agreed_codes() -> None:
    assert len(d.STORED) == 20
    derived = {
        "followers_net_growth",
        "calls_per_follower",
        "conversion_rate",
        "average_order_value",
        "roi",
    }
    assert derived == d.DERIVED
    assert d.ALL == d.STORED | d.DERIVED
    assert {c for c in d.STORED if d.DEFINITIONS[c].kind == d.LAST} == {"followers_total"}
    assert {c for c in d.STORED if d.DEFINITIONS[c].kind == d.MAX} == {"live_peak"}
    assert d.label("calls") == "电话量"
    assert d.DEFINITIONS["roi"].definition == "销售额 ÷ 广告投放花费"


def test_an_unknown_code_is_an_error_not_a_silent_none() -> None:
    with pytest.raises(KeyError, match="未知指标"):
        d.evaluate("fans", {})
    with pytest.raises(KeyError, match="未知指标"):
        d.label("fans")


def test_the_stored_choices_mirror_the_registry() -> None:
    from yunying.metrics.choices import Metric

    assert tuple(Metric.values) == d.STORED_ORDER


def test_a_peak_is_the_highest_day_of_the_period() -> None:
    rows = [(dt.date(2026, 10, 2), Decimal(800)), (dt.date(2026, 10, 9), Decimal(1500))]
    rows.append((dt.date(2026, 10, 20), Decimal(1500)))
    found = d.evaluate("live_peak", {"live_peak": rows})
    assert found.value == Decimal(1500)
    # A tie names the first day the peak was reached.
    assert found.inputs == {"live_peak": "1500", "live_peak_date": "2026-10-09"}
    assert found.formula == "期间直播最高在线人数 1500（2026-10-09）"
