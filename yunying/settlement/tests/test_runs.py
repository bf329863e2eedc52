"""The monthly run: settles what needs settling, reports what it cannot, and costs the same
number of queries per batch however many contracts the batch holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yunying.audit.models import AuditEntry
from yunying.contracts.choices import ContractStatus
from yunying.settlement import tasks
from yunying.settlement.engine import Month
from yunying.settlement.models import Statement
from yunying.settlement.runs import run_month
from yunying.testing import World

from .helpers import KPI, growth, make_contract

pytestmark = pytest.mark.django_db

OCT = Month(2026, 10)


def contracts(world: World, n: int, prefix: str = "R", *, day: int = 9) -> None:
    for i in range(n):
        side = world.alpha.clients[i % 2]
        make_contract(world.alpha, side, f"{prefix}-{i}", **KPI)
    for side in world.alpha.clients:
        growth(side, dt.date(2026, 10, day), new=500, lost=20)


def test_the_run_settles_signed_contracts_and_reports_failures(world: World) -> None:
    contracts(world, 3)
    make_contract(world.alpha, world.alpha.clients[0], "DRAFT-1", status=ContractStatus.DRAFT)
    broken = {"kpis": [{**KPI["kpis"][0], "metric": "calls_per_follower", "target": 0.01}]}
    make_contract(world.alpha, world.alpha.clients[1], "NO-DATA", **broken)
    result = run_month(OCT, batch_size=2)
    assert result.settled == 3
    assert [number for number, _ in result.failed] == ["NO-DATA"]
    assert "a_growth" in result.failed[0][1]
    statements = Statement.objects.filter(contract__number__startswith="R-")
    assert statements.count() == 3
    # Growth 480 of 400: attainment 1.2, capped at 1.0 for the tier, pay 300 × 1.2.
    assert {s.total for s in statements} == {Decimal("3360.00")}
    assert not Statement.objects.filter(contract__number="DRAFT-1").exists()
    assert AuditEntry.objects.filter(action="statement.run").count() == 2  # two batches


def test_a_second_run_settles_nothing_new(world: World) -> None:
    contracts(world, 2)
    first = run_month(OCT)
    second = run_month(OCT)
    assert (first.settled, second.settled) == (2, 0)
    assert Statement.objects.count() == 2


def test_contracts_outside_their_period_are_skipped(world: World) -> None:
    contracts(world, 1)
    result = run_month(Month(2027, 2))
    assert (result.settled, result.skipped, result.failed) == (0, 1, [])


def test_the_query_count_of_a_batch_does_not_grow_with_its_contracts(world: World) -> None:
    contracts(world, 3, prefix="S")
    with CaptureQueriesContext(connection) as small:
        assert run_month(OCT).settled == 3
    contracts(world, 12, prefix="L", day=10)
    with CaptureQueriesContext(connection) as large:
        assert run_month(OCT).settled == 12
    assert len(large) == len(small)


def test_the_monthly_task_settles_the_previous_month(world: World) -> None:
    import time_machine

    contracts(world, 1)
    with time_machine.travel(dt.datetime(2026, 11, 1, 2, tzinfo=dt.UTC)):
        outcome = tasks.monthly_settlement.delay().get()
    assert outcome["period"] == "2026-10"
    assert outcome["settled"] == 1


def test_the_settle_command_runs_the_month_on_the_database_and_exits_1_on_failures(
    world: World,
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    contracts(world, 2, "CMD")
    out = StringIO()
    call_command("settle", "--period", "2026-10", stdout=out)
    assert "新结算 2 份" in out.getvalue()
    assert Statement.objects.filter(contract__number__startswith="CMD-").count() == 2

    broken = {"kpis": [{**KPI["kpis"][0], "metric": "calls_per_follower", "target": 0.01}]}
    make_contract(world.alpha, world.alpha.clients[1], "CMD-BROKEN", **broken)
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("settle", "--period", "2026-10", stdout=out)
    assert caught.value.returncode == 1
    assert "CMD-BROKEN" in out.getvalue()
