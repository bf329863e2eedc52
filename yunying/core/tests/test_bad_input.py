"""Bad input gets a clear error naming the field, and nothing is half-written."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yunying.accounts.models import Credential, PlatformAccount
from yunying.audit.models import AuditEntry
from yunying.tenancy.choices import Role
from yunying.tenancy.models import Client, Membership, User
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        PlatformAccount.objects.count(),
        Credential.objects.count(),
        AuditEntry.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Client.objects.count(),
    )


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"client", "platform", "platform_id", "display_name"}),
        (
            {"platform": "weibo", "platform_id": "x", "display_name": "x"},
            {"platform"},
        ),
        (
            {"platform": "wechat_oa", "platform_id": "gh_new", "display_name": "新号"},
            {"oa_type"},
        ),
        (
            {
                "platform": "douyin",
                "platform_id": "dy_new",
                "display_name": "新号",
                "oa_type": "service",
            },
            {"oa_type"},
        ),
        (
            {
                "platform": "douyin",
                "platform_id": "dy_new",
                "display_name": "新号",
                "followers_at_signing": -5,
                "certification_expires_on": "2026-13-40",
            },
            {"followers_at_signing", "certification_expires_on"},
        ),
        (
            {
                "platform": "wechat_oa",
                "platform_id": "gh_a1",
                "display_name": "重复",
                "oa_type": "service",
            },
            {"platform_id"},
        ),
        (
            {
                "platform": "douyin",
                "platform_id": "dy_new",
                "display_name": "新号",
                "password": "only-a-password",
            },
            {"login"},
        ),
    ],
)
def test_api_rejects_bad_accounts_by_field(
    world: World, api: Any, payload: dict[str, Any], fields: set[str]
) -> None:
    if payload:
        payload = {"client": world.alpha.clients[0].client.pk, **payload}
    before = counts()
    response = api(world.alpha.admin).post(reverse("account-list"), payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields
    for messages in response.json().values():
        assert messages
        assert all(isinstance(m, str) and m for m in messages)
    assert counts() == before


def test_account_and_login_are_one_write(world: World, api: Any, monkeypatch: Any) -> None:
    """If storing the credential fails after the account row was written, neither stays."""
    from yunying.accounts import vault

    def failing_encrypt(plaintext: str) -> str:
        raise vault.VaultNotConfigured("key file vanished")

    monkeypatch.setattr(vault, "encrypt", failing_encrypt)
    before = counts()
    with pytest.raises(vault.VaultNotConfigured):
        api(world.alpha.admin).post(
            reverse("account-list"),
            {
                "client": world.alpha.clients[0].client.pk,
                "platform": "douyin",
                "platform_id": "dy_atomic",
                "display_name": "原子",
                "login": "l",
                "password": "p",
            },
            format="json",
        )
    assert counts() == before
    assert not PlatformAccount.objects.filter(platform_id="dy_atomic").exists()


def test_person_and_role_are_one_write(world: World, monkeypatch: Any) -> None:
    """A failure while writing the audit entry leaves no login and no role behind."""
    from yunying.tenancy import actions

    def failing_record(**kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(actions, "record", failing_record)
    before = counts()
    with pytest.raises(RuntimeError):
        actions.add_person(
            actor=actor(world.alpha.admin),
            username="half_written",
            password="pw-12345678",
            role=Role.EDITOR,
        )
    assert counts() == before
    assert not User.objects.filter(username="half_written").exists()


def test_api_client_errors_name_fields(world: World, api: Any) -> None:
    client = api(world.alpha.admin)
    response = client.post(reverse("client-list"), {"name": "", "status": "gone"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "status"}
    response = client.post(
        reverse("client-list"), {"name": world.alpha.clients[0].client.name}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name"}


def test_api_agency_settings_validate_reminder_days(world: World, api: Any) -> None:
    url = reverse("agency-detail", args=[world.alpha.agency.pk])
    response = api(world.alpha.admin).patch(
        url, {"certification_reminder_days": [30, -1]}, format="json"
    )
    assert response.status_code == 400
    assert "certification_reminder_days" in response.json()
    response = api(world.alpha.admin).patch(
        url, {"certification_reminder_days": [7, 60, 30]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["certification_reminder_days"] == [60, 30, 7]


def test_person_api_reports_each_bad_field(world: World, api: Any) -> None:
    response = api(world.alpha.admin).post(
        reverse("membership-list"),
        {"username": "alpha_editor", "password": "short", "role": "overlord"},
        format="json",
    )
    assert response.status_code == 400
    assert {"password", "role"} <= set(response.json())
    response = api(world.alpha.admin).post(
        reverse("membership-list"),
        {"username": "alpha_editor", "password": "long-enough-1", "role": "editor"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"username"}
    response = api(world.alpha.admin).post(
        reverse("membership-list"),
        {"username": "new_reviewer", "password": "long-enough-1", "role": "client_reviewer"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"client"}


def test_form_shows_errors_next_to_fields(world: World, login: Any) -> None:
    before = counts()
    response = login(world.alpha.admin).post(
        reverse("accounts:create"),
        {
            "client": world.alpha.clients[0].client.pk,
            "platform": "wechat_oa",
            "platform_id": "",
            "display_name": "缺少字段",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-field="platform_id"' in body
    assert 'aria-invalid="true"' in body
    assert counts() == before


def test_form_shows_action_errors_by_field(world: World, login: Any) -> None:
    response = login(world.alpha.admin).post(
        reverse("accounts:create"),
        {
            "client": world.alpha.clients[0].client.pk,
            "platform": "wechat_oa",
            "platform_id": "gh_x",
            "display_name": "没有类型",
            "followers_at_signing": 0,
        },
    )
    body = response.content.decode()
    assert 'data-field="oa_type"' in body
    assert not PlatformAccount.objects.filter(platform_id="gh_x").exists()


def test_form_never_echoes_a_password(world: World, login: Any) -> None:
    response = login(world.alpha.admin).post(
        reverse("accounts:create"),
        {
            "client": world.alpha.clients[0].client.pk,
            "platform": "wechat_oa",
            "platform_id": "",
            "display_name": "x",
            "login": "l",
            "password": "Echo-Me-Not",
        },
    )
    assert "Echo-Me-Not" not in response.content.decode()


def test_weak_passwords_are_refused_by_field(world: World, api: Any) -> None:
    before = counts()
    response = api(world.alpha.admin).post(
        reverse("membership-list"),
        {"username": "weak_one", "password": "12345678", "role": "editor"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"password"}
    assert counts() == before
