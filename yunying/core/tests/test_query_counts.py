"""Lists cost the same number of queries however many rows they show (no query per row)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yunying.accounts import actions as account_actions
from yunying.compliance import actions as compliance_actions
from yunying.compliance.tests.helpers import sample_lexicon_entry
from yunying.contracts.tests.helpers import contract_for, world_contract
from yunying.metrics import actions as metrics_actions
from yunying.metrics.files import MetricRow, PostRow
from yunying.metrics.tests.helpers import sample_metric, sample_post
from yunying.tenancy import actions as tenancy_actions
from yunying.tenancy.choices import Role
from yunying.testing import PASSWORD, World, actor

pytestmark = pytest.mark.django_db

API_LISTS = [
    "client-list",
    "membership-list",
    "team-member-list",
    "team-change-list",
    "account-list",
    "credential-list",
    "account-change-list",
    "audit-entry-list",
    "notification-list",
    "statement-list",
    "invoice-list",
    "contract-list",
    "daily-metric-list",
    "post-fact-list",
    "lexicon-entry-list",
]
PAGES = [
    "tenancy:client_list",
    "tenancy:requests",
    "tenancy:people",
    "accounts:list",
    "contracts:list",
    "audit:list",
    "notify:list",
    "settlement:statement_list",
    "settlement:invoice_list",
    "core:home",
    "editorial:calendar",
    "editorial:quotas",
    "compliance:check",
    "compliance:lexicons",
]


def grow(world: World, n: int = 3) -> None:
    """More of everything a list shows: clients with accounts, logins, seats and requests."""
    boss = actor(world.alpha.admin)
    for i in range(n):
        client = tenancy_actions.create_client(actor=boss, name=f"growth client {i}")
        tenancy_actions.add_person(
            actor=boss,
            username=f"growth_reviewer_{i}",
            password=PASSWORD,
            role=Role.CLIENT_REVIEWER,
            client=client,
        )
        seat = tenancy_actions.add_team_member(
            client, actor=boss, user=world.alpha.staff[Role.EDITOR], role=Role.EDITOR
        )
        tenancy_actions.request_team_change(seat, actor=boss, kind="remove", reason=f"growth {i}")
        account = account_actions.create_account(
            actor=boss,
            client=client,
            platform="douyin",
            platform_id=f"growth-{i}",
            display_name=f"growth account {i}",
            login=f"growth-{i}",
            password="Growth-pass-1",
        )
        account_actions.request_account_change(
            account, actor=boss, kind="rename", proposed_name=f"grown {i}", reason="growth"
        )
        contract_for(account, f"growth-contract-{i}", by=boss)
        compliance_actions.add_entry(
            actor=boss,
            client=client,
            kind="term",
            term=f"增长词{i}",
            category="illegal_marketing",
            severity="warn",
            reason="growth",
        )
        day = date(2026, 10, 1 + i)
        metrics_actions.import_metrics(
            actor=boss, account=account, rows=[MetricRow(day, "A", "calls", Decimal(i))]
        )
        metrics_actions.import_posts(
            actor=boss, account=account, rows=[PostRow(f"growth-{i}", "A", day, "video", i)]
        )


@pytest.fixture(autouse=True)
def _one_contract(world: World) -> None:
    """A list with no rows skips its prefetch queries; start from one contract."""
    world_contract(world)


@pytest.fixture(autouse=True)
def _one_lexicon_entry(world: World) -> None:
    """An empty list skips its SELECT: start from one entry of a client's own lexicon."""
    sample_lexicon_entry(world)


@pytest.fixture(autouse=True)
def _one_metric_and_post(world: World) -> None:
    """The world stores no metrics, and an empty page skips its SELECT: start from one row."""
    sample_metric(world)
    sample_post(world)


@pytest.fixture(autouse=True)
def _warm_calendar(monkeypatch: Any) -> None:
    """The holiday calendar is loaded once per process and re-checked once a second; load it now
    and keep it, so the counts below measure the list, not the cache's timing."""
    from yunying.workdays import services

    monkeypatch.setattr(services, "STAMP_CHECK_SECONDS", 3600)
    services.get_calendar()


def count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", API_LISTS)
def test_api_list_queries_do_not_grow_with_rows(world: World, api: Any, name: str) -> None:
    client = api(world.alpha.admin)
    url = reverse(name)
    before = count(client, url)
    grow(world)
    assert count(client, url) == before


@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow_with_rows(world: World, login: Any, name: str) -> None:
    client = login(world.alpha.admin)
    url = reverse(name)
    before = count(client, url)
    grow(world)
    assert count(client, url) == before
