"""Terms and contracts for tests: a complete, lint-clean monthly operation contract."""

from __future__ import annotations

import copy
from typing import Any

from yunying.accounts.models import PlatformAccount
from yunying.contracts import actions
from yunying.contracts.models import Contract
from yunying.tenancy.choices import Role
from yunying.testing import World, actor


def terms_data(accounts: dict[str, tuple[str, str]], **changes: Any) -> dict[str, Any]:
    """Terms that parse and pass the linter; ``changes`` replace top-level keys."""
    data: dict[str, Any] = {
        "schema": "yunying.terms/1",
        "id": "T-001",
        "kind": "account_operation",
        "client": "测试客户",
        "agency": "测试代运营",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "renewal": {"notice_days": 30},
        "accounts": {k: {"platform": p, "name": n} for k, (p, n) in accounts.items()},
        "services": ["公众号日常运营"],
        "fees": {
            "fixed_monthly": "3000.00",
            "one_off": [{"label": "开通费", "amount": "500.00", "due_working_days": 5}],
        },
        "windows": {"report_day": 5, "payment_day": 10},
        "clauses": ["liability", "dispute"],
    }
    data.update(copy.deepcopy(changes))
    return data


def account_terms(account: PlatformAccount, **changes: Any) -> dict[str, Any]:
    return terms_data({"A": (str(account.platform), account.display_name)}, **changes)


def contract_for(account: PlatformAccount, number: str, *, by: Any, **changes: Any) -> Contract:
    """A draft contract of the account's client, its one account bound as ``A``."""
    return actions.create_contract(
        actor=by,
        client=account.client,
        number=number,
        title=f"contract {number}",
        terms_data=account_terms(account, **changes),
        account_links={"A": account},
    )


def world_contract(world: World, index: int = 0) -> Contract:
    """The contract of alpha's client a1 (index 0) or a2 (1), made once per test."""
    side = world.alpha.clients[index]
    number = f"CT-{side.client.name.split()[-1]}-001"
    found = Contract.objects.filter(agency=world.alpha.agency, number=number).first()
    if found is not None:
        return found
    manager = actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    return contract_for(side.account, number, by=manager)
