"""Database triggers that guard rows the application must never change (shared by the guards).

A guard is a set of SQL statements per database vendor that installs the triggers, and the
statements that remove them. Migrations install them; the test suite lifts them around the
flush of a transactional test.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class Guard:
    """Triggers for PostgreSQL and SQLite, installed and removed as one."""

    name: str
    postgres_install: tuple[str, ...]
    postgres_remove: tuple[str, ...]
    sqlite_install: tuple[str, ...]
    sqlite_remove: tuple[str, ...]

    def _statements(self, connection: BaseDatabaseWrapper, *, install: bool) -> tuple[str, ...]:
        if connection.vendor == "postgresql":
            return self.postgres_install if install else self.postgres_remove
        if connection.vendor == "sqlite":
            return self.sqlite_install if install else self.sqlite_remove
        raise NotImplementedError(f"no {self.name} guard for {connection.vendor}")

    def install(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            for statement in self._statements(connection, install=True):
                cursor.execute(statement)

    def remove(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            for statement in self._statements(connection, install=False):
                cursor.execute(statement)
