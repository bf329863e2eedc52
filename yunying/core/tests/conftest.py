"""Fixtures of the core tests."""

from __future__ import annotations

import pytest


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
