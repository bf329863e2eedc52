"""PRC working-day arithmetic, in plain Python.

Nothing here imports Django: the CLI, tasks and tests use it without a database, and a deadline
sweep can call it many thousands of times. The database side (loading, caching, importing) lives
in :mod:`yunying.workdays.services` and :mod:`yunying.workdays.actions`.

Counting convention, shared by every method: ``working_days_between(a, b)`` is the number of
working days in the half-open interval ``(a, b]`` (negative when ``b < a``), and
``add_working_days(a, n)`` is the working day ``r`` with ``working_days_between(a, r) == n``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, datetime


class MissingCalendarYear(LookupError):
    """A question touched a year whose holiday notice has not been imported.

    Raised instead of guessing from weekends alone: a guessed deadline across an unknown Spring
    Festival is wrong by a week, and nobody would notice until the client complains.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"No holiday calendar for {year}: import the State Council notice for {year} first."
        )


class WorkdayCalendar:
    """Working days of the years that have data.

    A date is a working day when it is a Monday to Friday that is not a holiday, or a make-up
    working day (a Saturday or Sunday declared a working day). The constructor precomputes, for
    every day from 1 January of the first year to 31 December of the last, the running count of
    working days; each question is then an index lookup or a binary search, never a day-by-day
    walk.
    """

    __slots__ = ("_contiguous", "_cumulative", "_origin", "_working", "_years")

    def __init__(
        self,
        holidays: Iterable[date],
        makeup_workdays: Iterable[date],
        years: Iterable[int],
    ) -> None:
        self._years = frozenset(years)
        holiday_set = frozenset(holidays)
        makeup_set = frozenset(makeup_workdays)
        both = holiday_set & makeup_set
        if both:
            raise ValueError(f"Dates both holiday and make-up working day: {sorted(both)}")
        outside = {d for d in holiday_set | makeup_set if d.year not in self._years}
        if outside:
            raise ValueError(f"Dates outside the years with data: {sorted(outside)}")

        # Years without data inside the span count no working days; every answer that would
        # cross them is refused by _check_years, so the zeros are never used as facts.
        self._contiguous = not self._years or (
            max(self._years) - min(self._years) + 1 == len(self._years)
        )
        self._origin = date(min(self._years), 1, 1).toordinal() if self._years else 0
        end = date(max(self._years), 12, 31).toordinal() if self._years else -1
        working = bytearray()
        cumulative: list[int] = []
        count = 0
        for ordinal in range(self._origin, end + 1):
            day = date.fromordinal(ordinal)
            is_working = day.year in self._years and (
                day in makeup_set or (day.weekday() < 5 and day not in holiday_set)
            )
            working.append(is_working)
            count += is_working
            cumulative.append(count)
        self._working = bytes(working)
        # _cumulative[i]: working days from the origin up to and including origin + i.
        self._cumulative = cumulative

    @property
    def years(self) -> frozenset[int]:
        """The years that have data."""
        return self._years

    def covers(self, year: int) -> bool:
        return year in self._years

    def is_working_day(self, d: date) -> bool:
        return bool(self._working[self._index(d)])

    def add_working_days(self, d: date, n: int) -> date:
        """The date ``n`` working days after ``d`` (``d`` itself not counted).

        ``n == 0`` returns ``d`` unchanged, even when ``d`` is a rest day. For a negative ``n``
        the result is the working day ``r`` before ``d`` such that ``(r, d]`` holds ``-n``
        working days, so from a rest day ``-1`` gives the working day before the last working
        day; that is what keeps ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        i = self._index(d)
        if n == 0:
            return d
        target = self._cumulative[i] + n
        if n > 0:
            if target > self._cumulative[-1]:
                raise MissingCalendarYear(self._first_missing(d.year, step=1))
            # The first day whose running count reaches the target is the working day itself.
            j = bisect_left(self._cumulative, target, i + 1)
        else:
            if target < 1:
                raise MissingCalendarYear(self._first_missing(d.year, step=-1))
            j = bisect_left(self._cumulative, target, 0, i)
        result = date.fromordinal(self._origin + j)
        self._check_years(d.year, result.year)
        return result

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``; negative (minus those in ``(b, a]``) when ``b < a``."""
        i = self._index(a)
        j = self._index(b)
        self._check_years(a.year, b.year)
        return self._cumulative[j] - self._cumulative[i]

    def next_working_day_on_or_after(self, d: date) -> date:
        """``d`` if it is a working day, else the first working day after it."""
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def _index(self, d: date) -> int:
        # A datetime would be silently truncated in whatever time zone it carries; deadlines
        # must be computed on the local (Asia/Shanghai) date, so the caller converts first.
        if isinstance(d, datetime):
            raise TypeError("Pass a date, not a datetime: convert to the local date first.")
        if d.year not in self._years:
            raise MissingCalendarYear(d.year)
        return d.toordinal() - self._origin

    def _check_years(self, from_year: int, to_year: int) -> None:
        """Refuse a span that crosses a year without data, naming the first one met."""
        if self._contiguous:
            return
        step = 1 if to_year >= from_year else -1
        for year in range(from_year, to_year + step, step):
            if year not in self._years:
                raise MissingCalendarYear(year)

    def _first_missing(self, from_year: int, step: int) -> int:
        year = from_year
        while year in self._years:
            year += step
        return year
