"""The client's approval page on a phone, in a real browser (see core/tests/test_browser.py).

A statement of the demo agency is settled and sent; the demo reviewer of 青禾 opens it at
375 × 812, reads the lines as stacked cards, fails to dispute without a comment and approves.
The screenshot goes to ``test-artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from yunying.accounts.models import PlatformAccount
from yunying.contracts.models import Contract, ContractAccount, ContractVersion
from yunying.core.tests.test_browser import (  # noqa: F401 - fixtures used by name
    QINGHE,
    assert_no_horizontal_scroll,
    browser,
    log_in,
    open_page,
    screenshots,
    seeded,
    server,
    wait_for_path,
)
from yunying.metrics.models import DailyMetric
from yunying.settlement import actions
from yunying.settlement.choices import StatementStatus
from yunying.settlement.engine import Month
from yunying.settlement.models import Statement
from yunying.tenancy.models import Client, User
from yunying.testing import actor

from .helpers import KPI, terms

pytestmark = pytest.mark.browser

PHONE_375 = {
    "viewport": {"width": 375, "height": 812},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def sent_statement() -> Statement:
    client = Client.objects.get(name=QINGHE)
    account = PlatformAccount.objects.filter(client=client).order_by("pk").first()
    finance = User.objects.get(username="finance")
    contract = Contract.objects.create(
        agency_id=client.agency_id,
        client=client,
        number="QH-2026-01",
        title="青禾茶饮 公众号代运营",
        kind="account_operation",
        status="signed",
        signed_on=dt.date(2025, 12, 20),
        created_by=finance,
    )
    tenant = {"agency_id": client.agency_id, "client": client}
    ContractAccount.objects.create(**tenant, contract=contract, key="A", account=account)
    ContractVersion.objects.create(
        **tenant,
        contract=contract,
        number=1,
        effective_from=dt.date(2026, 1, 1),
        terms=terms("QH-2026-01", **KPI),
        created_by=finance,
    )
    # The demo has a value of its own on that day (its four months of 青禾 data): replace it.
    for metric, value in (("followers_new", 420), ("followers_lost", 60)):
        DailyMetric.objects.update_or_create(
            account=account,
            date=dt.date(2026, 10, 12),
            metric=metric,
            defaults={**tenant, "value": Decimal(value), "source": "manual"},
        )
    who = actor(finance)
    actions.record_event(actor=who, contract=contract, date=dt.date(2026, 10, 18), kind="session")
    statement = actions.settle_contract(actor=who, contract=contract, month=Month(2026, 10))
    return actions.send_statement(actor=who, statement=statement)


def test_the_reviewer_approves_a_statement_on_a_phone(
    open_page: Callable[..., Page],  # noqa: F811 - the fixture imported above
    screenshots: Path,  # noqa: F811
) -> None:
    statement = sent_statement()
    page = open_page(**PHONE_375)
    log_in(page, "qinghe")
    url = reverse("settlement:statement_review", args=[statement.pk])
    page.goto(url)
    cards = page.locator(".statement-lines article.line")
    # Fixed fee, performance, sessions and the total, each a card with its amount.
    expect(cards).to_have_count(statement.lines.count() + 1)
    expect(page.locator(".review-total strong")).to_contain_text(str(statement.total))
    approve = page.locator("button[value=approve]")
    dispute = page.locator("button[value=dispute]")
    for button in (approve, dispute):
        box = button.bounding_box()
        assert box is not None
        assert box["height"] >= 44, "buttons must be easy to hit with a thumb"
        assert box["width"] >= 300, "one full-width button per row on a phone"
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "settlement-review-375.png"), full_page=True)

    dispute.click()
    wait_for_path(page, url)
    expect(page.locator("textarea[name=comment][aria-invalid=true]")).to_be_visible()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT

    page.locator("button[value=approve]").click()
    wait_for_path(page, url)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.APPROVED
    expect(page.locator("button[value=approve]")).to_have_count(0)
    page.screenshot(path=str(screenshots / "settlement-review-375-approved.png"), full_page=True)
