"""Dates a contract's terms put in front of the team, each explaining how it was computed.

Pure: imports nothing from Django, so the arithmetic is tested without a database and the daily
task, the contract page and the CLI all agree. Working days come in as a function
(``add_working_days``) because the calendar lives in the database. Texts are Chinese like the
messages of :mod:`yunying.contracts.terms`: they describe the computation, which the page shows
as it is; notifications are composed from codes instead (``notify/messages.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from yunying.contracts.terms import AddWorkingDays, Terms, one_off_due_dates

RENEWAL_OPENS = "renewal_opens"
REPORT_DAY = "report_day"
PAYMENT_DAY = "payment_day"
ONE_OFF_DUE = "one_off_due"
CONTRACT_END = "contract_end"
# A date that could not be computed because the holiday calendar lacks a year.
CALENDAR_MISSING = "calendar_missing"

KINDS = (RENEWAL_OPENS, REPORT_DAY, PAYMENT_DAY, ONE_OFF_DUE, CONTRACT_END, CALENDAR_MISSING)
# Kinds that concern money: finance is told as well as the team.
MONEY_KINDS = frozenset({PAYMENT_DAY, ONE_OFF_DUE})
# How many days ahead a reminder is sent as a notification. The page shows the whole horizon;
# a notification 45 days before a monthly report day would only be noise.
NOTICE_DAYS: dict[str, int] = {
    RENEWAL_OPENS: 14,
    REPORT_DAY: 3,
    PAYMENT_DAY: 3,
    ONE_OFF_DUE: 5,
    CONTRACT_END: 30,
}


@dataclass(frozen=True)
class Reminder:
    """Something falling due on ``date``; ``explanation`` shows the arithmetic behind the date."""

    date: dt.date
    kind: str
    message: str
    explanation: str
    # Tells apart two reminders of one kind on one date (the fee's label, the month reported).
    ref: str = ""

    @property
    def key(self) -> str:
        """Stable identity: the same reminder computed on another day has the same key."""
        return f"{self.kind}:{self.date.isoformat()}:{self.ref}"


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _contract_months(terms: Terms) -> list[tuple[int, int]]:
    start, end = terms.period.start, terms.period.end
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = _month_after(year, month)
    return months


def _monthly(
    terms: Terms, day: int, kind: str, what: str, first: dt.date, last: dt.date
) -> list[Reminder]:
    # The data and the money of a contract month fall due in the following month, so the
    # last month of the contract is reported and paid after the period has ended.
    out = []
    for year, month in _contract_months(terms):
        due_year, due_month = _month_after(year, month)
        due = dt.date(due_year, due_month, day)
        if first <= due <= last:
            label = f"{year}-{month:02d}"
            out.append(
                Reminder(
                    date=due,
                    kind=kind,
                    message=f"{label} 月{what}截止",
                    explanation=f"{label} 月的{what}：次月 {day} 日前 = {due.isoformat()}",
                    ref=label,
                )
            )
    return out


def upcoming(
    terms: Terms,
    *,
    today: dt.date,
    horizon_days: int = 45,
    add_working_days: AddWorkingDays,
) -> list[Reminder]:
    """What falls due from ``today`` to ``today + horizon_days`` (both included), by date."""
    last = today + dt.timedelta(days=horizon_days)
    period = terms.period
    found: list[Reminder] = []
    if terms.renewal_notice_days is not None:
        opens = period.end - dt.timedelta(days=terms.renewal_notice_days)
        found.append(
            Reminder(
                date=opens,
                kind=RENEWAL_OPENS,
                message="续约通知期开始：如需续约或不再续约，应在此日起通知对方",
                explanation=(
                    f"{period.end.isoformat()} − {terms.renewal_notice_days} 天续约通知期"
                    f" = {opens.isoformat()}"
                ),
            )
        )
    if terms.windows.report_day is not None:
        found += _monthly(terms, terms.windows.report_day, REPORT_DAY, "数据报送", today, last)
    if terms.windows.payment_day is not None:
        found += _monthly(terms, terms.windows.payment_day, PAYMENT_DAY, "付款", today, last)
    try:
        dues = one_off_due_dates(terms, add_working_days)
    except LookupError as exc:  # MissingCalendarYear: say so rather than drop the fee silently
        dues = []
        found.append(
            Reminder(
                date=today,
                kind=CALENDAR_MISSING,
                message="一次性费用的到期日无法计算：缺少节假日日历",
                explanation=str(exc),
            )
        )
    for fee, due in dues:
        found.append(
            Reminder(
                date=due,
                kind=ONE_OFF_DUE,
                message=f"一次性费用“{fee.label}”{fee.amount} 元到期",
                explanation=(
                    f"签约日 {terms.signed_on} + {fee.due_working_days} 个工作日"
                    f" = {due.isoformat()}"
                ),
                ref=fee.label,
            )
        )
    found.append(
        Reminder(
            date=period.end,
            kind=CONTRACT_END,
            message="合同到期",
            explanation=f"合同期限 {period.start.isoformat()} 至 {period.end.isoformat()}",
        )
    )
    return sorted(
        (r for r in found if today <= r.date <= last), key=lambda r: (r.date, KINDS.index(r.kind))
    )


def across_versions(
    versions: Sequence[tuple[dt.date, Terms]],
    *,
    today: dt.date,
    horizon_days: int = 45,
    add_working_days: AddWorkingDays,
) -> list[Reminder]:
    """Reminders of a contract with amendments: each date follows the version in force on it.

    ``versions`` are ``(effective_from, terms)`` in order. A reminder computed from one version
    counts only within that version's months, so an amendment that extends the period replaces
    the old end date instead of adding a second one.
    """
    out: list[Reminder] = []
    for index, (start, terms) in enumerate(versions):
        until = versions[index + 1][0] if index + 1 < len(versions) else dt.date.max
        # The first version also covers what falls due before the period starts (fees at signing).
        start = dt.date.min if index == 0 else start
        for reminder in upcoming(
            terms, today=today, horizon_days=horizon_days, add_working_days=add_working_days
        ):
            # A missing calendar year is news whichever version asked.
            in_force = start <= reminder.date < until or (
                reminder.kind == CALENDAR_MISSING and index + 1 == len(versions)
            )
            if in_force:
                out.append(reminder)
    return sorted(out, key=lambda r: (r.date, KINDS.index(r.kind)))


def due_for_notice(reminder: Reminder, today: dt.date) -> bool:
    """Whether the daily task should tell people now (a missed day still tells them later)."""
    lead = NOTICE_DAYS.get(reminder.kind)
    return lead is not None and today <= reminder.date <= today + dt.timedelta(days=lead)
