"""Seed the holiday calendar for 2004-2026 from the pinned ``chinesecalendar`` package.

Only these years, even if a later package version knows more: later years arrive through the
documented import, so that a package upgrade never changes deadlines already computed.
"""

from django.db import migrations
from django.utils import timezone

FIRST_YEAR, LAST_YEAR = 2004, 2026
SOURCE = "chinesecalendar 1.11.0 (国务院办公厅节假日安排通知)"
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed(apps, schema_editor):
    from chinese_calendar import constants

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    now = timezone.now()
    years = {
        y: CalendarYear.objects.create(year=y, source=SOURCE, imported_at=now)
        for y in range(FIRST_YEAR, LAST_YEAR + 1)
    }
    days = []
    for kind, table in (("holiday", constants.holidays), ("makeup_workday", constants.workdays)):
        for day, name in table.items():
            if FIRST_YEAR <= day.year <= LAST_YEAR:
                label = NAMES[str(name)]
                days.append(CalendarDay(calendar_year=years[day.year], date=day, kind=kind, name=label))
    CalendarDay.objects.bulk_create(days, batch_size=500)
    for year in years.values():
        year.day_count = CalendarDay.objects.filter(calendar_year=year).count()
        year.save(update_fields=["day_count"])


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarYear").objects.filter(
        year__gte=FIRST_YEAR, year__lte=LAST_YEAR
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
