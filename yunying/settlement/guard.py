"""The database-level guard that keeps approved statements and their lines as approved.

PostgreSQL: row triggers refuse UPDATE and DELETE of an approved statement, and any INSERT,
UPDATE or DELETE of a line whose statement is approved. SQLite: the same as ``RAISE(ABORT)``
triggers. The actions refuse these changes first; this catches anything that bypasses them
(a raw query, a shell, a bug). Same shape as ``yunying.audit.guard``.
"""

from __future__ import annotations

from yunying.core.triggers import Guard

STATEMENTS = "settlement_statement"
LINES = "settlement_statementline"
MESSAGE = "approved statements are immutable"
APPROVED = "approved"

_POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION settlement_refuse_approved_statement() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = '{APPROVED}' THEN
            RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE OR REPLACE FUNCTION settlement_refuse_approved_line() RETURNS trigger AS $$
    BEGIN
        IF (TG_OP <> 'INSERT' AND EXISTS (
                SELECT 1 FROM {STATEMENTS} WHERE id = OLD.statement_id AND status = '{APPROVED}'))
           OR (TG_OP <> 'DELETE' AND EXISTS (
                SELECT 1 FROM {STATEMENTS} WHERE id = NEW.statement_id AND status = '{APPROVED}'))
        THEN
            RAISE EXCEPTION '{MESSAGE}: % of a line refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,  # noqa: S608 - built from constants only
    f"""CREATE TRIGGER settlement_statement_approved BEFORE UPDATE OR DELETE ON {STATEMENTS}
        FOR EACH ROW EXECUTE FUNCTION settlement_refuse_approved_statement()""",
    f"""CREATE TRIGGER settlement_line_approved BEFORE INSERT OR UPDATE OR DELETE ON {LINES}
        FOR EACH ROW EXECUTE FUNCTION settlement_refuse_approved_line()""",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS settlement_statement_approved ON {STATEMENTS}",
    f"DROP TRIGGER IF EXISTS settlement_line_approved ON {LINES}",
    "DROP FUNCTION IF EXISTS settlement_refuse_approved_statement()",
    "DROP FUNCTION IF EXISTS settlement_refuse_approved_line()",
]
_APPROVED_STATEMENT = (
    f"SELECT 1 FROM {STATEMENTS} WHERE id = %s.statement_id AND status = '{APPROVED}'"  # noqa: S608
)
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS settlement_statement_no_update BEFORE UPDATE ON {STATEMENTS}
        WHEN OLD.status = '{APPROVED}' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS settlement_statement_no_delete BEFORE DELETE ON {STATEMENTS}
        WHEN OLD.status = '{APPROVED}' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS settlement_line_no_insert BEFORE INSERT ON {LINES}
        WHEN EXISTS ({_APPROVED_STATEMENT % "NEW"})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS settlement_line_no_update BEFORE UPDATE ON {LINES}
        WHEN EXISTS ({_APPROVED_STATEMENT % "OLD"}) OR EXISTS ({_APPROVED_STATEMENT % "NEW"})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS settlement_line_no_delete BEFORE DELETE ON {LINES}
        WHEN EXISTS ({_APPROVED_STATEMENT % "OLD"})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS settlement_statement_no_update",
    "DROP TRIGGER IF EXISTS settlement_statement_no_delete",
    "DROP TRIGGER IF EXISTS settlement_line_no_insert",
    "DROP TRIGGER IF EXISTS settlement_line_no_update",
    "DROP TRIGGER IF EXISTS settlement_line_no_delete",
]


GUARD = Guard(
    "approved-statement",
    tuple(_POSTGRES_INSTALL),
    tuple(_POSTGRES_REMOVE),
    tuple(_SQLITE_INSTALL),
    tuple(_SQLITE_REMOVE),
)
install = GUARD.install
remove = GUARD.remove
