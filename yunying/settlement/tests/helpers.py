"""Contracts, facts and statements for settlement tests, made through the actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yunying.contracts.choices import ContractStatus
from yunying.contracts.models import Contract
from yunying.metrics.models import DailyMetric
from yunying.settlement.choices import StatementStatus
from yunying.settlement.models import Invoice, Statement
from yunying.tenancy.choices import Role
from yunying.testing import AgencySide, ClientSide, World, actor

OCTOBER = dt.date(2026, 10, 1)


def terms(number: str, **extra: Any) -> dict[str, Any]:
    """A 2026 monthly contract: 3,000 fixed, 500 per livestream session, late payment 0.05 % a
    day from day 16 after a written notice, payment day 10, review window 3 working days."""
    data: dict[str, Any] = {
        "schema": "yunying.terms/1",
        "id": number,
        "kind": "account_operation",
        "client": "client",
        "agency": "agency",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "accounts": {"A": {"platform": "wechat_oa", "name": "account A"}},
        "fees": {"fixed_monthly": "3000.00", "per_session": "500.00"},
        "penalties": {"late_payment": {"percent_per_day": 0.05, "from_day": 16}},
        "windows": {"review_working_days": 3, "payment_day": 10},
        "clauses": ["liability"],
    }
    data.update(extra)
    return data


KPI = {
    "kpis": [
        {
            "id": "a_growth",
            "account": "A",
            "metric": "followers_net_growth",
            "target": 400,
            "performance_pay": "300.00",
            "cap": 2.0,
        }
    ],
    "settlement": {
        "tiers": [
            {"above": 0.70, "fixed_share": 1.0, "performance": True},
            {"above": 0.50, "fixed_share": 0.8, "performance": False},
            {"fixed_share": 0.0, "performance": False},
        ]
    },
}


def make_contract(
    agency: AgencySide,
    side: ClientSide,
    number: str,
    *,
    status: str = ContractStatus.SIGNED,
    **extra: Any,
) -> Contract:
    """A contract made through the contracts app's actions, signed unless ``status`` says draft."""
    from yunying.contracts import actions as contract_actions

    admin = actor(agency.admin)
    contract = contract_actions.create_contract(
        actor=admin,
        client=side.client,
        number=number,
        title=f"contract {number}",
        terms_data=terms(number, **extra),
        account_links={"A": side.account},
    )
    if status == ContractStatus.SIGNED:
        contract = contract_actions.sign_contract(
            contract, actor=admin, signed_on=dt.date(2025, 12, 20)
        )
    return contract


def growth(side: ClientSide, day: dt.date, new: int, lost: int) -> None:
    """Daily new and lost followers of the client's account."""
    for metric, value in (("followers_new", new), ("followers_lost", lost)):
        DailyMetric.objects.create(
            agency_id=side.client.agency_id,
            client=side.client,
            account=side.account,
            date=day,
            metric=metric,
            value=Decimal(value),
            source="manual",
        )


def sample_statement(world: World, index: int = 0, *, prefix: str = "ISO") -> Statement:
    """A statement of alpha's client ``index`` sent for approval (made once per test)."""
    from yunying.settlement import actions
    from yunying.settlement.engine import Month

    side = world.alpha.clients[index]
    number = f"{prefix}-{'a1' if index == 0 else 'a2'}"
    existing = Statement.objects.filter(contract__number=number).first()
    if existing is not None:
        return existing
    contract = make_contract(world.alpha, side, number)
    finance = actor(world.alpha.staff[Role.FINANCE])
    statement = actions.settle_contract(actor=finance, contract=contract, month=Month(2026, 10))
    return actions.send_statement(actor=finance, statement=statement)


def sample_invoice(world: World, index: int = 0) -> Invoice:
    """The invoice of an approved statement of alpha's client ``index``."""
    from yunying.settlement import actions

    statement = sample_statement(world, index, prefix="PAY")
    if statement.status == StatementStatus.SENT:
        reviewer = actor(world.alpha.clients[index].reviewer)
        statement = actions.approve_statement(actor=reviewer, statement=statement)
    return Invoice.objects.get(statement=statement)
