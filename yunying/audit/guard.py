"""The database-level guard that makes the audit table append-only.

PostgreSQL: row triggers refuse UPDATE and DELETE, a statement trigger refuses TRUNCATE.
SQLite: BEFORE UPDATE / BEFORE DELETE triggers abort. Only someone who can alter the schema
can lift the guard, and ``yunying audit verify`` then still finds what they changed.
"""

from __future__ import annotations

from yunying.core.triggers import Guard

TABLE = "audit_auditentry"
MESSAGE = "audit log is append-only"

_POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]


GUARD = Guard(
    "append-only",
    tuple(_POSTGRES_INSTALL),
    tuple(_POSTGRES_REMOVE),
    tuple(_SQLITE_INSTALL),
    tuple(_SQLITE_REMOVE),
)
install = GUARD.install
remove = GUARD.remove
