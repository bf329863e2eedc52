"""The pure calendar and quota arithmetic (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from yunying.editorial import planning
from yunying.editorial.planning import Entry, Slot, Stage, Status

D = dt.date
T = dt.time
OCT_FIRST, OCT_LAST = D(2026, 10, 1), D(2026, 10, 31)


def test_month_and_day_parameters_are_parsed_or_refused():
    assert planning.parse_month("2026-10") == OCT_FIRST
    assert planning.parse_month("2026-13") is None
    assert planning.parse_month("october") is None
    assert planning.parse_month(None) is None
    assert planning.parse_day("2026-10-10") == D(2026, 10, 10)
    assert planning.parse_day("2026-02-30") is None


def test_months_are_added_across_year_ends():
    assert planning.add_months(D(2026, 12, 15), 1) == D(2027, 1, 1)
    assert planning.add_months(D(2026, 1, 31), -1) == D(2025, 12, 1)
    assert planning.month_end(D(2028, 2, 3)) == D(2028, 2, 29)


def test_a_month_grid_runs_from_the_monday_before_the_first_to_the_sunday_after_the_last():
    weeks = planning.month_weeks(D(2026, 10, 17))
    # 1 October 2026 is a Thursday; 31 October a Saturday.
    assert weeks[0][0] == D(2026, 9, 28)
    assert weeks[-1][-1] == D(2026, 11, 1)
    assert len(weeks) == 5
    assert all(len(week) == 7 and week[0].weekday() == 0 for week in weeks)


def test_a_month_starting_on_monday_has_no_leading_days():
    weeks = planning.month_weeks(D(2026, 6, 1))
    assert weeks[0][0] == D(2026, 6, 1)
    assert weeks[-1][-1] == D(2026, 7, 5)


def test_week_days_run_monday_to_sunday():
    days = planning.week_days(D(2026, 10, 10))
    assert days[0] == D(2026, 10, 5)
    assert days[-1] == D(2026, 10, 11)


def test_only_weeks_wholly_inside_the_month_are_the_months_weeks():
    # October 2026: the week of 28 Sep and the week of 26 Oct (ending 1 Nov) straddle months.
    assert planning.weeks_inside(OCT_FIRST, OCT_LAST) == [
        D(2026, 10, 5),
        D(2026, 10, 12),
        D(2026, 10, 19),
    ]
    # June 2026 starts on a Monday: its first week counts; 29 June–5 July does not.
    assert planning.weeks_inside(D(2026, 6, 1), D(2026, 6, 30)) == [
        D(2026, 6, 1),
        D(2026, 6, 8),
        D(2026, 6, 15),
        D(2026, 6, 22),
    ]
    # February 2027 is four whole weeks, Monday 1st to Sunday 28th.
    assert len(planning.weeks_inside(D(2027, 2, 1), D(2027, 2, 28))) == 4


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (T(11, 0), Slot(T(11, 0))),
        (T(11, 0, 40), Slot(T(11, 0))),
        (T(11, 5), None),
        (T(15, 0), Slot(T(15, 0), T(17, 0))),
        (T(16, 30), Slot(T(15, 0), T(17, 0))),
        (T(17, 0), Slot(T(15, 0), T(17, 0))),
        (T(17, 1), None),
        (T(20, 0), Slot(T(20, 0))),
    ],
)
def test_a_time_falls_in_the_slot_that_holds_it(moment, expected):
    slots = [Slot(T(11, 0)), Slot(T(15, 0), T(17, 0)), Slot(T(20, 0))]
    assert planning.slot_of(moment, slots) == expected


def test_a_planned_column_without_an_item_that_day_is_unfilled():
    monday_column = planning.PlannedColumn(1, frozenset({1, 3}))
    friday_column = planning.PlannedColumn(2, frozenset({5}))
    days = planning.week_days(D(2026, 10, 14))
    filled = {(1, D(2026, 10, 12))}
    assert planning.unfilled([monday_column, friday_column], days, filled) == {
        (1, D(2026, 10, 14)),
        (2, D(2026, 10, 16)),
    }


def entries(*rows: tuple[str, int, int | None]) -> list[Entry]:
    return [Entry(stage, D(2026, 10, day), likes) for stage, day, likes in rows]


P, A, W = Stage.PUBLISHED, Stage.APPROVED, Stage.PREPARING


def test_the_figures_count_how_far_items_have_come():
    result = planning.tally(
        [
            *entries(
                (P, 2, 80),  # counted
                (P, 3, 20),  # below the bar
                (P, 5, None),  # no post data yet
                (A, 28, None),  # scheduled ahead
                (W, 29, None),  # in preparation ahead
                (W, 10, None),  # overdue: planned before today, not published
                (P, 30, 99),  # counted
                (P, 1, 50),  # exactly the bar: counted
            ),
            # Outside the month.
            Entry(P, D(2026, 11, 1), 500),
            Entry(W, D(2026, 9, 30)),
        ],
        first=OCT_FIRST,
        last=OCT_LAST,
        today=D(2026, 10, 20),
        required=12,
        min_likes=50,
    )
    assert (result.planned, result.approved, result.published, result.counted) == (8, 6, 5, 3)
    assert (result.awaiting, result.below, result.overdue) == (1, 1, 1)
    assert (result.approved_ahead, result.preparing_ahead) == (1, 1)
    # 12 required − 4 delivered (3 counted + 1 awaiting data) − 2 ahead = 6 missing.
    assert result.delivered == 4
    assert result.missing == 6
    assert result.days_left == 12


def test_enough_counted_items_meet_the_quota():
    result = planning.tally(
        entries((P, 2, 10), (P, 3, 10)),
        first=OCT_FIRST,
        last=OCT_LAST,
        today=D(2026, 10, 5),
        required=2,
    )
    assert result.status == Status.MET


def test_published_and_planned_items_that_cover_the_quota_are_on_track():
    result = planning.tally(
        entries((P, 2, None), (A, 25, None), (W, 31, None)),
        first=OCT_FIRST,
        last=OCT_LAST,
        today=D(2026, 10, 20),
        required=3,
    )
    assert result.missing == 0
    assert result.status == Status.ON_TRACK


def test_missing_items_with_enough_days_left_are_at_risk():
    # 5 required − 1 published − 1 ahead = 3 missing; 28..31 October = 4 days × 1 a day.
    result = planning.tally(
        entries((P, 2, 100), (A, 30, None)),
        first=OCT_FIRST,
        last=OCT_LAST,
        today=D(2026, 10, 28),
        required=5,
    )
    assert (result.missing, result.days_left, result.room) == (3, 4, 4)
    assert result.status == Status.AT_RISK


def test_more_missing_items_than_days_left_cannot_be_met():
    result = planning.tally(
        entries((P, 2, 100)),
        first=OCT_FIRST,
        last=OCT_LAST,
        today=D(2026, 10, 28),
        required=6,
    )
    assert (result.missing, result.room) == (5, 4)
    assert result.status == Status.CANNOT_BE_MET


def test_more_push_slots_a_day_leave_more_room():
    result = planning.tally(
        entries((P, 2, 100)),
        first=OCT_FIRST,
        last=OCT_LAST,
        today=D(2026, 10, 28),
        required=6,
        per_day=2,
    )
    assert result.room == 8
    assert result.status == Status.AT_RISK


def test_a_period_that_is_over_with_items_missing_was_missed():
    result = planning.tally(
        entries((P, 2, 100), (A, 20, None)),
        first=OCT_FIRST,
        last=OCT_LAST,
        today=D(2026, 11, 3),
        required=2,
    )
    assert result.days_left == 0
    assert result.overdue == 1
    assert result.status == Status.MISSED


def test_a_future_period_has_all_its_days_left():
    assert planning.days_left(OCT_FIRST, OCT_LAST, D(2026, 9, 15)) == 31
    assert planning.days_left(OCT_FIRST, OCT_LAST, OCT_LAST) == 1
