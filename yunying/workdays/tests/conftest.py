"""Fixtures of the working-day tests: people, clients, English messages, a fresh cache.

The fast password hasher comes from the project's root conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from yunying.tenancy.scoping import Actor, build_actor
from yunying.workdays import services


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    # Each test's database changes are rolled back, but the in-process cache would outlive them.
    services.clear_cache()
    yield
    services.clear_cache()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are asserted in their English msgids, whatever the translators do later.
    with translation.override("en"):
        yield


@pytest.fixture
def operator_user(db: None) -> Any:
    return get_user_model().objects.create_superuser(
        "operator", "operator@example.com", "pw-operator", display_name="运营平台管理员"
    )


@pytest.fixture
def staff_user(db: None) -> Any:
    return get_user_model().objects.create_user("staff", password="pw-staff", display_name="小王")


@pytest.fixture
def operator(operator_user: Any) -> Actor:
    actor = build_actor(operator_user)
    assert actor.is_operator
    return actor


@pytest.fixture
def staff(staff_user: Any) -> Actor:
    return build_actor(staff_user)


def _client(user: Any | None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def anonymous_client() -> Client:
    return _client(None)


@pytest.fixture
def staff_client(staff_user: Any) -> Client:
    return _client(staff_user)


@pytest.fixture
def operator_client(operator_user: Any) -> Client:
    return _client(operator_user)
