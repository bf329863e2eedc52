"""The settlement pages and API for each role: what they show and what they let people do."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yunying.settlement import actions
from yunying.settlement.choices import StatementStatus
from yunying.settlement.models import ContractEvent, Statement
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

from .helpers import make_contract, sample_invoice, sample_statement

pytestmark = pytest.mark.django_db


def detail(statement: Statement) -> str:
    return reverse("settlement:statement_detail", args=[statement.pk])


def review(statement: Statement) -> str:
    return reverse("settlement:statement_review", args=[statement.pk])


def test_finance_sees_every_line_with_formula_and_inputs(world: World, login: Any) -> None:
    statement = sample_statement(world)
    page = login(world.alpha.staff[Role.FINANCE]).get(detail(statement))
    body = page.content.decode()
    assert page.status_code == 200
    fixed = statement.lines.get(code="fixed")
    assert fixed.formula in body
    assert "fixed_monthly" in body
    assert "3000.00" in body
    assert reverse("settlement:event_list", args=[statement.contract_id]) in body


def test_finance_adjusts_a_draft_through_the_page(world: World, login: Any) -> None:
    contract = make_contract(world.alpha, world.alpha.clients[0], "PG-1")
    client = login(world.alpha.staff[Role.FINANCE])
    response = client.post(
        reverse("settlement:settle"), {"contract": contract.pk, "month": "2026-10"}
    )
    statement = Statement.objects.get(contract=contract)
    assert response.status_code == 302
    url = reverse("settlement:statement_adjust", args=[statement.pk])
    refused = client.post(url, {"amount": "-100", "description": "x", "reason": ""})
    assert refused.status_code == 200
    assert "reason" in refused.context["form"].errors
    client.post(url, {"amount": "-100", "description": "goodwill", "reason": "late report"})
    statement.refresh_from_db()
    assert str(statement.total) == "2900.00"
    assert "late report" in client.get(detail(statement)).content.decode()


def test_the_account_manager_reads_but_cannot_send(world: World, login: Any) -> None:
    statement = sample_statement(world)
    client = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    page = client.get(detail(statement))
    assert page.status_code == 200
    assert reverse("settlement:statement_send", args=[statement.pk]) not in page.content.decode()
    response = client.post(reverse("settlement:statement_send", args=[statement.pk]))
    assert response.status_code == 403


def test_the_reviewer_disputes_with_a_comment_on_the_review_page(world: World, login: Any) -> None:
    statement = sample_statement(world)
    client = login(world.alpha.clients[0].reviewer)
    page = client.get(review(statement))
    assert page.status_code == 200
    assert 'value="approve"' in page.content.decode()
    refused = client.post(review(statement), {"decision": "dispute", "comment": ""})
    assert refused.status_code == 400
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT
    client.post(review(statement), {"decision": "dispute", "comment": "two sessions, not three"})
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DISPUTED


def test_the_reviewer_approves_on_the_review_page(world: World, login: Any) -> None:
    statement = sample_statement(world)
    response = login(world.alpha.clients[0].reviewer).post(
        review(statement), {"decision": "approve"}
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == StatementStatus.APPROVED
    assert statement.invoice.amount == statement.total


def test_staff_cannot_decide_for_the_client(world: World, login: Any) -> None:
    statement = sample_statement(world)
    response = login(world.alpha.admin).post(review(statement), {"decision": "approve"})
    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT


def test_the_invoice_page_explains_due_date_and_accrued_interest(world: World, login: Any) -> None:
    invoice = sample_invoice(world)
    finance = actor(world.alpha.staff[Role.FINANCE])
    notice_day = invoice.due_on + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(notice_day, dt.time(10), tzinfo=dt.UTC)):
        actions.send_payment_notice(actor=finance, invoice=invoice, notice_date=notice_day)
    later = notice_day + dt.timedelta(days=20)
    with time_machine.travel(dt.datetime.combine(later, dt.time(10), tzinfo=dt.UTC)):
        page = login(world.alpha.staff[Role.FINANCE]).get(
            reverse("settlement:invoice_detail", args=[invoice.pk])
        )
    body = page.content.decode()
    # Days 16 … 20 after the notice: 5 days × 0.05 % × 3,000 = 7.50.
    assert "3,000.00 × 0.05% × 5" in body
    assert "7.50" in body
    assert reverse("settlement:payment_create", args=[invoice.pk]) in body


def test_events_are_listed_and_recorded_on_the_contract(world: World, login: Any) -> None:
    contract = make_contract(world.alpha, world.alpha.clients[0], "EV-1")
    client = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    response = client.post(
        reverse("settlement:event_create", args=[contract.pk]),
        {"date": "2026-10-03", "kind": "session", "account": "A", "ref": "", "note": "evening"},
    )
    assert response.status_code == 302
    assert ContractEvent.objects.filter(contract=contract, kind="session").count() == 1
    page = client.get(reverse("settlement:event_list", args=[contract.pk]))
    assert "evening" in page.content.decode()
    assert (
        login(world.beta.admin)
        .get(reverse("settlement:event_list", args=[contract.pk]))
        .status_code
        == 404
    )


def test_the_api_gives_statements_with_their_lines(world: World, api: Any) -> None:
    statement = sample_statement(world)
    data = (
        api(world.alpha.clients[0].reviewer)
        .get(reverse("statement-detail", args=[statement.pk]))
        .json()
    )
    assert data["period"] == "2026-10"
    assert [line["code"] for line in data["lines"]] == ["fixed", "per_session"]
    assert data["lines"][0]["formula"]


def grow(world: World, n: int) -> None:
    for i in range(n):
        sample_statement(world, i % 2, prefix=f"G{i}")


@pytest.mark.parametrize(
    "url",
    [
        reverse("settlement:statement_list"),
        reverse("settlement:invoice_list"),
        reverse("statement-list"),
        reverse("invoice-list"),
    ],
)
def test_lists_cost_the_same_queries_with_more_rows(
    world: World, login: Any, api: Any, url: str
) -> None:
    client = api(world.alpha.admin) if url.startswith("/api/") else login(world.alpha.admin)
    grow(world, 1)
    sample_invoice(world, 0)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    grow(world, 5)
    sample_invoice(world, 1)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)


def test_the_statement_page_costs_the_same_queries_with_more_lines(
    world: World, login: Any
) -> None:
    statement = sample_statement(world)
    client = login(world.alpha.staff[Role.FINANCE])
    with CaptureQueriesContext(connection) as before:
        client.get(detail(statement))
    # Disputed, so finance may adjust it (set directly: the decision is not what is measured).
    Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.DISPUTED)
    for i in range(3):
        actions.adjust_statement(
            actor=actor(world.alpha.staff[Role.FINANCE]),
            statement=statement,
            amount=i + 1,
            description=f"a{i}",
            reason="r",
        )
    with CaptureQueriesContext(connection) as after:
        client.get(detail(statement))
    assert statement.lines.count() == 5
    assert len(after) == len(before)
