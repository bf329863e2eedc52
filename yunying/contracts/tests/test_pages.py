"""Contract pages for managers and client reviewers, the two-step create form, downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from yunying.contracts import actions, terms
from yunying.contracts.choices import ContractStatus
from yunying.contracts.models import Contract
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

from .helpers import account_terms, world_contract

pytestmark = pytest.mark.django_db


def manager(world: World) -> Any:
    return world.alpha.staff[Role.ACCOUNT_MANAGER]


def test_the_list_shows_a_reviewer_only_their_clients_contracts(world: World, login: Any) -> None:
    own, other = world_contract(world, 0), world_contract(world, 1)
    page = login(world.alpha.clients[0].reviewer).get(reverse("contracts:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert own.number in body
    assert other.number not in body


def test_the_list_filters_by_client_and_status(world: World, login: Any) -> None:
    own, other = world_contract(world, 0), world_contract(world, 1)
    client = login(manager(world))
    body = client.get(reverse("contracts:list"), {"client": own.client_id}).content.decode()
    assert own.number in body
    assert other.number not in body
    body = client.get(reverse("contracts:list"), {"status": "signed"}).content.decode()
    assert own.number not in body


def test_the_detail_page_shows_terms_checks_and_versions(world: World, login: Any) -> None:
    contract = world_contract(world)
    page = login(manager(world)).get(reverse("contracts:detail", args=[contract.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "3,000.00" in body  # the fixed fee, readable
    assert world.alpha.clients[0].account.display_name in body
    assert reverse("contracts:sign", args=[contract.pk]) in body
    assert reverse("contracts:version_yaml", args=[contract.pk, 1]) in body


def test_a_reviewer_reads_the_contract_without_action_buttons(world: World, login: Any) -> None:
    contract = world_contract(world)
    page = login(world.alpha.clients[0].reviewer).get(
        reverse("contracts:detail", args=[contract.pk])
    )
    assert page.status_code == 200
    assert reverse("contracts:sign", args=[contract.pk]) not in page.content.decode()
    response = login(world.alpha.clients[0].reviewer).post(
        reverse("contracts:sign", args=[contract.pk]), {"signed_on": "2026-01-05"}
    )
    assert response.status_code == 403


def test_signed_contract_page_lists_reminders_with_explanations(world: World, login: Any) -> None:
    contract = world_contract(world)
    actions.sign_contract(contract, actor=actor(manager(world)), signed_on=dt.date(2026, 1, 5))
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC), tick=False):
        page = login(manager(world)).get(reverse("contracts:detail", args=[contract.pk]))
    assert "2026-12-31 − 30 天续约通知期 = 2026-12-01" in page.content.decode()


def test_creating_asks_for_the_accounts_once_the_yaml_parses(world: World, login: Any) -> None:
    side = world.alpha.clients[0]
    client = login(manager(world))
    form = {
        "client": side.client.pk,
        "number": "NEW-1",
        "title": "新合同",
        "terms_yaml": terms.dump_yaml(account_terms(side.account)),
    }
    first = client.post(reverse("contracts:create"), form)
    assert first.status_code == 400
    assert 'name="account_A"' in first.content.decode()
    assert not Contract.objects.filter(number="NEW-1").exists()
    second = client.post(reverse("contracts:create"), {**form, "account_A": side.account.pk})
    assert second.status_code == 302
    assert Contract.objects.get(number="NEW-1").account_links.get().account == side.account


def test_yaml_errors_are_shown_by_path(world: World, login: Any) -> None:
    side = world.alpha.clients[0]
    text = terms.dump_yaml(account_terms(side.account)).replace("report_day: 5", "report_day: 40")
    page = login(manager(world)).post(
        reverse("contracts:create"),
        {"client": side.client.pk, "number": "NEW-2", "title": "t", "terms_yaml": text},
    )
    assert page.status_code == 400
    assert "windows.report_day：" in page.content.decode()


def test_terms_can_be_uploaded_as_a_file(world: World, login: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    side = world.alpha.clients[0]
    upload = SimpleUploadedFile(
        "terms.yaml", terms.dump_yaml(account_terms(side.account)).encode(), "application/yaml"
    )
    response = login(manager(world)).post(
        reverse("contracts:create"),
        {
            "client": side.client.pk,
            "number": "NEW-3",
            "title": "t",
            "terms_file": upload,
            "account_A": side.account.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_sign_page_shows_lint_errors_and_refuses(world: World, login: Any) -> None:
    contract = world_contract(world)
    data = account_terms(world.alpha.clients[0].account, windows={"report_day": 5})
    actions.update_draft_terms(contract, actor=actor(manager(world)), terms_data=data)
    client = login(manager(world))
    url = reverse("contracts:sign", args=[contract.pk])
    assert "windows.payment_day" in client.get(url).content.decode()
    response = client.post(url, {"signed_on": "2026-01-05"})
    assert response.status_code == 400
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT


def test_signing_and_amending_through_the_pages(world: World, login: Any) -> None:
    contract = world_contract(world)
    client = login(manager(world))
    response = client.post(
        reverse("contracts:sign", args=[contract.pk]), {"signed_on": "2026-01-05"}
    )
    assert response.status_code == 302
    text = terms.dump_yaml(account_terms(world.alpha.clients[0].account, services=["新增服务"]))
    response = client.post(
        reverse("contracts:amend", args=[contract.pk]),
        {"effective_from": "2026-07", "note": "加服务", "terms_yaml": text},
    )
    assert response.status_code == 302
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "services[0]" in page  # the diff against version 1
    assert "新增服务" in page


def test_the_yaml_download_is_the_stored_terms(world: World, login: Any) -> None:
    contract = world_contract(world)
    response = login(world.alpha.clients[0].reviewer).get(
        reverse("contracts:version_yaml", args=[contract.pk, 1])
    )
    assert response.status_code == 200
    assert terms.load_yaml(response.content.decode()) == contract.versions.get().parsed()


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
        ),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_documents_download_as_docx_and_pdf(
    world: World, login: Any, fmt: str, content_type: str, magic: bytes
) -> None:
    contract = world_contract(world)
    response = login(manager(world)).get(
        reverse("contracts:version_document", args=[contract.pk, 1, fmt])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(magic)


def test_the_api_lists_contracts_with_their_terms(world: World, api: Any) -> None:
    contract = world_contract(world)
    rows = api(world.alpha.clients[0].reviewer).get(reverse("contract-list")).json()["results"]
    [row] = [r for r in rows if r["id"] == contract.pk]
    assert row["accounts"][0]["key"] == "A"
    assert row["versions"][0]["terms"]["id"] == "T-001"


def test_the_detail_page_lists_the_contracts_statements_for_those_who_may_see_them(
    world: World, login: Any
) -> None:
    from yunying.settlement.tests.helpers import sample_statement

    statement = sample_statement(world, prefix="DET")
    link = reverse("settlement:statement_detail", args=[statement.pk])
    url = reverse("contracts:detail", args=[statement.contract_id])
    for user in (world.alpha.staff[Role.FINANCE], world.alpha.clients[0].reviewer):
        body = login(user).get(url).content.decode()
        assert link in body
        assert reverse("settlement:event_list", args=[statement.contract_id]) in body
