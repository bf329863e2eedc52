"""The database-backed calendar: convenience functions and the cross-process cache."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from yunying.workdays import services
from yunying.workdays.calendar import MissingCalendarYear
from yunying.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_convenience_functions_answer_from_the_seeded_calendar() -> None:
    assert services.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert services.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert services.is_working_day(date(2026, 10, 10))
    assert not services.is_working_day(date(2026, 10, 1))
    assert services.next_working_day_on_or_after(date(2026, 10, 1)) == date(2026, 10, 8)
    assert services.loaded_years() == list(range(2004, 2027))
    with pytest.raises(MissingCalendarYear) as info:
        services.add_working_days(date(2026, 12, 30), 5)
    assert info.value.year == 2027


def test_missing_years_lists_each_missing_year_once_in_order() -> None:
    dates = [date(2028, 3, 3), date(2026, 5, 1), date(2027, 1, 1), date(2027, 6, 1)]
    assert services.missing_years(dates) == [2027, 2028]
    assert services.missing_years([date(2026, 5, 1)]) == []
    assert services.missing_years([]) == []


def test_the_missing_year_message_names_the_year() -> None:
    assert "2031" in services.missing_year_message(2031)


def test_repeated_questions_within_the_check_interval_query_nothing(
    django_assert_num_queries: Any,
) -> None:
    services.get_calendar()
    with django_assert_num_queries(0):
        for offset in range(1000):
            services.add_working_days(date(2020, 1, 1) + timedelta(offset), 3)


def test_unchanged_data_keeps_the_cached_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "STAMP_CHECK_SECONDS", 0)
    first = services.get_calendar()
    assert services.get_calendar() is first


def test_a_change_by_another_process_is_seen_through_the_version_stamp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "STAMP_CHECK_SECONDS", 0)
    before = services.get_calendar()
    assert not before.covers(2027)
    # Written behind this process's back, as another server's import would be.
    year = CalendarYear.objects.create(year=2027, imported_at=timezone.now(), day_count=1)
    CalendarDay.objects.create(
        calendar_year=year, date=date(2027, 1, 1), kind="holiday", name="元旦"
    )
    after = services.get_calendar()
    assert after is not before
    assert after.covers(2027)
    assert services.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_a_replaced_year_with_the_same_day_count_is_still_noticed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "STAMP_CHECK_SECONDS", 0)
    assert services.is_working_day(date(2026, 10, 10))
    # Another process moves the make-up day from Saturday 10 to Sunday 11 October.
    CalendarDay.objects.filter(date=date(2026, 10, 10)).update(date=date(2026, 10, 11))
    CalendarYear.objects.filter(year=2026).update(imported_at=timezone.now())
    assert not services.is_working_day(date(2026, 10, 10))
    assert services.is_working_day(date(2026, 10, 11))
