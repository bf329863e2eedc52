"""The working-day calendar of the database, cached in each process.

Other apps call the module-level functions (``add_working_days``, ``working_days_between``,
``is_working_day``, ``next_working_day_on_or_after``, ``missing_years``) or, for a sweep over many
dates, take ``get_calendar()`` once and call its methods. All of them raise
:class:`~yunying.workdays.calendar.MissingCalendarYear` for a year without data.

Caching across processes: the cached calendar is tagged with a version stamp read from the
database, the list of ``(year, imported_at, day_count)`` of every year (a few dozen small rows).
Every import that changes a year sets that year's ``imported_at`` to the time of the import, so
the stamp changes whenever the data does; comparing every year's timestamp rather than only the
latest one stays right even when two servers' clocks disagree. A process re-reads the stamp at
most once per ``STAMP_CHECK_SECONDS`` and rebuilds the calendar only when it differs, so another
process's import is seen within that time; an import in this process clears the cache at once.
The stamp is read before the rows, so a calendar is never tagged with a stamp newer than its data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from .calendar import MissingCalendarYear, WorkdayCalendar
from .choices import DayKind
from .models import CalendarDay, CalendarYear

__all__ = [
    "MissingCalendarYear",
    "add_working_days",
    "clear_cache",
    "get_calendar",
    "is_working_day",
    "loaded_years",
    "missing_year_message",
    "missing_years",
    "next_working_day_on_or_after",
    "working_days_between",
]

# Short enough that an import is visible everywhere almost at once, long enough that a loop of
# convenience calls does not turn into a loop of queries.
STAMP_CHECK_SECONDS = 1.0

Stamp = tuple[tuple[int, datetime, int], ...]


@dataclass(frozen=True)
class _Cached:
    stamp: Stamp
    calendar: WorkdayCalendar
    checked_at: float


_cached: _Cached | None = None
_lock = threading.Lock()


def _read_stamp() -> Stamp:
    return tuple(
        CalendarYear.objects.order_by("year").values_list("year", "imported_at", "day_count")
    )


def _build() -> WorkdayCalendar:
    # Years first, then only their days: an import committing between the two queries then
    # shows up either whole or not at all (the next stamp check picks it up).
    years = list(CalendarYear.objects.values_list("year", flat=True))
    holidays: list[date] = []
    makeup: list[date] = []
    days = CalendarDay.objects.filter(calendar_year__year__in=years).values_list("date", "kind")
    for day, kind in days:
        (holidays if kind == DayKind.HOLIDAY else makeup).append(day)
    return WorkdayCalendar(holidays, makeup, years)


def get_calendar() -> WorkdayCalendar:
    """The calendar of every year in the database (rebuilt only when an import changed it)."""
    global _cached
    cached = _cached
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < STAMP_CHECK_SECONDS:
        return cached.calendar
    with _lock:
        cached = _cached  # another thread may have refreshed it while this one waited
        stamp = _read_stamp()
        if cached is not None and cached.stamp == stamp:
            _cached = _Cached(stamp, cached.calendar, now)
        else:
            _cached = _Cached(stamp, _build(), now)
        return _cached.calendar


def clear_cache() -> None:
    """Forget the cached calendar; the next question reads the database again."""
    global _cached
    _cached = None


def clear_cache_on_commit() -> None:
    """Clear now (for reads later in the same transaction) and again once the data is committed.

    The second clear matters when another thread rebuilt the cache from the old rows while the
    import transaction was still open.
    """
    clear_cache()
    transaction.on_commit(clear_cache)


def add_working_days(d: date, n: int) -> date:
    """The date ``n`` working days after ``d`` (``d`` not counted; negative ``n`` goes back)."""
    return get_calendar().add_working_days(d, n)


def working_days_between(a: date, b: date) -> int:
    """Working days in ``(a, b]``, negative when ``b < a``."""
    return get_calendar().working_days_between(a, b)


def is_working_day(d: date) -> bool:
    return get_calendar().is_working_day(d)


def next_working_day_on_or_after(d: date) -> date:
    """``d`` when it is a working day, else the next one (for deadlines that fall on a holiday)."""
    return get_calendar().next_working_day_on_or_after(d)


def loaded_years() -> list[int]:
    """The years with data, ascending."""
    return sorted(get_calendar().years)


def missing_years(dates: Iterable[date]) -> list[int]:
    """The years of ``dates`` that have no data, ascending and without repeats."""
    calendar = get_calendar()
    return sorted({d.year for d in dates if not calendar.covers(d.year)})


def missing_year_message(year: int) -> str:
    """The sentence shown to people (pages, API, CLI) when ``year`` has no data."""
    return _(
        "No holiday calendar for %(year)d: a platform operator must import the State Council "
        "holiday notice for %(year)d first."
    ) % {"year": year}
