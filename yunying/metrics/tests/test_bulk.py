"""Agency-wide long-format imports: every account of the agency by its platform key, all or
nothing, idempotent, each problem by row and column (COPY on PostgreSQL, executemany on
SQLite: CI runs this file on both)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yunying.audit.models import AuditEntry
from yunying.metrics import bulk
from yunying.metrics.models import DailyMetric
from yunying.tenancy.scoping import SYSTEM
from yunying.testing import World

pytestmark = pytest.mark.django_db


def lines(world: World, extra: list[str] | None = None) -> list[str]:
    a1, a2 = (side.account for side in world.alpha.clients)
    rows = ["date,account,metric,value"]
    for day in range(1, 4):
        rows.append(f"2026-10-0{day},{a1.platform}:{a1.platform_id},reads,{day * 100}")
        rows.append(f"2026-10-0{day},{a2.platform}:{a2.platform_id},calls,{day}")
    return [row + "\n" for row in rows + (extra or [])]


def run(world: World, text: list[str]) -> bulk.BulkResult:
    return bulk.import_long(
        text, agency=world.alpha.agency, actor=SYSTEM, source="file", filename="all.csv"
    )


def test_rows_of_several_accounts_are_stored_for_each(world: World) -> None:
    result = run(world, lines(world))
    assert (result.rows, result.created, result.updated) == (6, 6, 0)
    a1 = world.alpha.clients[0].account
    stored = DailyMetric.objects.get(account=a1, date=dt.date(2026, 10, 2), metric="reads")
    assert stored.value == Decimal(200)
    assert stored.client_id == a1.client_id
    assert AuditEntry.objects.get(action="metrics.import_bulk").data["created"] == 6


def test_the_same_file_again_changes_nothing_and_a_new_value_updates(world: World) -> None:
    run(world, lines(world))
    again = run(world, lines(world))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert AuditEntry.objects.filter(action="metrics.import_bulk").count() == 1
    changed = [row.replace(",reads,300", ",reads,301") for row in lines(world)]
    result = run(world, changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 5)


def test_a_file_with_a_problem_writes_nothing_and_names_row_and_column(world: World) -> None:
    beta = world.beta.clients[0].account
    a1 = world.alpha.clients[0].account
    bad = [
        f"2026-10-09,{beta.platform}:{beta.platform_id},reads,5",  # another agency's account
        f"2026-10-32,{a1.platform}:{a1.platform_id},reads,5",
        f"2026-10-09,{a1.platform}:{a1.platform_id},roi,5",
        f"2026-10-10,{a1.platform}:{a1.platform_id},reads,-1",
        f"2026-10-01,{a1.platform}:{a1.platform_id},reads,100",  # row 2 again
    ]
    with pytest.raises(bulk.BulkRejected) as caught:
        run(world, lines(world, bad))
    problems = [(p.row, p.column) for p in caught.value.result.problems]
    assert problems == [(8, "account"), (9, "date"), (10, "metric"), (11, "value"), (12, "metric")]
    assert not DailyMetric.objects.exists()


def test_a_wrong_header_is_one_problem(world: World) -> None:
    with pytest.raises(bulk.BulkRejected) as caught:
        run(world, ["day,account,metric,value\n"])
    assert caught.value.result.problems[0].row == 1


def test_the_command_imports_and_exits_2_on_a_rejected_file(world: World, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("".join(lines(world)), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "metrics",
        "import-bulk",
        "--agency",
        world.alpha.agency.slug,
        "--json",
        str(good),
        stdout=out,
    )
    assert json.loads(out.getvalue())["created"] == 6
    bad = tmp_path / "bad.csv"
    bad.write_text("".join(lines(world, ["2026-10-05,nobody:x,reads,1"])), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "metrics",
            "import-bulk",
            "--agency",
            world.alpha.agency.slug,
            "--json",
            str(bad),
            stdout=out,
        )
    assert caught.value.returncode == 2
    payload = json.loads(out.getvalue())
    assert payload["problems"] == [
        {"row": 8, "column": "account", "message": "本服务商没有账号“nobody:x”"}
    ]
