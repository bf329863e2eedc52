"""Test set-up shared by every app: fast hashing, eager tasks, a test vault key, personas."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import connection, transaction
from django.test import Client as HttpClient
from rest_framework.test import APIClient

TEST_VAULT_KEY = Fernet.generate_key().decode()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.YUNYING_VAULT_KEYS = TEST_VAULT_KEY
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Uploads made by tests land in a throw-away folder, never in the data directory.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="yunying-test-media-")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from yunying.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """The calendar is cached per process; a rolled-back import must not outlive its test."""
    yield
    from yunying.workdays.services import clear_cache

    clear_cache()


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """Two agencies of personas, built once per module and rolled back after it.

    Tests that use it take the ``db`` fixture as well, so each test runs in a savepoint inside
    this module's transaction and sees the world unchanged.
    """
    from yunying.testing import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def login() -> Any:
    """``login(user)`` gives a Django test client signed in as that user."""

    def make(user: Any) -> HttpClient:
        client = HttpClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api() -> Any:
    """``api(user)`` gives a DRF test client authenticated as that user."""

    def make(user: Any) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def _restored_after_flush(django_db_blocker: Any) -> Iterator[None]:
    """Put back what migrations provide and a flush removes: the audit guard, the calendar."""
    yield
    from importlib import import_module

    from django.apps import apps

    from yunying.audit import guard
    from yunying.settlement import guard as settlement_guard
    from yunying.workdays.models import CalendarYear

    with django_db_blocker.unblock():
        guard.install(connection)
        settlement_guard.install(connection)
        if not CalendarYear.objects.exists():
            import_module("yunying.workdays.migrations.0002_seed_2004_2026").seed(apps, None)


@pytest.fixture
def _audit_guard_lifted() -> Iterator[None]:
    yield
    from yunying.audit import guard
    from yunying.settlement import guard as settlement_guard

    guard.remove(connection)
    settlement_guard.remove(connection)


@pytest.fixture
def transactional_db(
    _restored_after_flush: None, transactional_db: None, _audit_guard_lifted: None
) -> None:
    """pytest-django's committed database, for tests with other threads or processes.

    Such tests end with a flush, which the append-only audit table refuses. Teardown runs in
    reverse order, so the guard is lifted just before the flush and put back right after it, as
    a DBA would do; the holiday calendar that migrations seeded is seeded again. Overriding the
    fixture itself (not wrapping it in another) keeps this order even when pytest-django's
    ``live_server`` asks for ``transactional_db`` first.
    """


@pytest.fixture
def live_db(transactional_db: None) -> None:
    """The readable name tests use for :func:`transactional_db`."""
