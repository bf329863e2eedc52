"""Shared test data: the reference calendar and small import files."""

from __future__ import annotations

from datetime import date
from typing import Any

from chinese_calendar import constants

from yunying.workdays.calendar import WorkdayCalendar

SEED_YEARS = range(2004, 2027)


def reference_calendar(years: Any = SEED_YEARS) -> WorkdayCalendar:
    """The calendar straight from the chinesecalendar package, without the database."""
    wanted = set(years)
    return WorkdayCalendar(
        (d for d in constants.holidays if d.year in wanted),
        (d for d in constants.workdays if d.year in wanted),
        wanted,
    )


YAML_2027 = """\
year: 2027
source: 测试通知 2027
holidays:
  - name: 元旦
    from: 2027-01-01
    to: 2027-01-03
  - name: 春节
    from: 2027-02-06
    to: 2027-02-14
makeup_workdays:
  - name: 春节
    dates: [2027-02-20]
"""

# Days of YAML_2027: 3 + 9 holidays and one make-up Saturday.
YAML_2027_DAYS = 13
SPRING_2027_MAKEUP = date(2027, 2, 20)

CSV_2027 = """\
date,kind,name
2027-01-01,holiday,元旦
2027-02-08,holiday,春节
2027-02-20,makeup_workday,春节
"""
