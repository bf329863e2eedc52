"""The content plan in plain Python: calendar grids, push-slot rows, the weekday column plan and
quota arithmetic.

Nothing here imports Django, so the numbers the quota page shows can be checked by hand and tested
fast. The views turn rows into the small values below (dates, times, stages, likes) and back.

Weeks run Monday to Sunday (ISO). A quota's weekly figures cover only the weeks lying wholly
inside the month, as the settlement engine counts them (``settlement.engine`` ``_weeks``): a week
that straddles two months belongs to neither month's weekly check.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


# --- Dates -----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(text: str | None) -> dt.date | None:
    """``"2026-10"`` → 2026-10-01; None for anything else."""
    try:
        year, month = (int(part) for part in (text or "").strip().split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return None


def parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_days(day: dt.date) -> list[dt.date]:
    """Monday to Sunday of the week holding ``day``."""
    monday = monday_of(day)
    return [monday + dt.timedelta(days=i) for i in range(7)]


def month_weeks(day: dt.date) -> list[list[dt.date]]:
    """The weeks (Monday to Sunday) a month view shows for the month of ``day``: from the week of
    the 1st to the week of the last day, so leading and trailing days of the neighbouring months
    fill the first and last rows."""
    first, last = month_start(day), month_end(day)
    weeks = []
    monday = monday_of(first)
    while monday <= last:
        weeks.append(week_days(monday))
        monday += dt.timedelta(days=7)
    return weeks


def weeks_inside(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Mondays of the weeks lying wholly within ``first``..``last`` (the engine's rule)."""
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    mondays = []
    while monday + dt.timedelta(days=6) <= last:
        mondays.append(monday)
        monday += dt.timedelta(days=7)
    return mondays


# --- Push slots and the column plan ----------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A push slot: a time of day (11:00) or a window (15:00–17:00), both ends included."""

    starts_at: dt.time
    ends_at: dt.time | None = None

    def holds(self, moment: dt.time) -> bool:
        # Minutes are the calendar's precision: 20:00:30 is still the 20:00 push.
        minute = moment.replace(second=0, microsecond=0, tzinfo=None)
        if self.ends_at is None:
            return minute == self.starts_at
        return self.starts_at <= minute <= self.ends_at


def slot_of(moment: dt.time, slots: Sequence[Slot]) -> Slot | None:
    """The first of ``slots`` (in their order) that holds ``moment``; None for other times."""
    return next((slot for slot in slots if slot.holds(moment)), None)


@dataclass(frozen=True)
class PlannedColumn:
    """A column and the ISO weekdays (1 = Monday … 7 = Sunday) it runs on."""

    id: int
    weekdays: frozenset[int]

    def runs_on(self, day: dt.date) -> bool:
        return day.isoweekday() in self.weekdays


def unfilled(
    columns: Iterable[PlannedColumn], days: Iterable[dt.date], filled: set[tuple[int, dt.date]]
) -> set[tuple[int, dt.date]]:
    """The (column, day) pairs the plan asks for that no item fills yet."""
    return {
        (column.id, day)
        for day in days
        for column in columns
        if column.runs_on(day) and (column.id, day) not in filled
    }


# --- Quotas ----------------------------------------------------------------------------------


class Stage:
    """How far an item has come, as a quota sees it."""

    # Anywhere from collected to client review (or returned for revision).
    PREPARING = "preparing"
    # Approved by the client and waiting for its slot.
    APPROVED = "approved"
    # Live on the platform (or archived after).
    PUBLISHED = "published"


class Status:
    """Where a quota stands for a period."""

    # Enough items are counted already.
    MET = "met"
    # Published and planned items together cover the quota.
    ON_TRACK = "on_track"
    # Items are missing, but there are enough push slots left to publish them.
    AT_RISK = "at_risk"
    # More items are missing than push slots are left: the period cannot be met any more.
    CANNOT_BE_MET = "cannot_be_met"
    # The period is over with items missing.
    MISSED = "missed"


@dataclass(frozen=True)
class Entry:
    """One item toward a quota.

    ``day`` is the item's date of record: its publishing date once published, its planned date
    before. ``likes`` is what the platform last reported, None when no post data matched yet.
    """

    stage: str
    day: dt.date
    likes: int | None = None


@dataclass(frozen=True)
class Tally:
    """A quota's figures for one period, and the numbers behind its status.

    ``planned`` ⊇ ``approved`` ⊇ ``published`` ⊇ ``counted``: every figure counts the items
    dated in the period that have come at least that far.
    """

    required: int
    min_likes: int
    planned: int
    approved: int
    published: int
    # Published with at least ``min_likes`` likes on record.
    counted: int
    # Published, but no post data yet: they count once the likes are known to reach the bar.
    awaiting: int
    # Published with fewer likes than the bar (so far): not counted.
    below: int
    # Not yet published and dated from today to the end of the period.
    approved_ahead: int
    preparing_ahead: int
    # Not yet published although dated before today: late, so not relied on.
    overdue: int
    # Days from today (included) to the end of the period; 0 once it is over.
    days_left: int
    # Items the account can publish a day (its push slots, at least 1).
    per_day: int

    @property
    def delivered(self) -> int:
        """Published items that count or may still count (their likes are not known yet)."""
        return self.counted + self.awaiting

    @property
    def ahead(self) -> int:
        return self.approved_ahead + self.preparing_ahead

    @property
    def missing(self) -> int:
        """Items nobody has planned yet: required − delivered − ahead (never below 0)."""
        return max(self.required - self.delivered - self.ahead, 0)

    @property
    def room(self) -> int:
        """How many more items the remaining push slots could take."""
        return self.days_left * self.per_day

    @property
    def status(self) -> str:
        if self.counted >= self.required:
            return Status.MET
        if self.missing == 0:
            return Status.ON_TRACK
        if self.missing > self.room:
            return Status.MISSED if self.days_left == 0 else Status.CANNOT_BE_MET
        return Status.AT_RISK


def days_left(first: dt.date, last: dt.date, today: dt.date) -> int:
    """Days of ``first``..``last`` from ``today`` on, today included."""
    if today > last:
        return 0
    return (last - max(first, today)).days + 1


def tally(
    entries: Iterable[Entry],
    *,
    first: dt.date,
    last: dt.date,
    today: dt.date,
    required: int,
    min_likes: int = 0,
    per_day: int = 1,
) -> Tally:
    """The figures of a quota of ``required`` items for the period ``first``..``last``."""
    inside = [e for e in entries if first <= e.day <= last]
    published = [e for e in inside if e.stage == Stage.PUBLISHED]
    waiting = [e for e in inside if e.stage != Stage.PUBLISHED]
    ahead = [e for e in waiting if e.day >= today]
    return Tally(
        required=required,
        min_likes=min_likes,
        planned=len(inside),
        approved=sum(e.stage != Stage.PREPARING for e in inside),
        published=len(published),
        counted=sum(e.likes is not None and e.likes >= min_likes for e in published),
        awaiting=sum(e.likes is None for e in published),
        below=sum(e.likes is not None and e.likes < min_likes for e in published),
        approved_ahead=sum(e.stage == Stage.APPROVED for e in ahead),
        preparing_ahead=sum(e.stage == Stage.PREPARING for e in ahead),
        overdue=len(waiting) - len(ahead),
        days_left=days_left(first, last, today),
        per_day=max(per_day, 1),
    )
