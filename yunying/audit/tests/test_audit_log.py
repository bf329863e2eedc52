"""The audit log is append-only in the database and its hash chain exposes tampering."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from yunying.audit import guard
from yunying.audit.actions import chain_name, record
from yunying.audit.chain import GENESIS, HASHED_FIELDS, entry_hash
from yunying.audit.models import AuditEntry, ChainHead
from yunying.audit.verify import verify
from yunying.tenancy.scoping import SYSTEM, Actor
from yunying.testing import UserFactory, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries() -> list[AuditEntry]:
    actor = Actor(user=UserFactory(username="auditor"), agency_id=None)
    return [
        record(actor=actor, action="test.event", data={"n": n, "note": "事件"}, reason=f"r{n}")
        for n in range(1, 6)
    ]


@pytest.fixture
def tamper() -> Iterator[None]:
    """Lift the guard as someone with schema rights could, and put it back afterwards."""
    guard.remove(connection)
    yield
    guard.install(connection)


def run_verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_entries_link_each_to_the_previous_hash(entries: list[AuditEntry]) -> None:
    assert entries[0].prev_hash == GENESIS
    for previous, entry in pairwise(entries):
        assert entry.prev_hash == previous.hash
        assert entry.seq == previous.seq + 1
    head = ChainHead.objects.get(chain=chain_name(None))
    assert (head.seq, head.last_hash) == (entries[-1].seq, entries[-1].hash)


def test_hash_covers_the_entry_content(entries: list[AuditEntry]) -> None:
    entry = AuditEntry.objects.get(pk=entries[2].pk)
    fields = {f: getattr(entry, f) for f in HASHED_FIELDS}
    assert entry_hash(entry.prev_hash, fields) == entry.hash
    fields["reason"] = "changed"
    assert entry_hash(entry.prev_hash, fields) != entry.hash


def test_verify_passes_on_an_intact_log(entries: list[AuditEntry]) -> None:
    assert verify().ok
    code, out = run_verify()
    assert code == 0
    assert out.startswith("OK: 5 entries")


def test_database_refuses_update(entries: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).update(reason="rewritten")
    assert AuditEntry.objects.get(pk=entries[0].pk).reason == "r1"


def test_database_refuses_delete(entries: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[1].pk).delete()
    assert AuditEntry.objects.count() == 5


def test_database_refuses_raw_sql_update(entries: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = %s", ["raw"])


def test_database_refuses_wiping_the_table(entries: list[AuditEntry]) -> None:
    # PostgreSQL empties tables with TRUNCATE (no row triggers fire); SQLite has only DELETE.
    wipe = (
        "TRUNCATE audit_auditentry"
        if connection.vendor == "postgresql"
        else ("DELETE FROM audit_auditentry")
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(wipe)
    assert AuditEntry.objects.count() == 5


def test_verify_finds_edited_content(entries: list[AuditEntry], tamper: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["forged", entries[2].pk]
        )
    report = verify()
    assert not report.ok
    assert (report.seq, report.entry_id) == (3, entries[2].pk)
    assert "hash" in (report.problem or "")
    code, out = run_verify("--json")
    assert code == 1
    assert json.loads(out)["break"]["seq"] == 3


def test_verify_finds_a_recomputed_hash_by_the_next_link(
    entries: list[AuditEntry], tamper: None
) -> None:
    """A forger who also recomputes the entry's own hash still breaks the following link."""
    entry = AuditEntry.objects.get(pk=entries[1].pk)
    entry.reason = "forged"
    fields = {f.name: getattr(entry, f.name) for f in AuditEntry._meta.fields}
    forged_hash = entry_hash(entry.prev_hash, fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET reason = %s, hash = %s WHERE id = %s",
            ["forged", forged_hash, entry.pk],
        )
    report = verify()
    assert (report.seq, report.entry_id) == (3, entries[2].pk)
    assert "previous-hash" in (report.problem or "")


def test_verify_finds_a_deleted_entry(entries: list[AuditEntry], tamper: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    report = verify()
    assert report.seq == 2
    assert "missing" in (report.problem or "")


def test_verify_finds_entries_cut_from_the_end(entries: list[AuditEntry], tamper: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    report = verify()
    assert not report.ok
    assert report.seq == 5


def test_each_agency_has_its_own_chain(world: World) -> None:
    chains = set(AuditEntry.objects.values_list("chain", flat=True))
    assert {f"agency:{world.alpha.agency.pk}", f"agency:{world.beta.agency.pk}"} <= chains
    alpha = AuditEntry.objects.filter(chain=f"agency:{world.alpha.agency.pk}")
    assert set(alpha.values_list("agency_id", flat=True)) == {world.alpha.agency.pk}
    assert verify().ok


def test_system_actor_is_labelled() -> None:
    entry = record(actor=SYSTEM, action="test.system")
    assert entry.actor_id is None
    assert entry.actor_label == "system"


def test_every_recorded_action_has_a_readable_label() -> None:
    """Scan the code for ``record(action="...")`` calls: each action code needs a label."""
    import ast
    from pathlib import Path

    from yunying.audit.labels import ACTION_LABELS

    codes = set()
    package = Path(__file__).resolve().parents[2]
    for path in package.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "testing.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record":
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        codes.add(keyword.value.value)
                    elif keyword.arg == "action" and isinstance(keyword.value, ast.IfExp):
                        codes.update(
                            branch.value
                            for branch in (keyword.value.body, keyword.value.orelse)
                            if isinstance(branch, ast.Constant)
                        )
    assert len(codes) > 15
    assert codes - set(ACTION_LABELS) == set()
