"""Agency-wide long-format imports: every account of the agency by its platform key, all or
nothing, idempotent, each problem by row and column (COPY on PostgreSQL, executemany on
SQLite: CI runs this file on both)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yunying.accounts.actions import track_competitor
from yunying.accounts.models import PlatformAccount
from yunying.audit.models import AuditEntry
from yunying.metrics import bulk
from yunying.metrics.models import DailyMetric
from yunying.tenancy.scoping import SYSTEM
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db


def lines(world: World, extra: list[str] | None = None) -> list[str]:
    a1, a2 = (side.account for side in world.alpha.clients)
    rows = ["date,account,metric,value"]
    for day in range(1, 4):
        rows.append(f"2026-10-0{day},{a1.platform}:{a1.platform_id},reads,{day * 100}")
        rows.append(f"2026-10-0{day},{a2.platform}:{a2.platform_id},calls,{day}")
    return [row + "\n" for row in rows + (extra or [])]


def run(world: World, text: Iterable[str]) -> bulk.BulkResult:
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


def key(account: PlatformAccount) -> str:
    return f"{account.platform}:{account.platform_id}"


def stored(account: PlatformAccount) -> dict[tuple[dt.date, str], Decimal]:
    return {
        (row.date, row.metric): row.value for row in DailyMetric.objects.filter(account=account)
    }


def test_a_first_import_inserts_without_merging_and_the_same_file_again_changes_nothing(
    world: World,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite always merges")
    with CaptureQueriesContext(connection) as first:
        result = run(world, lines(world))
    assert (result.created, result.updated) == (6, 0)
    assert not [query for query in first.captured_queries if "ON CONFLICT" in query["sql"]]
    with CaptureQueriesContext(connection) as second:
        again = run(world, lines(world))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert [query for query in second.captured_queries if "ON CONFLICT" in query["sql"]]


def test_batches_of_new_accounts_and_of_accounts_with_values_each_store_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 2)
    a1, a2 = (side.account for side in world.alpha.clients)
    header = "date,account,metric,value\n"
    run(world, [header] + [f"2026-10-0{day},{key(a1)},reads,{day}\n" for day in (1, 2, 3)])
    # Batches: a2 alone (new: inserted), a2 with a1, a1 alone (a1 has values: merged).
    text = [header]
    text += [f"2026-10-0{day},{key(a2)},calls,{day}\n" for day in (1, 2, 3)]
    values = {1: 1, 2: 20, 3: 3, 4: 4}  # day 2 changes, day 4 is new
    text += [f"2026-10-0{day},{key(a1)},reads,{value}\n" for day, value in values.items()]
    result = run(world, text)
    assert (result.created, result.updated, result.unchanged) == (4, 1, 2)
    assert stored(a1) == {(dt.date(2026, 10, d), "reads"): Decimal(v) for d, v in values.items()}
    assert stored(a2) == {(dt.date(2026, 10, d), "calls"): Decimal(d) for d in (1, 2, 3)}
    again = run(world, text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_a_competitors_account_with_values_is_merged_like_the_clients_own(world: World) -> None:
    rival = track_competitor(
        actor=actor(world.alpha.admin),
        client=world.alpha.clients[0].client,
        platform="douyin",
        platform_id="rival-1",
        display_name="Rival",
    )
    header = "date,account,metric,value\n"
    run(world, [header, f"2026-10-01,{key(rival)},reads,5\n", f"2026-10-02,{key(rival)},reads,6\n"])
    result = run(world, [header, f"2026-10-02,{key(rival)},reads,7\n"])
    assert (result.created, result.updated) == (0, 1)
    assert stored(rival) == {
        (dt.date(2026, 10, 1), "reads"): Decimal(5),
        (dt.date(2026, 10, 2), "reads"): Decimal(7),
    }


def test_a_number_in_other_digits_is_stored_as_that_number(world: World) -> None:
    a1 = world.alpha.clients[0].account
    # Arabic-Indic 12 and full-width 3.5: numbers to Python's Decimal, not to the databases.
    text = ["date,account,metric,value\n"]
    text += [f"2026-10-01,{key(a1)},reads,\u0661\u0662\n"]
    text += [f"2026-10-02,{key(a1)},reads,\uff13.\uff15\n"]
    result = run(world, text)
    assert result.created == 2
    assert stored(a1) == {
        (dt.date(2026, 10, 1), "reads"): Decimal(12),
        (dt.date(2026, 10, 2), "reads"): Decimal("3.5"),
    }


def test_problems_after_batches_were_written_still_write_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 2)
    a1 = world.alpha.clients[0].account
    bad = [
        f"2026-02-30,{key(a1)},reads,5",
        f"2026-02-30,{key(a1)},plays,5",  # the same bad date again: named again
        f"2026-10-09,{key(a1)},reads,1e2",  # an exponent is a number: stored as 100
        f"2026-10-10,{key(a1)},reads,0.00001",
    ]
    with pytest.raises(bulk.BulkRejected) as caught:
        run(world, lines(world, bad))
    problems = [(p.row, p.column) for p in caught.value.result.problems]
    assert problems == [(8, "date"), (9, "date"), (11, "value")]
    assert caught.value.result.rows == 7
    assert not DailyMetric.objects.exists()


def test_a_file_that_fails_to_read_halfway_writes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 2)

    def broken() -> Iterator[str]:
        yield from lines(world)
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    with pytest.raises(UnicodeDecodeError):
        run(world, broken())
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
