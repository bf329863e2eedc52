"""Seed the holidays and make-up working days of 2004-2026 from the pinned chinesecalendar package.

Only these years are loaded, whatever the installed package version holds, so that a package
upgrade never changes deadlines already computed; later years come from the documented import.
An English name this migration does not know stops it instead of storing an untranslated name.
"""

from importlib.metadata import version

from django.db import migrations
from django.utils import timezone

FIRST_YEAR, LAST_YEAR = 2004, 2026

CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    # The one-off of 2015 (3-4 September off, 6 September worked).
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed(apps, schema_editor):
    from chinese_calendar import constants

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    tables = (("holiday", constants.holidays), ("makeup_workday", constants.workdays))
    unknown = {str(name) for _, table in tables for name in table.values()} - set(CHINESE_NAMES)
    if unknown:
        raise RuntimeError(f"chinesecalendar holiday names without a Chinese name: {unknown}")

    source = f"chinesecalendar {version('chinesecalendar')}（国务院办公厅部分节假日安排通知）"
    now = timezone.now()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        rows = sorted(
            (day, kind, CHINESE_NAMES[str(name)])
            for kind, table in tables
            for day, name in table.items()
            if day.year == year
        )
        calendar_year = CalendarYear.objects.create(
            year=year, source=source, imported_at=now, day_count=len(rows)
        )
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, date=day, kind=kind, name=name)
            for day, kind, name in rows
        )


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarYear").objects.filter(
        year__gte=FIRST_YEAR, year__lte=LAST_YEAR
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
