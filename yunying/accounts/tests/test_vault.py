"""The credential vault: encrypted at rest, revealed only with permission and reason, audited,
and the plaintext never reaches logs, API answers, the admin or error pages."""

from __future__ import annotations

import logging
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from yunying.accounts import actions, vault
from yunying.accounts.models import AccountChangeRequest, Credential
from yunying.audit.models import AuditEntry
from yunying.tenancy.choices import Role
from yunying.testing import SECRET_PREFIX, World, actor

pytestmark = pytest.mark.django_db


def a1(world: World) -> Any:
    return world.alpha.clients[0]


def broken_render(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("template exploded")


def raw_rows(table: str) -> str:
    """Everything in a table as the database stores it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names from tests
        return repr(cursor.fetchall())


# --- Encryption at rest -----------------------------------------------------------------------


def test_password_is_stored_encrypted(world: World) -> None:
    side = a1(world)
    stored = raw_rows("accounts_credential")
    assert side.secret not in stored
    assert SECRET_PREFIX not in stored
    assert vault.decrypt(Credential.objects.get(pk=side.credential.pk).ciphertext) == side.secret


def test_vault_refuses_to_work_without_a_key(settings: Any, tmp_path: Any) -> None:
    settings.YUNYING_VAULT_KEYS = ""
    settings.YUNYING_VAULT_KEY_FILE = str(tmp_path / "missing.keys")
    with pytest.raises(vault.VaultNotConfigured, match="vault init"):
        vault.encrypt("x")


def test_key_file_is_read_newest_first(settings: Any, tmp_path: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    old_token = Fernet(old.encode()).encrypt(b"kept").decode()
    settings.YUNYING_VAULT_KEYS = ""
    settings.YUNYING_VAULT_KEY_FILE = str(tmp_path / "vault.keys")
    vault.write_key_file([new, old])
    assert oct((tmp_path / "vault.keys").stat().st_mode & 0o777) == "0o600"
    assert vault.decrypt(old_token) == "kept"
    assert Fernet(new.encode()).decrypt(vault.encrypt("fresh").encode()) == b"fresh"


# --- Reveal -----------------------------------------------------------------------------------


def test_team_member_reveals_with_a_reason_and_it_is_audited(world: World) -> None:
    side = a1(world)
    editor = world.alpha.staff[Role.EDITOR]
    secret = actions.reveal_credential(
        side.credential, actor=actor(editor), reason="发布今晚的视频"
    )
    assert str(secret) == side.secret
    assert side.secret not in repr(secret)
    entry = AuditEntry.objects.filter(action="credential.reveal").latest("id")
    assert (entry.actor_id, entry.reason) == (editor.pk, "发布今晚的视频")
    assert entry.client_id == side.client.pk
    assert side.secret not in repr(entry.data) + entry.reason + entry.object_repr


@pytest.mark.parametrize("reason", ["", "   ", "ab"])
def test_reveal_needs_a_typed_reason(world: World, reason: str) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        actions.reveal_credential(
            a1(world).credential, actor=actor(world.alpha.admin), reason=reason
        )
    assert "reason" in caught.value.message_dict
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SUPERVISOR, Role.CLIENT_REVIEWER])
def test_roles_without_the_permission_cannot_reveal(world: World, role: str) -> None:
    user = a1(world).reviewer if role == Role.CLIENT_REVIEWER else world.alpha.staff[role]
    with pytest.raises(PermissionDenied):
        actions.reveal_credential(a1(world).credential, actor=actor(user), reason="just looking")


def test_permitted_role_off_the_team_cannot_reveal(world: World) -> None:
    outsider_editor = world.alpha.staff[Role.EDITOR]
    from yunying.tenancy.models import TeamMember

    TeamMember.objects.filter(user=outsider_editor).update(left_on="2026-01-01")
    with pytest.raises(PermissionDenied):
        actions.reveal_credential(
            a1(world).credential, actor=actor(outsider_editor), reason="not my client"
        )


def test_reveal_page_shows_the_password_once_and_is_not_cached(world: World, login: Any) -> None:
    side = a1(world)
    client = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    detail = client.get(reverse("accounts:detail", args=[side.account.pk]))
    assert side.secret not in detail.content.decode()
    response = client.post(
        reverse("accounts:reveal", args=[side.account.pk]), {"reason": "更新自动回复"}
    )
    assert response.status_code == 200
    assert side.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_reveal_page_without_reason_shows_the_field_error(world: World, login: Any) -> None:
    side = a1(world)
    response = login(world.alpha.admin).post(
        reverse("accounts:reveal", args=[side.account.pk]), {"reason": "x"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field="reason"' in body
    assert side.secret not in body


# --- Plaintext never leaks --------------------------------------------------------------------


def test_no_api_answer_carries_a_password_or_ciphertext(world: World, api: Any) -> None:
    side = a1(world)
    ciphertext = Credential.objects.get(pk=side.credential.pk).ciphertext
    client = api(world.alpha.admin)
    urls = [
        reverse("account-list"),
        reverse("account-detail", args=[side.account.pk]),
        reverse("credential-list"),
        reverse("credential-detail", args=[side.credential.pk]),
        reverse("account-change-list"),
        reverse("audit-entry-list"),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert side.secret not in body, url
        assert ciphertext not in body, url
        assert "ciphertext" not in body, url


def test_admin_pages_show_no_secret(world: World, login: Any) -> None:
    side = a1(world)
    ciphertext = Credential.objects.get(pk=side.credential.pk).ciphertext
    for user in (world.alpha.admin, world.operator):
        client = login(user)
        for url in (
            reverse("admin:accounts_credential_changelist"),
            reverse("admin:accounts_credential_change", args=[side.credential.pk]),
            reverse("admin:accounts_accountchangerequest_changelist"),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert side.secret not in body
            assert ciphertext not in body


def test_plaintext_never_reaches_the_logs(world: World, login: Any, caplog: Any) -> None:
    """Store, reveal and change a password with SQL logging on: no log line holds a secret."""
    side = a1(world)
    manager = world.alpha.staff[Role.ACCOUNT_MANAGER]
    new_secret = f"{SECRET_PREFIX}rotated-by-request"
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    connection.force_debug_cursor = True
    try:
        client = login(manager)
        client.post(reverse("accounts:reveal", args=[side.account.pk]), {"reason": "排查登录问题"})
        client.post(
            reverse("accounts:change_create", args=[side.account.pk]),
            {"kind": "password", "password": new_secret, "reason": "定期更换"},
        )
        change = AccountChangeRequest.objects.get(account=side.account, kind="password")
        login(side.reviewer).post(
            reverse("accounts:change_decide", args=[change.pk]), {"decision": "approve"}
        )
        client.post(reverse("accounts:reveal", args=[side.account.pk]), {"reason": "验证新密码"})
        # A bad request is logged with its URL: make sure it carries no secret either.
        client.post(
            reverse("accounts:credential_store", args=[side.account.pk]),
            {"login": "x", "password": new_secret},
        )
    finally:
        connection.force_debug_cursor = False
    assert any("accounts_credential" in r.getMessage() for r in caplog.records), "SQL not logged"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert side.secret not in logged
    assert new_secret not in logged
    assert vault.decrypt(Credential.objects.get(pk=side.credential.pk).ciphertext) == new_secret


def test_error_page_does_not_show_the_password(
    world: World, settings: Any, monkeypatch: Any
) -> None:
    """Even Django's debug error page, with its local variables and POST data, hides it."""
    settings.DEBUG = True
    side = a1(world)
    monkeypatch.setattr("yunying.accounts.views.render", broken_render)
    client = HttpClient(raise_request_exception=False)
    client.force_login(world.alpha.admin)
    response = client.post(
        reverse("accounts:reveal", args=[side.account.pk]), {"reason": "看看错误页"}
    )
    assert response.status_code == 500
    body = response.content.decode()
    assert "template exploded" in body  # it is the debug page, with frames and locals
    assert side.secret not in body

    monkeypatch.setattr("yunying.core.views.redirect", broken_render)
    new_secret = f"{SECRET_PREFIX}posted-then-crashed"
    response = client.post(
        reverse("accounts:change_create", args=[side.account.pk]),
        {"kind": "password", "password": new_secret, "reason": "crash me"},
    )
    assert response.status_code == 500
    assert new_secret not in response.content.decode()


# --- Name and password change only with the client's approval ---------------------------------


def test_agency_cannot_rename_directly(world: World, api: Any) -> None:
    side = a1(world)
    response = api(world.alpha.admin).patch(
        reverse("account-detail", args=[side.account.pk]),
        {"display_name": "偷改的名字"},
        format="json",
    )
    assert response.status_code == 400
    assert "display_name" in response.json()
    side.account.refresh_from_db()
    assert side.account.display_name != "偷改的名字"


def test_agency_cannot_overwrite_a_stored_password(world: World, api: Any) -> None:
    side = a1(world)
    with pytest.raises(ValidationError):
        actions.store_credential(
            side.account, actor=actor(world.alpha.admin), login="l", password="new"
        )
    response = api(world.alpha.admin).patch(
        reverse("account-detail", args=[side.account.pk]), {"password": "new-one"}, format="json"
    )
    assert response.status_code == 400
    assert vault.decrypt(Credential.objects.get(pk=side.credential.pk).ciphertext) == side.secret


def test_password_change_applies_only_when_the_client_approves(world: World) -> None:
    side = a1(world)
    manager = actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    change = actions.request_account_change(
        side.account, actor=manager, kind="password", password="Next-Pass-1", reason="季度更换"
    )
    assert vault.decrypt(Credential.objects.get(pk=side.credential.pk).ciphertext) == side.secret
    with pytest.raises(PermissionDenied):
        actions.decide_account_change(change, actor=manager, approve=True)
    other_reviewer = actor(world.alpha.clients[1].reviewer)
    with pytest.raises(PermissionDenied):
        actions.decide_account_change(change, actor=other_reviewer, approve=True)
    actions.decide_account_change(change, actor=actor(side.reviewer), approve=True)
    assert vault.decrypt(Credential.objects.get(pk=side.credential.pk).ciphertext) == "Next-Pass-1"
    change.refresh_from_db()
    assert change.proposed_ciphertext == ""
    assert AuditEntry.objects.filter(
        action="account.change_approved", object_id=str(change.pk)
    ).exists()


def test_rejected_rename_changes_nothing_and_needs_a_reason(world: World) -> None:
    side = a1(world)
    change = side.account_change
    with pytest.raises(ValidationError):
        actions.decide_account_change(change, actor=actor(side.reviewer), approve=False)
    actions.decide_account_change(
        change, actor=actor(side.reviewer), approve=False, comment="名字不合适"
    )
    side.account.refresh_from_db()
    assert side.account.display_name == "alpha account a1"


def test_approved_rename_is_applied(world: World) -> None:
    side = a1(world)
    actions.decide_account_change(side.account_change, actor=actor(side.reviewer), approve=True)
    side.account.refresh_from_db()
    assert side.account.display_name == "alpha renamed a1"


# --- Rotation ---------------------------------------------------------------------------------


def test_rotate_reencrypts_everything_under_the_new_key(world: World, settings: Any) -> None:
    side = a1(world)
    actions.request_account_change(
        side.account,
        actor=actor(world.alpha.admin),
        kind="password",
        password="Pending-Pass",
        reason="待审批",
    )
    from yunying.editorial.actions import configure_publisher
    from yunying.notify.tests.helpers import sample_group_bot

    bot = sample_group_bot(world)
    publisher = configure_publisher(
        actor=actor(world.alpha.admin),
        account=side.account,
        mode="wechat_oa",
        appid="wx1",
        secret="app-secret-1",
    )
    old_key = settings.YUNYING_VAULT_KEYS
    new_key = Fernet.generate_key().decode()
    settings.YUNYING_VAULT_KEYS = f"{new_key},{old_key}"
    out = StringIO()
    call_command("vault", "rotate", stdout=out)
    assert "Re-encrypted 7 stored secrets" in out.getvalue()
    assert "credential.ciphertext 4" in out.getvalue()
    assert "accountchangerequest.proposed_ciphertext 1" in out.getvalue()
    settings.YUNYING_VAULT_KEYS = new_key  # the old key is gone now
    for credential in Credential.objects.all():
        assert vault.decrypt(credential.ciphertext).startswith(SECRET_PREFIX)
    pending = AccountChangeRequest.objects.exclude(proposed_ciphertext="").get()
    assert vault.decrypt(pending.proposed_ciphertext) == "Pending-Pass"
    bot.refresh_from_db()
    assert vault.decrypt(bot.webhook_ciphertext).endswith("alpha-key-a1")
    publisher.refresh_from_db()
    assert vault.decrypt(publisher.secret_ciphertext) == "app-secret-1"
    assert AuditEntry.objects.filter(action="vault.rotate").exists()


def test_rotate_with_a_missing_key_changes_nothing(world: World, settings: Any) -> None:
    before = dict(Credential.objects.values_list("pk", "ciphertext"))
    settings.YUNYING_VAULT_KEYS = Fernet.generate_key().decode()  # the real key dropped too early
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("vault", "rotate", stdout=StringIO())
    assert dict(Credential.objects.values_list("pk", "ciphertext")) == before


def test_rotate_add_key_writes_the_key_file(settings: Any, tmp_path: Any, world: World) -> None:
    old = settings.YUNYING_VAULT_KEYS
    settings.YUNYING_VAULT_KEYS = ""
    settings.YUNYING_VAULT_KEY_FILE = str(tmp_path / "vault.keys")
    vault.write_key_file([old])
    call_command("vault", "rotate", "--add-key", stdout=StringIO())
    keys = vault.configured_keys()
    assert len(keys) == 2
    assert keys[1] == old
    assert all(vault.is_current(c) for c in Credential.objects.values_list("ciphertext", flat=True))


def test_error_inside_the_action_does_not_show_the_password(
    world: World, settings: Any, tmp_path: Any
) -> None:
    """A crash inside the vault while a new password is being stored: frames of the view, the
    form helper and the action all hold it, and the debug page shows none of them."""
    settings.DEBUG = True
    side = a1(world)
    # The vault key goes missing: the real encrypt() fails with the password in hand.
    settings.YUNYING_VAULT_KEYS = ""
    settings.YUNYING_VAULT_KEY_FILE = str(tmp_path / "gone.keys")
    client = HttpClient(raise_request_exception=False)
    client.force_login(world.alpha.admin)
    new_secret = f"{SECRET_PREFIX}crashed-in-the-vault"
    response = client.post(
        reverse("accounts:change_create", args=[side.account.pk]),
        {"kind": "password", "password": new_secret, "reason": "crash inside"},
    )
    assert response.status_code == 500
    body = response.content.decode()
    assert "VaultNotConfigured" in body
    assert new_secret not in body
