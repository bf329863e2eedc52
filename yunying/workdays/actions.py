"""The one write path of the working-day calendar: importing years from a file."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yunying.audit.actions import record
from yunying.tenancy.scoping import Actor

from .importing import Format, ImportedYear, parse_import
from .models import CalendarDay, CalendarYear
from .services import clear_cache_on_commit


def import_calendar(
    text: str, *, fmt: Format, actor: Actor, source: str = ""
) -> list[CalendarYear]:
    """Replace the holidays and make-up working days of every year in ``text``.

    ``fmt`` is ``"yaml"`` or ``"csv"`` (see IMPORT_FORMAT.md). Only a platform operator may
    import (``PermissionDenied`` otherwise). The whole file is checked before anything is
    written; any problem raises one ``ValidationError`` keyed by location (``"row 3: date"``)
    and nothing is stored. Each year in the file then replaces that year's stored days, all in
    one transaction; a year whose days and source are already exactly stored is left alone, so
    importing the same file twice changes nothing. ``source`` is the fallback source text of
    each year (YAML files may name their own) and the reason of the audit entry, which is
    written for every import, changed or not.

    Returns the stored rows of the file's years, in year order.
    """
    if not actor.is_operator:
        raise PermissionDenied(_("Only a platform operator may import the holiday calendar."))
    parsed = parse_import(text, fmt=fmt, source=source)

    with transaction.atomic():
        stored = {
            row.year: row
            for row in CalendarYear.objects.select_for_update().filter(
                year__in=[year.year for year in parsed]
            )
        }
        now = timezone.now()
        changed: list[int] = []
        result: list[CalendarYear] = []
        for year in parsed:
            row = stored.get(year.year)
            if row is None or not _is_stored(row, year):
                row = _replace_year(row, year, actor, now)
                changed.append(year.year)
            result.append(row)
        record(
            actor=actor,
            action="calendar.import",
            data={
                "years": [year.year for year in parsed],
                "days": sum(len(year.days) for year in parsed),
                "changed_years": changed,
            },
            reason=source or "; ".join(sorted({y.source for y in parsed if y.source})),
        )
        if changed:
            clear_cache_on_commit()
    return result


def _is_stored(row: CalendarYear, year: ImportedYear) -> bool:
    stored_days = set(row.days.values_list("date", "kind", "name"))
    wanted = {(day.date, day.kind, day.name) for day in year.days.values()}
    return row.source == year.source and stored_days == wanted


def _replace_year(
    row: CalendarYear | None, year: ImportedYear, actor: Actor, now: datetime
) -> CalendarYear:
    if row is None:
        row = CalendarYear(year=year.year)
    row.source = year.source
    # A new imported_at is what tells other processes' caches that the year changed.
    row.imported_at = now
    row.imported_by = actor.user
    row.day_count = len(year.days)
    row.save()
    CalendarDay.objects.filter(calendar_year=row).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar_year=row, date=day.date, kind=day.kind, name=day.name)
        for day in year.sorted_days()
    )
    return row
