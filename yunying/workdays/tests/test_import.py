"""Importing later years: formats, replacement, idempotence, validation, permission, audit."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yunying.audit.models import AuditEntry
from yunying.tenancy.scoping import SYSTEM, Actor
from yunying.workdays import actions, services
from yunying.workdays.calendar import MissingCalendarYear
from yunying.workdays.choices import DayKind
from yunying.workdays.models import CalendarDay, CalendarYear

from .helpers import CSV_2027, SPRING_2027_MAKEUP, YAML_2027, YAML_2027_DAYS

pytestmark = pytest.mark.django_db

FORMAT_DOC = Path(__file__).resolve().parent.parent / "IMPORT_FORMAT.md"


def snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    """Everything an import could write."""
    return (
        list(CalendarYear.objects.values_list("year", "source", "imported_at", "day_count")),
        list(CalendarDay.objects.values_list("id", "date", "kind", "name")),
        AuditEntry.objects.count(),
    )


def doc_example(language: str) -> str:
    """The first fenced example of a language in IMPORT_FORMAT.md."""
    match = re.search(rf"```{language}\n(.*?)```", FORMAT_DOC.read_text(), re.DOTALL)
    assert match is not None
    return match.group(1)


def test_yaml_import_stores_the_year_and_answers_deadlines_into_it(operator: Actor) -> None:
    with pytest.raises(MissingCalendarYear):
        services.add_working_days(date(2027, 2, 5), 1)

    rows = actions.import_calendar(YAML_2027, fmt="yaml", actor=operator)

    assert [row.year for row in rows] == [2027]
    year = CalendarYear.objects.get(year=2027)
    assert year.source == "测试通知 2027"
    assert year.day_count == YAML_2027_DAYS
    assert year.imported_by == operator.user
    assert CalendarDay.objects.filter(calendar_year=year).count() == YAML_2027_DAYS
    assert CalendarDay.objects.get(date=SPRING_2027_MAKEUP).kind == DayKind.MAKEUP_WORKDAY
    # Friday 5 Feb, then 6-14 Feb off: the next working day is Monday 15 February.
    assert services.add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 15)
    assert services.is_working_day(SPRING_2027_MAKEUP)


def test_csv_import_stores_the_years_of_its_dates(operator: Actor) -> None:
    actions.import_calendar(CSV_2027, fmt="csv", actor=operator, source="CSV 2027")

    year = CalendarYear.objects.get(year=2027)
    assert year.source == "CSV 2027"
    assert set(CalendarDay.objects.filter(calendar_year=year).values_list("date", "kind")) == {
        (date(2027, 1, 1), "holiday"),
        (date(2027, 2, 8), "holiday"),
        (date(2027, 2, 20), "makeup_workday"),
    }


def test_the_documented_examples_import_cleanly(operator: Actor) -> None:
    actions.import_calendar(doc_example("yaml"), fmt="yaml", actor=operator)
    assert CalendarYear.objects.get(year=2027).day_count == 3 + 9 + 3 + 5 + 1 + 1 + 7 + 5
    actions.import_calendar(doc_example("csv"), fmt="csv", actor=operator)
    assert CalendarYear.objects.get(year=2027).day_count == 15


def test_a_file_may_hold_several_years_as_a_list_or_as_documents(operator: Actor) -> None:
    as_list = "- year: 2027\n  holidays: [{name: 元旦, dates: [2027-01-01]}]\n" + (
        "- year: 2028\n  holidays: [{name: 元旦, dates: [2028-01-01]}]\n"
    )
    rows = actions.import_calendar(as_list, fmt="yaml", actor=operator)
    assert [row.year for row in rows] == [2027, 2028]
    as_documents = "year: 2029\nholidays: [{name: 元旦, dates: [2029-01-01]}]\n---\n" + (
        "year: 2030\nholidays: [{name: 元旦, dates: [2030-01-01]}]\n"
    )
    rows = actions.import_calendar(as_documents, fmt="yaml", actor=operator)
    assert [row.year for row in rows] == [2029, 2030]


def test_importing_the_same_file_twice_changes_nothing(operator: Actor) -> None:
    actions.import_calendar(YAML_2027, fmt="yaml", actor=operator)
    years, days, audits = snapshot()

    actions.import_calendar(YAML_2027, fmt="yaml", actor=operator)

    assert snapshot() == (years, days, audits + 1)
    entry = AuditEntry.objects.filter(action="calendar.import").order_by("-seq").first()
    assert entry is not None
    assert entry.data["changed_years"] == []


def test_importing_a_year_replaces_all_of_its_days_and_no_other_year(operator: Actor) -> None:
    actions.import_calendar(YAML_2027, fmt="yaml", actor=operator)
    year_2026 = list(CalendarDay.objects.filter(date__year=2026).values_list("id", "date"))

    actions.import_calendar(
        "year: 2027\nholidays:\n  - name: 元旦\n    dates: [2027-01-01]\n",
        fmt="yaml",
        actor=operator,
    )

    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        date(2027, 1, 1)
    ]
    assert CalendarYear.objects.get(year=2027).day_count == 1
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("id", "date")) == year_2026
    assert services.is_working_day(date(2027, 2, 8))


def test_a_seeded_year_can_be_corrected(operator: Actor) -> None:
    text = "\n".join(
        ["date,kind,name"]
        + [f"2026-10-0{d},holiday,国庆节" for d in range(1, 8)]
        + ["2026-10-11,makeup_workday,国庆节"]
    )
    actions.import_calendar(text, fmt="csv", actor=operator)

    assert CalendarYear.objects.get(year=2026).day_count == 8
    assert not services.is_working_day(date(2026, 10, 10))
    assert services.is_working_day(date(2026, 10, 11))
    assert services.is_working_day(date(2026, 2, 16))  # Spring Festival is gone from 2026 now


def test_every_import_is_audited_without_an_agency(operator: Actor) -> None:
    actions.import_calendar(YAML_2027, fmt="yaml", actor=operator, source="国务院通知")

    entry = AuditEntry.objects.get(action="calendar.import")
    assert entry.data == {"years": [2027], "days": YAML_2027_DAYS, "changed_years": [2027]}
    assert entry.reason == "国务院通知"
    assert entry.agency_id is None
    assert entry.actor_id == operator.user.pk  # type: ignore[union-attr]


@pytest.mark.parametrize("who", ["staff", "system"])
def test_only_a_platform_operator_may_import(who: str, staff: Actor) -> None:
    actor = staff if who == "staff" else SYSTEM
    before = snapshot()
    with pytest.raises(PermissionDenied):
        actions.import_calendar(YAML_2027, fmt="yaml", actor=actor)
    assert snapshot() == before


def test_a_failure_while_writing_rolls_back_every_year(
    operator: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = CSV_2027 + "2026-10-01,holiday,国庆节\n"  # replaces 2026 and adds 2027

    def broken_audit(**kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(actions, "record", broken_audit)
    before = snapshot()
    with pytest.raises(RuntimeError):
        actions.import_calendar(text, fmt="csv", actor=operator)
    assert snapshot() == before
    assert services.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


BAD_FILES = [
    pytest.param("csv", "", "file", "empty", id="empty csv"),
    pytest.param("yaml", "  \n", "file", "empty", id="empty yaml"),
    pytest.param("csv", "date,kind,name\n", "file", "no dates", id="header only"),
    pytest.param("yaml", "# nothing\n", "file", "empty", id="yaml comment only"),
    pytest.param(
        "csv",
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n",
        "row 3: date",
        "“2027-02-30”",
        id="csv impossible date",
    ),
    pytest.param(
        "csv",
        "date,kind,name\n2027-01-01,holiday,元旦\n27/02/2027,holiday,春节\n",
        "row 3: date",
        "YYYY-MM-DD",
        id="csv wrong date form",
    ),
    pytest.param(
        "csv",
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节\n",
        "row 3: kind",
        "“workday”",
        id="csv unknown kind",
    ),
    pytest.param(
        "csv",
        "date,kind,name\n2027-02-20,holiday,春节\n2027-02-20,makeup_workday,春节\n",
        "row 3: date",
        "both a holiday and a make-up working day",
        id="csv holiday also make-up",
    ),
    pytest.param(
        "csv",
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-17,makeup_workday,春节\n",
        "row 3: date",
        "Saturday or Sunday",
        id="csv make-up on a weekday",
    ),
    pytest.param(
        "csv",
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-01,holiday,元旦\n",
        "row 3: date",
        "listed twice",
        id="csv duplicate",
    ),
    pytest.param(
        "csv",
        "date,kind,name\n2027-01-01,holiday,\n",
        "row 2: name",
        "name is required",
        id="csv missing name",
    ),
    pytest.param(
        "csv",
        "date,kind,name\n2027-01-01,holiday,元旦,extra\n",
        "row 2: columns",
        "3 columns",
        id="csv extra column",
    ),
    pytest.param(
        "csv",
        "when,what\n2027-01-01,holiday\n",
        "row 1: header",
        "date,kind,name",
        id="csv wrong header",
    ),
    pytest.param(
        "csv",
        "date,kind,name\n2027-01-01,holiday,元旦\n2028-01-08,makeup_workday,元旦\n",
        "file",
        "2028 has no holidays",
        id="csv year without holidays",
    ),
    pytest.param(
        "yaml",
        "year: 2027\nholidays:\n  - name: 元旦\n    dates: [2026-12-31]\n",
        "line 4: dates",
        "outside the year 2027",
        id="yaml date outside the year",
    ),
    pytest.param(
        "yaml",
        "year: 2027\nholidays:\n  - name: 元旦\n    from: 2027-01-01\n    to: 2027-02-30\n",
        "line 5: to",
        "“2027-02-30”",
        id="yaml impossible date",
    ),
    pytest.param(
        "yaml",
        "year: 2027\nholidays:\n  - name: 春节\n    dates:\n      - 2027-02-08\n"
        "makeup_workdays:\n  - name: 春节\n    dates:\n      - 2027-02-10\n",
        "line 9: dates",
        "Saturday or Sunday",
        id="yaml make-up on a weekday",
    ),
    pytest.param(
        "yaml",
        "year: 2027\nholidays:\n  - name: 春节\n    from: 2027-02-06\n    to: 2027-02-14\n"
        "makeup_workdays:\n  - name: 春节\n    dates: [2027-02-13]\n",
        "line 8: dates",
        "both a holiday and a make-up working day (see also line 4)",
        id="yaml holiday also make-up",
    ),
    pytest.param(
        "yaml",
        "year: 2027\nholidays:\n  - name: 春节\n    from: 2027-02-14\n    to: 2027-02-06\n",
        "line 5: to",
        "ends before it starts",
        id="yaml reversed range",
    ),
    pytest.param(
        "yaml",
        "year: 2027\nholidays:\n  - dates: [2027-01-01]\n",
        "line 3: name",
        "name is required",
        id="yaml missing name",
    ),
    pytest.param(
        "yaml",
        "year: 2027\nholidays:\n  - name: 元旦\n    dates: [2027-01-01]\nmakeup_workday:\n  - x\n",
        "line 5: makeup_workday",
        "Unknown key",
        id="yaml misspelt key",
    ),
    pytest.param(
        "yaml",
        "holidays:\n  - name: 元旦\n    dates: [2027-01-01]\n",
        "line 1: year",
        "year such as 2027",
        id="yaml without year",
    ),
    pytest.param(
        "yaml",
        "year: 2027\nsource: " + "通知" * 200 + "\nholidays: [{name: 元旦, dates: [2027-01-01]}]\n",
        "line 2: source",
        "longer than 255",
        id="yaml source too long",
    ),
    pytest.param(
        "yaml",
        "year: 2027\nholidays:\n  - name: 元旦\n    dates: [2027-01-01\n",
        "syntax",
        "Not valid YAML",
        id="yaml syntax error",
    ),
]


@pytest.mark.parametrize(("fmt", "text", "location", "fragment"), BAD_FILES)
def test_a_bad_file_names_row_and_field_and_writes_nothing(
    operator: Actor, fmt: str, text: str, location: str, fragment: str
) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        actions.import_calendar(text, fmt=fmt, actor=operator)  # type: ignore[arg-type]
    errors = info.value.message_dict
    matching = [key for key in errors if key == location or key.endswith(f": {location}")]
    assert matching, errors
    assert any(fragment in message for message in errors[matching[0]]), errors
    assert snapshot() == before


def test_good_years_are_not_written_when_another_year_in_the_file_is_bad(
    operator: Actor,
) -> None:
    text = YAML_2027 + "---\nyear: 2028\nholidays:\n  - name: 元旦\n    dates: [2028-13-01]\n"
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        actions.import_calendar(text, fmt="yaml", actor=operator)
    assert list(info.value.message_dict) == ["line 17: dates"]
    assert snapshot() == before


def test_every_problem_of_a_file_is_reported_at_once(operator: Actor) -> None:
    text = "date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n2027-01-02,day,元旦\n"
    with pytest.raises(ValidationError) as info:
        actions.import_calendar(text, fmt="csv", actor=operator)
    assert set(info.value.message_dict) == {"row 3: date", "row 4: kind"}


def test_an_unknown_format_is_refused(operator: Actor) -> None:
    with pytest.raises(ValidationError) as info:
        actions.import_calendar(CSV_2027, fmt="xlsx", actor=operator)  # type: ignore[arg-type]
    assert "format" in info.value.message_dict
