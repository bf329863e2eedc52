"""The seed migration: 2004-2026 from chinesecalendar, with Chinese names."""

from __future__ import annotations

import re
from datetime import date, timedelta

import chinese_calendar
import pytest

from yunying.workdays import services
from yunying.workdays.choices import DayKind
from yunying.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_every_year_from_2004_to_2026_has_a_row_and_no_other_year_does() -> None:
    assert list(CalendarYear.objects.values_list("year", flat=True)) == list(range(2004, 2027))


def test_2026_has_exactly_the_six_make_up_working_days() -> None:
    makeup = CalendarDay.objects.filter(date__year=2026, kind=DayKind.MAKEUP_WORKDAY)
    assert list(makeup.values_list("date", flat=True)) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert set(makeup.values_list("name", flat=True)) == {"元旦", "春节", "劳动节", "国庆节"}


def test_holidays_carry_chinese_names() -> None:
    names = dict(CalendarDay.objects.values_list("date", "name"))
    assert names[date(2026, 10, 1)] == "国庆节"
    assert names[date(2026, 2, 17)] == "春节"
    assert names[date(2026, 4, 5)] == "清明节"
    assert names[date(2026, 6, 19)] == "端午节"
    assert names[date(2026, 9, 25)] == "中秋节"
    assert names[date(2026, 1, 1)] == "元旦"
    assert names[date(2026, 5, 1)] == "劳动节"
    assert names[date(2015, 9, 3)].startswith("中国人民抗日战争")
    assert not [name for name in names.values() if re.search("[A-Za-z]", name)]


def test_day_counts_and_years_match_the_stored_days() -> None:
    for row in CalendarYear.objects.all():
        days = CalendarDay.objects.filter(calendar_year=row)
        assert row.day_count == days.count(), row.year
        assert not days.exclude(date__year=row.year).exists(), row.year
    assert CalendarYear.objects.get(year=2026).day_count == 33 + 6


def test_the_stored_calendar_agrees_with_chinesecalendar_on_every_day() -> None:
    calendar = services.get_calendar()
    day = date(2004, 1, 1)
    while day.year <= 2026:
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(1)
