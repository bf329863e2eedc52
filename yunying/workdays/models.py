"""The PRC holiday calendar as stored data: one row per year with data, one per special day.

This is national reference data shared by every agency, so no row has an ``agency`` key and no
``visible_to`` scoping applies. Rows change only through
:func:`yunying.workdays.actions.import_calendar` (and the seed migration).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import DayKind


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days are known.

    A row exists exactly for the years that have data: a year without a row is a missing year,
    and working-day arithmetic that touches it refuses to answer. ``imported_at`` doubles as the
    cache version stamp (see :mod:`yunying.workdays.services`).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_(
            "Where the dates come from, for example the title of the State Council notice."
        ),
    )
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    day_count = models.PositiveIntegerField(
        _("number of days"),
        default=0,
        help_text=_("Holidays plus make-up working days stored for this year."),
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A date that departs from the Monday-to-Friday rule: a holiday or a make-up working day.

    The date always lies in the year of ``calendar_year``; the import checks it, so that
    replacing a year replaces exactly its days.
    """

    calendar_year = models.ForeignKey(
        CalendarYear,
        on_delete=models.CASCADE,
        related_name="days",
        verbose_name=_("calendar year"),
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(
        _("name"), max_length=64, help_text=_("The holiday, for example 国庆节.")
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DayKind.values), name="workdays_calendarday_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"
