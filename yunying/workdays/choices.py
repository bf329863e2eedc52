"""Kinds of days in the working-day calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """Why a date departs from the Monday-to-Friday rule. Machine names are used in imports."""

    # A statutory holiday (法定节假日) or a day of its block; a rest day even on a weekday.
    HOLIDAY = "holiday", _("Holiday")
    # A Saturday or Sunday declared a working day to pay for a holiday block (调休上班).
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")
