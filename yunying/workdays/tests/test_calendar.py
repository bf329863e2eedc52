"""The pure working-day arithmetic, checked against the chinesecalendar package (no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from yunying.workdays.calendar import MissingCalendarYear, WorkdayCalendar

from .helpers import reference_calendar

D = date
# Built once: the calendar is immutable, and hypothesis tests cannot take function fixtures.
_PRC = reference_calendar()


@pytest.fixture
def prc() -> WorkdayCalendar:
    return _PRC


def naive_add(cal: WorkdayCalendar, d: date, n: int) -> date:
    """Day-by-day reference: the n-th working day after d (or, for n < 0, as documented)."""
    step = 1 if n > 0 else -1
    day, left = d, abs(n)
    if n < 0:
        # (r, d] holds -n working days and r is a working day: walk back over -n working days
        # counted from d inclusive, then on to the working day before them.
        while left:
            if cal.is_working_day(day):
                left -= 1
            day -= timedelta(1)
        while not cal.is_working_day(day):
            day -= timedelta(1)
        return day
    while left:
        day += timedelta(step)
        if cal.is_working_day(day):
            left -= 1
    return day


def naive_between(cal: WorkdayCalendar, a: date, b: date) -> int:
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    count, day = 0, lo
    while day < hi:
        day += timedelta(1)
        count += cal.is_working_day(day)
    return sign * count


def test_three_working_days_after_national_day_eve_is_the_make_up_saturday(
    prc: WorkdayCalendar,
) -> None:
    assert prc.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert prc.add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 9)
    assert prc.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert prc.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3


def test_spring_festival_2026_rests_15_to_23_february_and_works_14_and_28(
    prc: WorkdayCalendar,
) -> None:
    for day in range(15, 24):
        assert not prc.is_working_day(D(2026, 2, day)), day
    assert prc.is_working_day(D(2026, 2, 14))  # Saturday, make-up
    assert prc.is_working_day(D(2026, 2, 28))  # Saturday, make-up
    assert not prc.is_working_day(D(2026, 3, 1))  # an ordinary Sunday
    assert prc.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert prc.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert prc.working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 1 + 4 + 1


def test_counting_crosses_a_year_boundary(prc: WorkdayCalendar) -> None:
    # 2026-01-01..03 are New Year holidays and Sunday 2026-01-04 is a make-up working day.
    assert prc.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert prc.add_working_days(D(2025, 12, 30), 2) == D(2026, 1, 4)
    assert prc.working_days_between(D(2025, 12, 31), D(2026, 1, 5)) == 2
    assert prc.add_working_days(D(2026, 1, 4), -1) == D(2025, 12, 31)


def test_negative_n_counts_backwards(prc: WorkdayCalendar) -> None:
    assert prc.add_working_days(D(2026, 10, 10), -1) == D(2026, 10, 9)
    assert prc.add_working_days(D(2026, 10, 10), -3) == D(2026, 9, 30)
    assert prc.working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == -3
    # From a rest day, (r, d] must hold one working day: r is the day before the last one.
    assert prc.add_working_days(D(2026, 10, 11), -1) == D(2026, 10, 9)


def test_zero_working_days_returns_the_date_itself_even_on_a_holiday(
    prc: WorkdayCalendar,
) -> None:
    assert prc.add_working_days(D(2026, 10, 1), 0) == D(2026, 10, 1)
    assert prc.add_working_days(D(2026, 10, 8), 0) == D(2026, 10, 8)
    assert prc.working_days_between(D(2026, 10, 1), D(2026, 10, 1)) == 0


def test_next_working_day_on_or_after_skips_a_holiday_block(prc: WorkdayCalendar) -> None:
    assert prc.next_working_day_on_or_after(D(2026, 10, 1)) == D(2026, 10, 8)
    assert prc.next_working_day_on_or_after(D(2026, 10, 8)) == D(2026, 10, 8)
    assert prc.next_working_day_on_or_after(D(2026, 10, 10)) == D(2026, 10, 10)
    assert prc.next_working_day_on_or_after(D(2026, 10, 11)) == D(2026, 10, 12)


def test_every_day_2004_to_2026_agrees_with_chinesecalendar(prc: WorkdayCalendar) -> None:
    day = D(2004, 1, 1)
    while day.year <= 2026:
        assert prc.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(1)


@pytest.mark.parametrize(
    ("call", "year"),
    [
        (lambda c: c.add_working_days(D(2026, 12, 30), 5), 2027),
        (lambda c: c.add_working_days(D(2004, 1, 5), -10), 2003),
        (lambda c: c.is_working_day(D(2027, 1, 4)), 2027),
        (lambda c: c.working_days_between(D(2026, 6, 1), D(2027, 1, 1)), 2027),
        (lambda c: c.working_days_between(D(2030, 6, 1), D(2026, 1, 1)), 2030),
        (lambda c: c.next_working_day_on_or_after(D(2003, 12, 31)), 2003),
        (lambda c: c.add_working_days(D(2027, 3, 1), 0), 2027),
    ],
)
def test_a_question_about_a_year_without_data_names_that_year(
    prc: WorkdayCalendar, call: object, year: int
) -> None:
    with pytest.raises(MissingCalendarYear) as info:
        call(prc)  # type: ignore[operator]
    assert info.value.year == year
    assert str(year) in str(info.value)
    assert isinstance(info.value, LookupError)


def test_the_last_day_with_data_still_answers(prc: WorkdayCalendar) -> None:
    # 2026-12-31 is a Thursday: one working day after 30 December, none after it.
    assert prc.add_working_days(D(2026, 12, 30), 1) == D(2026, 12, 31)
    with pytest.raises(MissingCalendarYear):
        prc.add_working_days(D(2026, 12, 31), 1)


def test_a_gap_between_loaded_years_is_refused_not_skipped() -> None:
    cal = reference_calendar({2024, 2026})
    with pytest.raises(MissingCalendarYear) as forward:
        cal.add_working_days(D(2024, 12, 30), 5)
    assert forward.value.year == 2025
    with pytest.raises(MissingCalendarYear) as backward:
        cal.add_working_days(D(2026, 1, 6), -5)
    assert backward.value.year == 2025
    with pytest.raises(MissingCalendarYear) as span:
        cal.working_days_between(D(2024, 6, 1), D(2026, 6, 1))
    assert span.value.year == 2025
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_a_calendar_without_years_refuses_everything() -> None:
    cal = WorkdayCalendar([], [], [])
    with pytest.raises(MissingCalendarYear):
        cal.is_working_day(D(2026, 1, 5))


def test_a_datetime_is_refused_because_its_date_depends_on_the_time_zone(
    prc: WorkdayCalendar,
) -> None:
    with pytest.raises(TypeError):
        prc.add_working_days(datetime(2026, 9, 30, 20, 0), 3)


def test_inconsistent_input_is_refused() -> None:
    with pytest.raises(ValueError, match="both"):
        WorkdayCalendar([D(2026, 10, 10)], [D(2026, 10, 10)], [2026])
    with pytest.raises(ValueError, match="outside"):
        WorkdayCalendar([D(2027, 1, 1)], [], [2026])


seed_dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 12, 31))


@settings(max_examples=400, deadline=None)
@given(a=seed_dates, n=st.integers(min_value=-800, max_value=800))
def test_between_undoes_add_for_every_date_and_n(a: date, n: int) -> None:
    cal = _PRC
    try:
        result = cal.add_working_days(a, n)
    except MissingCalendarYear:
        assume(False)
        raise
    assert cal.working_days_between(a, result) == n
    if n != 0:
        assert cal.is_working_day(result)


@settings(max_examples=150, deadline=None)
@given(a=seed_dates, n=st.integers(min_value=-60, max_value=60))
def test_add_matches_a_day_by_day_walk(a: date, n: int) -> None:
    cal = _PRC
    try:
        expected = naive_add(cal, a, n)
    except MissingCalendarYear:
        assume(False)
        raise
    assert cal.add_working_days(a, n) == expected


@settings(max_examples=150, deadline=None)
@given(a=seed_dates, offset=st.integers(min_value=-800, max_value=800))
def test_between_matches_a_day_by_day_count(a: date, offset: int) -> None:
    b = a + timedelta(offset)
    assume(_PRC.covers(b.year))
    assert _PRC.working_days_between(a, b) == naive_between(_PRC, a, b)
