"""``yunying workdays``: output, exit codes and the import path of the shell."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from yunying.audit.models import AuditEntry
from yunying.cli import main
from yunying.workdays.models import CalendarYear

from .helpers import CSV_2027, YAML_2027

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args: str) -> CommandError:
    with pytest.raises(CommandError) as info:
        run(*args)
    return info.value


def test_add_prints_only_the_date() -> None:
    assert run("add", "2026-09-30", "3") == ("2026-10-10\n", "")
    assert run("add", "2026-10-10", "-3")[0] == "2026-09-30\n"


def test_between_prints_the_count() -> None:
    assert run("between", "2026-09-30", "2026-10-10")[0] == "3\n"
    assert run("between", "2026-10-10", "2026-09-30")[0] == "-3\n"


def test_is_workday_prints_yes_or_no() -> None:
    assert run("is-workday", "2026-10-10")[0] == "yes\n"  # make-up Saturday
    assert run("is-workday", "2026-10-01")[0] == "no\n"


def test_years_lists_each_loaded_year_with_its_day_count_and_source() -> None:
    lines = run("years")[0].splitlines()
    assert [line.split("\t")[0] for line in lines] == [str(y) for y in range(2004, 2027)]
    assert "39 days" in lines[-1]
    assert "chinesecalendar" in lines[-1]


def test_a_missing_year_exits_2_naming_the_year() -> None:
    error = fails("add", "2026-12-30", "5")
    assert error.returncode == 2
    assert "2027" in str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (("add", "2026-13-01", "3"), "DATE"),
        (("add", "2026-09-30", "three"), "N"),
        (("add", "2026-09-30", "99999"), "N"),
        (("between", "2026-09-30", "tomorrow"), "END"),
        (("is-workday", "30.09.2026"), "DATE"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(args: tuple[str, ...], mentions: str) -> None:
    error = fails(*args)
    assert error.returncode == 2
    assert str(error).startswith(mentions)


def _shell(monkeypatch: pytest.MonkeyPatch, capsys: Any, *argv: str) -> tuple[int, str, str]:
    """Run like the ``yunying`` console script does, exit code and all."""
    # run_from_argv closes every connection afterwards; that would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_console_script_prints_the_date_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert _shell(monkeypatch, capsys, "workdays", "add", "2026-09-30", "3") == (
        0,
        "2026-10-10\n",
        "",
    )


def test_the_console_script_reports_a_missing_year_on_one_stderr_line_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, out, err = _shell(monkeypatch, capsys, "workdays", "add", "2026-12-30", "5")
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert "2027" in err


def test_the_console_script_exits_2_for_missing_arguments(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, _out, err = _shell(monkeypatch, capsys, "workdays", "add", "2026-09-30")
    assert code == 2
    assert "required: n" in err


def test_import_as_an_operator_stores_the_year(operator_user: Any, tmp_path: Path) -> None:
    path = tmp_path / "2027.yaml"
    path.write_text(YAML_2027, encoding="utf-8")

    out, _err = run("import", str(path), "--as", "operator")

    assert out == "2027: 13 days, imported\n"
    assert CalendarYear.objects.get(year=2027).imported_by == operator_user
    assert run("add", "2027-02-05", "1")[0] == "2027-02-15\n"
    assert run("import", str(path), "--as", "operator")[0] == "2027: 13 days, unchanged\n"


def test_import_takes_the_format_option_and_a_source(operator_user: Any, tmp_path: Path) -> None:
    path = tmp_path / "calendar.txt"
    path.write_text(CSV_2027, encoding="utf-8")
    assert fails("import", str(path), "--as", "operator").returncode == 2
    run("import", str(path), "--as", "operator", "--format", "csv", "--source", "通知")
    assert CalendarYear.objects.get(year=2027).source == "通知"


def test_import_without_an_operator_is_refused(
    operator_user: Any, staff_user: Any, tmp_path: Path
) -> None:
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    operator_user.is_active = False
    operator_user.save()
    for args in [(), ("--as", "staff"), ("--as", "operator"), ("--as", "nobody")]:
        error = fails("import", str(path), *args)
        assert error.returncode == 2
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.exists()


def test_import_of_a_bad_file_lists_each_problem_and_exits_1(
    operator_user: Any, tmp_path: Path
) -> None:
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n")
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("workdays", "import", str(path), "--as", "operator", stderr=err)
    assert info.value.returncode == 1
    assert err.getvalue().startswith("row 3: date: ")
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_of_a_missing_file_exits_2(operator_user: Any, tmp_path: Path) -> None:
    assert fails("import", str(tmp_path / "none.csv"), "--as", "operator").returncode == 2
