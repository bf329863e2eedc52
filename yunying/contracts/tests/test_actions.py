"""The write path: validation by YAML path, account binding, signing, amendments, ending."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yunying.accounts import actions as account_actions
from yunying.audit.models import AuditEntry
from yunying.contracts import actions, terms
from yunying.contracts.choices import ContractStatus
from yunying.contracts.models import Contract
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

from .helpers import account_terms, contract_for, terms_data, world_contract

pytestmark = pytest.mark.django_db


def manager(world: World) -> object:
    return actor(world.alpha.staff[Role.ACCOUNT_MANAGER])


def messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


def test_creating_a_contract_stores_version_one_from_the_period_start(world: World) -> None:
    contract = world_contract(world)
    version = contract.versions.get()
    assert contract.status == ContractStatus.DRAFT
    assert contract.kind == "account_operation"
    assert version.number == 1
    assert version.effective_from == dt.date(2026, 1, 1)
    assert contract.account_links.get().account == world.alpha.clients[0].account
    assert AuditEntry.objects.filter(action="contract.create", object_id=str(contract.pk)).exists()


def test_invalid_terms_are_reported_under_terms_with_every_yaml_path(world: World) -> None:
    side = world.alpha.clients[0]
    text = terms.dump_yaml(account_terms(side.account, kpis=[{"id": "k", "account": "Z"}]))
    text = text.replace("fixed_monthly: '3000.00'", "fixed_monthly: lots")
    with pytest.raises(ValidationError) as exc:
        actions.create_contract(
            actor=manager(world),
            client=side.client,
            number="BAD-1",
            title="bad",
            terms_yaml=text,
            account_links={"A": side.account},
        )
    found = messages(exc, "terms")
    assert any(m.startswith("fees.fixed_monthly：") for m in found)
    assert any(m.startswith("kpis[0].account：") for m in found)
    assert any(m.startswith("kpis[0].metric：") for m in found)


def test_yaml_syntax_errors_name_the_line(world: World) -> None:
    side = world.alpha.clients[0]
    with pytest.raises(ValidationError) as exc:
        actions.create_contract(
            actor=manager(world),
            client=side.client,
            number="BAD-2",
            title="bad",
            terms_yaml="schema: [unclosed\nid: x\n",
            account_links={},
        )
    assert "行" in messages(exc, "terms")[0]


def test_every_account_key_must_be_bound(world: World) -> None:
    side = world.alpha.clients[0]
    with pytest.raises(ValidationError) as exc:
        actions.create_contract(
            actor=manager(world),
            client=side.client,
            number="BIND-1",
            title="t",
            terms_data=account_terms(side.account),
            account_links={},
        )
    assert "account_A" in exc.value.message_dict


def test_an_account_of_another_client_cannot_be_bound(world: World) -> None:
    side = world.alpha.clients[0]
    with pytest.raises(ValidationError) as exc:
        actions.create_contract(
            actor=manager(world),
            client=side.client,
            number="BIND-2",
            title="t",
            terms_data=account_terms(side.account),
            account_links={"A": world.alpha.clients[1].account},
        )
    assert "alpha client a1" in messages(exc, "account_A")[0]


def test_the_bound_account_must_be_on_the_platform_the_terms_name(world: World) -> None:
    side = world.alpha.clients[0]
    data = terms_data({"A": ("douyin", "抖音号")})
    with pytest.raises(ValidationError) as exc:
        actions.create_contract(
            actor=manager(world),
            client=side.client,
            number="BIND-3",
            title="t",
            terms_data=data,
            account_links={"A": side.account},
        )
    assert "抖音" in messages(exc, "account_A")[0]


def test_contract_numbers_are_unique_in_the_agency(world: World) -> None:
    contract = world_contract(world)
    with pytest.raises(ValidationError) as exc:
        contract_for(world.alpha.clients[1].account, contract.number, by=manager(world))
    assert contract.number in messages(exc, "number")[0]


def test_another_agency_may_reuse_a_number(world: World) -> None:
    contract = world_contract(world)
    beta_manager = actor(world.beta.staff[Role.ACCOUNT_MANAGER])
    other = contract_for(world.beta.clients[0].account, contract.number, by=beta_manager)
    assert other.number == contract.number


def test_client_reviewer_and_finance_cannot_create_contracts(world: World) -> None:
    side = world.alpha.clients[0]
    for user in (side.reviewer, world.alpha.staff[Role.FINANCE]):
        with pytest.raises(PermissionDenied):
            contract_for(side.account, "NOPE-1", by=actor(user))
    assert not Contract.objects.filter(number="NOPE-1").exists()


def test_a_manager_of_another_agency_cannot_create_for_this_client(world: World) -> None:
    with pytest.raises(PermissionDenied):
        contract_for(
            world.alpha.clients[0].account,
            "NOPE-2",
            by=actor(world.beta.staff[Role.ACCOUNT_MANAGER]),
        )


def test_draft_terms_change_in_place(world: World) -> None:
    contract = world_contract(world)
    data = account_terms(world.alpha.clients[0].account, services=["改过的服务"])
    actions.update_draft_terms(contract, actor=manager(world), terms_data=data)
    version = contract.versions.get()
    assert version.terms["services"] == ["改过的服务"]


def test_signing_is_refused_while_the_linter_finds_errors(world: World) -> None:
    account = world.alpha.clients[0].account
    data = account_terms(account, windows={"report_day": 5})  # no payment day
    contract = contract_for(account, "LINT-1", by=manager(world))
    actions.update_draft_terms(contract, actor=manager(world), terms_data=data)
    with pytest.raises(ValidationError) as exc:
        actions.sign_contract(contract, actor=manager(world), signed_on=dt.date(2026, 1, 5))
    assert any("windows.payment_day" in m for m in exc.value.messages)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


def test_signing_records_the_date_in_the_terms(world: World) -> None:
    contract = world_contract(world)
    actions.sign_contract(contract, actor=manager(world), signed_on=dt.date(2026, 1, 5))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED
    assert contract.signed_on == dt.date(2026, 1, 5)
    assert contract.versions.get().terms["signed_on"] == "2026-01-05"


def test_a_signed_contracts_terms_do_not_change_in_place(world: World) -> None:
    contract = world_contract(world)
    actions.sign_contract(contract, actor=manager(world), signed_on=dt.date(2026, 1, 5))
    with pytest.raises(ValidationError):
        actions.update_draft_terms(
            contract, actor=manager(world), terms_data=account_terms(world.alpha.clients[0].account)
        )


def signed(world: World) -> Contract:
    contract = world_contract(world)
    return actions.sign_contract(contract, actor=manager(world), signed_on=dt.date(2026, 1, 5))


def test_an_amendment_is_a_new_version_from_the_first_of_a_month(world: World) -> None:
    contract = signed(world)
    data = account_terms(world.alpha.clients[0].account, fees={"fixed_monthly": "3500.00"})
    version = actions.amend_contract(
        contract,
        actor=manager(world),
        terms_data=data,
        effective_from=dt.date(2026, 6, 1),
        note="涨价",
    )
    assert version.number == 2
    assert version.terms["signed_on"] == "2026-01-05"
    assert contract.version_on(dt.date(2026, 5, 31)).number == 1  # type: ignore[union-attr]
    assert contract.version_on(dt.date(2026, 6, 1)).number == 2  # type: ignore[union-attr]


def test_an_amendment_must_start_on_the_first_of_a_month(world: World) -> None:
    contract = signed(world)
    with pytest.raises(ValidationError) as exc:
        actions.amend_contract(
            contract,
            actor=manager(world),
            terms_data=account_terms(world.alpha.clients[0].account),
            effective_from=dt.date(2026, 6, 15),
        )
    assert "effective_from" in exc.value.message_dict


def test_an_amendment_must_start_after_the_last_version(world: World) -> None:
    contract = signed(world)
    account = world.alpha.clients[0].account
    actions.amend_contract(
        contract,
        actor=manager(world),
        terms_data=account_terms(account),
        effective_from=dt.date(2026, 6, 1),
    )
    with pytest.raises(ValidationError) as exc:
        actions.amend_contract(
            contract,
            actor=manager(world),
            terms_data=account_terms(account),
            effective_from=dt.date(2026, 6, 1),
        )
    assert "2026-06-01" in messages(exc, "effective_from")[0]


def test_an_amendment_keeps_the_terms_id_kind_and_client(world: World) -> None:
    contract = signed(world)
    data = account_terms(world.alpha.clients[0].account, id="OTHER", kind="yearly_hosting")
    with pytest.raises(ValidationError) as exc:
        actions.amend_contract(
            contract, actor=manager(world), terms_data=data, effective_from=dt.date(2026, 6, 1)
        )
    message = messages(exc, "terms")[0]
    assert "OTHER" in message
    assert "yearly_hosting" in message


def test_a_draft_cannot_be_amended(world: World) -> None:
    contract = world_contract(world)
    with pytest.raises(ValidationError):
        actions.amend_contract(
            contract,
            actor=manager(world),
            terms_data=account_terms(world.alpha.clients[0].account),
            effective_from=dt.date(2026, 6, 1),
        )


def test_termination_needs_a_reason_and_ends_the_contract(world: World) -> None:
    contract = signed(world)
    with pytest.raises(ValidationError):
        actions.terminate_contract(
            contract, actor=manager(world), ended_on=dt.date(2026, 3, 1), reason=" "
        )
    actions.terminate_contract(
        contract, actor=manager(world), ended_on=dt.date(2026, 3, 1), reason="账号无法使用超过 7 天"
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.TERMINATED
    assert contract.ended_on == dt.date(2026, 3, 1)
    with pytest.raises(ValidationError):
        actions.end_contract(contract, actor=manager(world), ended_on=dt.date(2026, 3, 2))


def test_the_team_is_chosen_from_the_clients_current_seats(world: World) -> None:
    contract = world_contract(world)
    own = world.alpha.clients[0].team_member
    other = world.alpha.clients[1].team_member
    actions.set_contract_team(contract, actor=manager(world), team=[own])
    assert list(contract.team.all()) == [own]
    with pytest.raises(ValidationError):
        actions.set_contract_team(contract, actor=manager(world), team=[other])


def test_yaml_export_reads_back_as_the_same_terms(world: World) -> None:
    version = world_contract(world).versions.get()
    assert terms.load_yaml(actions.export_yaml(version)) == version.parsed()


def test_archived_accounts_stay_bound(world: World) -> None:
    # Archiving an account does not rewrite contracts that name it (history keeps its meaning).
    contract = world_contract(world)
    account_actions.archive_account(world.alpha.clients[0].account, actor=manager(world))
    assert contract.account_links.get().account_id == world.alpha.clients[0].account.pk
