"""The bonus arithmetic: credits per person, shares of the pool, the rounding remainder."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yunying.editorial import actions
from yunying.editorial.bonus import (
    ScoredItem,
    Tally,
    allocate,
    check_pool,
    credits,
    score_formula,
    tally,
)
from yunying.editorial.models import DEFAULT_RUBRIC

D = Decimal


def test_author_and_editor_each_get_the_items_score() -> None:
    items = [ScoredItem(D("80"), "wang", "li"), ScoredItem(D("90"), "wang", None)]
    assert credits(items) == [("wang", D("80")), ("li", D("80")), ("wang", D("90"))]


def test_a_person_who_wrote_and_collected_an_item_gets_it_once() -> None:
    assert credits([ScoredItem(D("70"), "wang", "wang")]) == [("wang", D("70"))]


def test_an_item_with_nobody_recorded_credits_nobody() -> None:
    assert credits([ScoredItem(D("70"), None, None)]) == []


def test_tally_counts_items_sums_points_and_averages_half_up() -> None:
    rows = tally([("wang", D("80.00")), ("li", D("80.00")), ("wang", D("85.01"))])
    assert rows == [Tally("wang", 2, D("165.01")), Tally("li", 1, D("80.00"))]
    # 165.01 ÷ 2 = 82.505 → 82.51 (half-up).
    assert rows[0].average == D("82.51")


def test_shares_are_proportional_to_points() -> None:
    result = allocate(D("10000.00"), [("wang", D("300")), ("li", D("100"))])
    assert result.shares == {"wang": D("7500.00"), "li": D("2500.00")}
    assert result.remainder == 0
    assert result.remainder_to is None


def test_the_rounding_remainder_goes_to_the_largest_share() -> None:
    # 100 ÷ 3 = 33.333… each → 33.33 × 3 = 99.99; the missing cent goes to the first largest.
    result = allocate(D("100.00"), [("a", D("1")), ("b", D("1")), ("c", D("1"))])
    assert result.shares == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    assert result.remainder == D("0.01")
    assert result.remainder_to == "a"


def test_a_negative_remainder_is_taken_from_the_largest_share() -> None:
    result = allocate(D("0.10"), [("big", D("2")), ("x", D("1")), ("y", D("1"))])
    # 0.05, 0.025 → 0.03, 0.025 → 0.03: sum 0.11, one cent too many, taken from "big".
    assert result.remainder == D("-0.01")
    assert result.shares == {"big": D("0.04"), "x": D("0.03"), "y": D("0.03")}
    assert result.remainder_to == "big"


def test_no_share_goes_below_zero_when_the_remainder_exceeds_the_largest_share() -> None:
    # 0.02 over four equal people: each 0.005 → 0.01, four cents for a pool of two.
    result = allocate(D("0.02"), [("a", D("1")), ("b", D("1")), ("c", D("1")), ("d", D("1"))])
    assert result.shares == {"a": D("0.00"), "b": D("0.00"), "c": D("0.01"), "d": D("0.01")}
    assert result.allocated == D("0.02")


def test_with_no_points_nothing_is_allocated() -> None:
    result = allocate(D("5000.00"), [("wang", D("0")), ("li", D("0"))])
    assert result.shares == {"wang": D("0.00"), "li": D("0.00")}
    assert result.allocated == 0
    assert result.total_points == 0


def test_with_nobody_nothing_is_allocated() -> None:
    assert allocate(D("5000"), []).shares == {}


@pytest.mark.parametrize("pool", ["-1", "1.005", "NaN", "Infinity"])
def test_a_pool_must_be_zero_or_more_with_two_decimals(pool: str) -> None:
    with pytest.raises(ValueError, match="pool"):
        check_pool(D(pool))


def test_a_zero_pool_gives_zero_shares() -> None:
    assert allocate(D("0"), [("wang", D("80"))]).shares == {"wang": D("0.00")}


def test_negative_points_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        allocate(D("1"), [("wang", D("-1"))])


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
point_values = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)


@given(pool=amounts, points=st.lists(point_values, min_size=1, max_size=40))
def test_shares_always_sum_to_the_pool_and_are_never_negative(
    pool: Decimal, points: list[Decimal]
) -> None:
    result = allocate(pool, list(enumerate(points)))
    if sum(points) == 0:
        assert result.allocated == 0
        return
    assert result.allocated == pool
    assert all(share >= 0 for share in result.shares.values())
    assert all(share == share.quantize(D("0.01")) for share in result.shares.values())
    # Apart from the one that absorbed the remainder, each share is its exact value rounded.
    total = sum(points)
    off = [
        person
        for person, p in enumerate(points)
        if abs(result.shares[person] - pool * p / total) > D("0.005")
    ]
    # A pool this size has a largest share bigger than any remainder (at most ½ cent a person).
    if pool >= 100:
        assert len(off) <= 1


def test_the_formula_shows_weights_marks_and_maxima() -> None:
    criteria = [
        {"key": "content", "label": "内容", "weight": 40, "max": 10},
        {"key": "layout", "label": "排版", "weight": 20, "max": 5},
    ]
    marks = {"content": "8", "layout": "4.5"}
    assert score_formula(criteria, marks) == "(40 × 8 ÷ 10 + 20 × 4.5 ÷ 5) ÷ 60 × 100"
    # The numbers in the formula give the total the action stores: (32 + 18) ÷ 60 × 100.
    assert actions.score_total(criteria, marks) == D("83.33")


def test_the_formula_marks_a_missing_mark() -> None:
    assert "× ? ÷" in score_formula(DEFAULT_RUBRIC, {})
