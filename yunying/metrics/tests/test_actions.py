"""Imports and manual entry: idempotent upserts, all or nothing, permitted roles only, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from yunying.audit.models import AuditEntry
from yunying.metrics import actions
from yunying.metrics.files import MetricRow, PostRow
from yunying.metrics.models import DailyMetric, PostFact
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db
D = Decimal


def rows(n: int, metric: str = "reads", value: int = 7) -> list[MetricRow]:
    start = dt.date(2026, 10, 1)
    return [MetricRow(start + dt.timedelta(days=i), "A", metric, D(value)) for i in range(n)]


def posts(n: int, likes: int = 10) -> list[PostRow]:
    return [PostRow(f"p{i}", "A", dt.date(2026, 10, 1 + i), "video", likes) for i in range(n)]


def stored(account: Any) -> dict[tuple[dt.date, str], Decimal]:
    return {(m.date, m.metric): m.value for m in DailyMetric.objects.filter(account=account)}


def imports() -> int:
    return AuditEntry.objects.filter(action__startswith="metrics.").count()


def test_an_import_stores_the_rows_for_the_chosen_account_and_is_audited_once(
    world: World,
) -> None:
    account = world.alpha.clients[0].account
    manager = actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    result = actions.import_metrics(actor=manager, account=account, rows=rows(5))
    assert result == actions.ImportResult(created=5, updated=0, unchanged=0)
    assert len(stored(account)) == 5
    row = DailyMetric.objects.filter(account=account).first()
    assert row is not None
    assert (row.agency_id, row.client_id, row.source) == (
        account.agency_id,
        account.client_id,
        "file",
    )
    entry = AuditEntry.objects.get(action="metrics.import")
    assert entry.data == {
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "from": "2026-10-01",
        "to": "2026-10-05",
    }
    assert (entry.object_id, entry.client_id) == (str(account.pk), account.client_id)


def test_importing_the_same_rows_again_reports_all_unchanged_and_writes_nothing(
    world: World,
) -> None:
    account = world.alpha.clients[0].account
    boss = actor(world.alpha.admin)
    actions.import_metrics(actor=boss, account=account, rows=rows(5))
    before = {m.pk: m.updated_at for m in DailyMetric.objects.filter(account=account)}
    audit_before = imports()
    with CaptureQueriesContext(connection) as queries:
        result = actions.import_metrics(actor=boss, account=account, rows=rows(5))
    assert result == actions.ImportResult(created=0, updated=0, unchanged=5)
    assert {m.pk: m.updated_at for m in DailyMetric.objects.filter(account=account)} == before
    assert imports() == audit_before
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


def test_a_changed_value_is_updated_and_the_rest_left_alone(world: World) -> None:
    account = world.alpha.clients[0].account
    boss = actor(world.alpha.admin)
    actions.import_metrics(actor=boss, account=account, rows=rows(3))
    changed = [*rows(2), MetricRow(dt.date(2026, 10, 3), "A", "reads", D("8.5")), *rows(1, "calls")]
    result = actions.import_metrics(actor=boss, account=account, rows=changed)
    assert result == actions.ImportResult(created=1, updated=1, unchanged=2)
    assert stored(account)[(dt.date(2026, 10, 3), "reads")] == D("8.5")


def test_an_import_costs_the_same_number_of_queries_for_3_or_60_rows(world: World) -> None:
    account = world.alpha.clients[0].account
    boss = actor(world.alpha.admin)

    def count(batch: list[MetricRow]) -> int:
        with CaptureQueriesContext(connection) as queries:
            actions.import_metrics(actor=boss, account=account, rows=batch)
        return len(queries)

    small = count(rows(3))
    assert count(rows(60, "plays")) == small  # all new
    assert count(rows(60, "plays", value=8)) == small  # all changed


def test_a_bad_row_stores_nothing(world: World) -> None:
    account = world.alpha.clients[0].account
    bad = [*rows(3), MetricRow(dt.date(2026, 10, 9), "A", "reads", D(-1))]
    with pytest.raises(ValidationError):
        actions.import_metrics(actor=actor(world.alpha.admin), account=account, rows=bad)
    assert stored(account) == {}


def test_a_failure_while_writing_rolls_back_the_whole_import(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = world.alpha.clients[0].account
    boss = actor(world.alpha.admin)
    actions.import_metrics(actor=boss, account=account, rows=rows(2))

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # New rows are written first, then the changed ones fail: the new ones must not stay.
    monkeypatch.setattr(DailyMetric.objects, "bulk_update", explode)
    with pytest.raises(RuntimeError):
        actions.import_metrics(actor=boss, account=account, rows=rows(5, value=9))
    assert set(stored(account).values()) == {D(7)}
    assert len(stored(account)) == 2


def test_two_rows_for_the_same_day_and_metric_are_refused(world: World) -> None:
    account = world.alpha.clients[0].account
    twice = [*rows(1), MetricRow(dt.date(2026, 10, 1), "B", "reads", D(3))]
    with pytest.raises(ValidationError) as caught:
        actions.import_metrics(actor=actor(world.alpha.admin), account=account, rows=twice)
    assert (
        gettext(
            "%(where)sthe rows give this value twice. Does the file hold more than one account?"
        )
        % {"where": "2026-10-01 reads: "}
        in caught.value.messages
    )
    assert stored(account) == {}


@pytest.mark.parametrize("role", [Role.EDITOR, Role.FINANCE, Role.SUPERVISOR])
def test_staff_other_than_managers_cannot_import(world: World, role: str) -> None:
    account = world.alpha.clients[0].account
    who = actor(world.alpha.staff[role])
    with pytest.raises(PermissionDenied):
        actions.import_metrics(actor=who, account=account, rows=rows(1))
    with pytest.raises(PermissionDenied):
        actions.import_posts(actor=who, account=account, rows=posts(1))
    with pytest.raises(PermissionDenied):
        actions.record_metric(
            actor=who, account=account, date=dt.date(2026, 10, 1), metric="calls", value=D(1)
        )
    assert stored(account) == {}


def test_a_client_reviewer_cannot_import(world: World) -> None:
    side = world.alpha.clients[0]
    with pytest.raises(PermissionDenied):
        actions.import_metrics(actor=actor(side.reviewer), account=side.account, rows=rows(1))


def test_another_agencys_manager_cannot_import_into_this_account(world: World) -> None:
    account = world.alpha.clients[0].account
    with pytest.raises(PermissionDenied):
        actions.import_metrics(actor=actor(world.beta.admin), account=account, rows=rows(1))
    with pytest.raises(PermissionDenied):
        actions.import_posts(actor=actor(world.beta.admin), account=account, rows=posts(1))
    assert stored(account) == {}


def test_posts_are_upserted_by_platform_id(world: World) -> None:
    account = world.alpha.clients[0].account
    boss = actor(world.alpha.admin)
    assert actions.import_posts(actor=boss, account=account, rows=posts(3)) == (
        actions.ImportResult(3, 0, 0)
    )
    audit_before = imports()
    assert actions.import_posts(actor=boss, account=account, rows=posts(3)) == (
        actions.ImportResult(0, 0, 3)
    )
    assert imports() == audit_before
    # Likes grow after publishing: the newer file wins.
    result = actions.import_posts(actor=boss, account=account, rows=[*posts(2), *posts(4, 50)[2:]])
    assert result == actions.ImportResult(created=1, updated=1, unchanged=2)
    assert PostFact.objects.get(account=account, post_id="p2").likes == 50
    entry = AuditEntry.objects.filter(action="metrics.import_posts").latest("id")
    assert entry.data["created"] == 1
    assert entry.data["updated"] == 1


def test_the_same_post_twice_in_one_import_is_refused(world: World) -> None:
    account = world.alpha.clients[0].account
    with pytest.raises(ValidationError):
        actions.import_posts(
            actor=actor(world.alpha.admin), account=account, rows=[*posts(1), *posts(1, 3)]
        )
    assert not PostFact.objects.filter(account=account).exists()


def test_a_value_entered_by_hand_replaces_the_days_value_and_keeps_the_old_one_in_the_log(
    world: World,
) -> None:
    account = world.alpha.clients[0].account
    manager = actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    day = dt.date(2026, 10, 15)
    actions.import_metrics(
        actor=manager, account=account, rows=[MetricRow(day, "A", "calls", D(70))]
    )
    row = actions.record_metric(
        actor=manager, account=account, date=day, metric="calls", value=D(72)
    )
    assert (row.value, row.source) == (D(72), "manual")
    entry = AuditEntry.objects.get(action="metrics.record")
    assert entry.data == {"date": "2026-10-15", "metric": "calls", "value": "72", "previous": "70"}
    actions.record_metric(actor=manager, account=account, date=day, metric="calls", value=D(72))
    assert AuditEntry.objects.filter(action="metrics.record").count() == 1


@pytest.mark.parametrize(
    ("metric", "value"),
    [("roi", D(1)), ("calls", D(-1)), ("calls", D("0.00001")), ("calls", D("NaN"))],
)
def test_a_value_entered_by_hand_must_be_a_stored_metric_and_a_fitting_number(
    world: World, metric: str, value: Decimal
) -> None:
    account = world.alpha.clients[0].account
    with pytest.raises(ValidationError):
        actions.record_metric(
            actor=actor(world.alpha.admin),
            account=account,
            date=dt.date(2026, 10, 1),
            metric=metric,
            value=value,
        )
    assert stored(account) == {}
