"""The database itself refuses to change an approved statement or its lines (SQLite and
PostgreSQL: the suite runs on both), while drafts stay editable."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from yunying.settlement.models import Statement
from yunying.testing import World

from .test_actions import approved, settled

pytestmark = pytest.mark.django_db


def refused(sql: str, *params: object) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return "approved statements are immutable" in str(exc)
    return False


def test_the_database_refuses_to_update_or_delete_an_approved_statement(world: World) -> None:
    statement = approved(world)
    assert refused("UPDATE settlement_statement SET total = 1 WHERE id = %s", statement.pk)
    assert refused("UPDATE settlement_statement SET status = 'draft' WHERE id = %s", statement.pk)
    assert refused("DELETE FROM settlement_statement WHERE id = %s", statement.pk)
    statement.refresh_from_db()
    assert statement.total == 3000


def test_the_database_refuses_any_change_to_an_approved_statements_lines(world: World) -> None:
    statement = approved(world)
    line = statement.lines.get(code="fixed")
    assert refused("UPDATE settlement_statementline SET amount = 1 WHERE id = %s", line.pk)
    assert refused("DELETE FROM settlement_statementline WHERE id = %s", line.pk)
    assert refused(
        "INSERT INTO settlement_statementline (agency_id, client_id, statement_id, position, code,"
        " description, amount, formula, inputs, origin, reason)"
        " VALUES (%s, %s, %s, 99, 'x', 'x', 1, '', '{}', 'adjustment', '')",
        statement.agency_id,
        statement.client_id,
        statement.pk,
    )
    assert statement.lines.count() == 2


def test_the_orm_cannot_save_an_approved_statement_either(world: World) -> None:
    statement = approved(world)
    statement.total = 1
    with pytest.raises(DatabaseError), transaction.atomic():
        statement.save()


def test_drafts_and_their_lines_stay_changeable(world: World) -> None:
    statement = settled(world)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE settlement_statement SET total = 7 WHERE id = %s", [statement.pk])
        cursor.execute(
            "UPDATE settlement_statementline SET amount = 7 WHERE statement_id = %s",
            [statement.pk],
        )
    assert Statement.objects.get(pk=statement.pk).total == 7
