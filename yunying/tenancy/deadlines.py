"""Response deadlines for requests that wait on the client, in PRC working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from yunying.workdays.calendar import MissingCalendarYear
from yunying.workdays.services import add_working_days

from .choices import ChangeRequestStatus


@dataclass(frozen=True)
class ResponseDeadline:
    """When the client should answer, and the rule and inputs that give that date."""

    requested_on: date
    working_days: int
    due: date | None
    missing_year: int | None
    is_open: bool

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due is not None and timezone.localdate() > self.due

    @property
    def explanation(self) -> str:
        if self.due is None:
            return _(
                "%(start)s + %(n)d working days: the %(year)d holiday calendar is not loaded yet."
            ) % {"start": self.requested_on, "n": self.working_days, "year": self.missing_year}
        return _("%(start)s + %(n)d working days = %(due)s") % {
            "start": self.requested_on,
            "n": self.working_days,
            "due": self.due,
        }


def response_deadline(requested_at: datetime, working_days: int, status: str) -> ResponseDeadline:
    requested_on = timezone.localdate(requested_at)
    try:
        due: date | None = add_working_days(requested_on, working_days)
        missing = None
    except MissingCalendarYear as exc:
        due, missing = None, exc.year
    return ResponseDeadline(
        requested_on=requested_on,
        working_days=working_days,
        due=due,
        missing_year=missing,
        is_open=status == ChangeRequestStatus.PENDING,
    )
