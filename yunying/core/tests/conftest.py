"""Fixtures of the core tests: the audit guard around the flush of live-server tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection


@pytest.fixture
def _audit_guard_restored(django_db_blocker: Any) -> Iterator[None]:
    """The root fixture of that name, but allowed to reach the database when it tears down.

    Wrapped around ``transactional_db`` (below), it tears down after pytest-django has closed
    database access again.
    """
    yield
    from yunying.audit import guard

    with django_db_blocker.unblock():
        guard.install(connection)


@pytest.fixture
def transactional_db(
    _audit_guard_restored: None, transactional_db: None, _audit_guard_lifted: None
) -> None:
    """pytest-django's ``transactional_db``, with the audit guard lifted around its final flush.

    The root ``live_db`` brackets ``transactional_db`` the same way, but with ``live_server`` that
    bracket ends up inside: pytest-django's autouse ``_live_server_helper`` requests
    ``transactional_db`` before ``live_db`` is set up, so the flush ran last, after the guard was
    back, and failed on the append-only audit table. Wrapping the fixture itself keeps the order,
    whoever asks for it first.
    """
