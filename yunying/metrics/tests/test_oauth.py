"""Douyin authorisation from the account's data page, round trip through the local fake of
Douyin's authorisation page and token endpoint: the owner's consent gives the sync its tokens,
a refusal or a forged, stale or foreign ``state`` stores nothing."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from yunying.accounts import vault
from yunying.adapters.platform_data import days_between
from yunying.adapters.tests.fake_douyin import FakeDouyin
from yunying.audit.models import AuditEntry
from yunying.metrics import actions, oauth, runs
from yunying.metrics.models import DailyMetric, SyncConfig
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake() -> Iterator[FakeDouyin]:
    with FakeDouyin() as server:
        yield server


@pytest.fixture
def connected(world: World, douyin: Any, fake: FakeDouyin) -> SyncConfig:
    """The account's sync with the app's key and secret saved, not yet authorised."""
    return actions.configure_sync(
        actor=actor(world.alpha.admin),
        account=douyin,
        app_id=fake.client_key,
        secret=fake.client_secret,
        api_base=fake.base_url,
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def at_douyin(url: str) -> str:
    """The owner opens the authorisation page; returns where Douyin sends the browser back."""
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(url, timeout=5)
    assert answer.value.code == 302
    return str(answer.value.headers["Location"])


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def local(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def start(client: Any, account_pk: int) -> str:
    answer = client.post(reverse("metrics:douyin_authorise", args=[account_pk]))
    assert answer.status_code == 302
    return str(answer["Location"])


def seed(fake: FakeDouyin) -> None:
    """Douyin has figures for the 30 days before the fake's today."""
    yesterday = fake.today() - dt.timedelta(days=1)
    for n, day in enumerate(days_between(yesterday - dt.timedelta(days=29), yesterday)):
        date = day.isoformat()
        fake.seed_user_data("fans", [{"date": date, "total_fans": 500 + n, "new_fans": 1}])
        fake.seed_user_data("like", [{"date": date, "new_like": 10}])
        fake.seed_user_data("comment", [{"date": date, "new_comment": 2}])
        fake.seed_user_data("share", [{"date": date, "new_share": 1}])
        fake.seed_user_data("item", [{"date": date, "new_play": 300}])


def button(page: str) -> str:
    """The authorise button's opening tag."""
    at = page.index('id="authorise-douyin"')
    return page[page.rindex("<button", 0, at) : page.index(">", at) + 1]


def test_the_owners_consent_gives_the_sync_its_tokens(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    page = manager.get(reverse("metrics:account", args=[douyin.pk])).content.decode()
    assert 'id="authorise-douyin"' in page
    url = start(manager, douyin.pk)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert url.startswith(fake.base_url + "/platform/oauth/connect/")
    assert query["client_key"] == fake.client_key
    assert query["redirect_uri"] == oauth.redirect_uri()
    assert "data.external.user" in query["scope"].split(",")
    back = at_douyin(url)
    assert back.startswith(oauth.redirect_uri())
    answer = manager.get(local(back))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("metrics:account", args=[douyin.pk])
    connected.refresh_from_db()
    assert connected.open_id == fake.open_id
    tokens = json.loads(vault.decrypt(connected.tokens_ciphertext))
    assert tokens["access_token"].startswith("act.fake")
    entry = AuditEntry.objects.get(action="metrics.sync_authorise")
    written = json.dumps(entry.data)
    for secret in (tokens["access_token"], tokens["refresh_token"], fake.client_secret):
        assert secret not in written
    assert "授权" in manager.get(reverse("metrics:account", args=[douyin.pk])).content.decode()
    # The next round syncs with those tokens.
    now = dt.datetime.now(dt.UTC)
    seed(fake)
    with time_machine.travel(now, tick=False):
        assert runs.sync_account(connected.pk, now=now) == "ok"
    assert DailyMetric.objects.filter(account=douyin, metric="followers_total").exists()


def test_a_refusal_stores_nothing(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    fake.owner_declines = "access_denied"
    back = at_douyin(start(manager, douyin.pk))
    assert "error=access_denied" in back
    answer = manager.get(local(back), follow=True)
    assert "用户取消授权" in answer.content.decode()
    # An error wins over a code sent along with it.
    fake.owner_declines = ""
    back = at_douyin(start(manager, douyin.pk))
    manager.get(local(back) + "&error=access_denied")
    connected.refresh_from_db()
    assert connected.tokens_ciphertext == ""
    assert not AuditEntry.objects.filter(action="metrics.sync_authorise").exists()


def test_a_code_douyin_rejects_stores_nothing(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    back = at_douyin(start(manager, douyin.pk))
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(back).query))
    forged = {**query, "code": "code-not-issued"}
    path = reverse("metrics:douyin_callback") + "?" + urllib.parse.urlencode(forged)
    body = manager.get(path, follow=True).content.decode()
    assert "授权码无效或已过期" in body
    connected.refresh_from_db()
    assert connected.tokens_ciphertext == ""


def test_a_forged_stale_or_foreign_state_is_refused(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    callback = reverse("metrics:douyin_callback")
    forged = signing.dumps({"a": douyin.pk, "u": 1, "n": "x"}, salt="another salt")
    assert manager.get(f"{callback}?code=c&state={forged}").status_code == 400
    back = at_douyin(start(manager, douyin.pk))
    # Another person of the same agency cannot finish it, even with the whole URL.
    admin = login(world.alpha.admin)
    assert admin.get(local(back)).status_code == 400
    # Nor another person in a session holding the starter's nonce.
    session = admin.session
    session[oauth.SESSION_KEY] = {
        str(douyin.pk): signing.loads(query_of(back)["state"], salt=oauth.SALT)["n"]
    }
    session.save()
    assert admin.get(local(back)).status_code == 400
    # Nor the starter after ten minutes.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=oauth.STATE_MAX_AGE + 5)
    with time_machine.travel(later):
        stale = manager.get(local(back))
    assert stale.status_code == 400
    assert "太久" in stale.content.decode()
    connected.refresh_from_db()
    assert connected.tokens_ciphertext == ""


def test_another_agency_and_a_content_writer_cannot_start_it(
    world: World, login: Any, douyin: Any, connected: SyncConfig
) -> None:
    url = reverse("metrics:douyin_authorise", args=[douyin.pk])
    assert login(world.beta.admin).post(url).status_code == 404
    assert login(world.alpha.staff[Role.COPYWRITER]).post(url).status_code == 403


def test_tokens_of_another_douyin_account_are_refused_once_data_is_stored(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    manager.get(local(at_douyin(start(manager, douyin.pk))))
    SyncConfig.objects.filter(pk=connected.pk).update(synced_through=dt.date(2026, 10, 1))
    first = SyncConfig.objects.get(pk=connected.pk).tokens_ciphertext
    fake.open_id = "_000AnotherOwner-9a9a"
    body = manager.get(local(at_douyin(start(manager, douyin.pk))), follow=True)
    assert "另一个抖音账号" in body.content.decode()
    connected.refresh_from_db()
    assert connected.open_id != fake.open_id
    assert connected.tokens_ciphertext == first


def test_a_missing_or_tampered_state_is_refused(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    back = at_douyin(start(manager, douyin.pk))
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(back).query))
    callback = reverse("metrics:douyin_callback")
    missing = manager.get(f"{callback}?code={query['code']}")
    assert missing.status_code == 400
    assert "这次授权不是从本平台发起的" in missing.content.decode()
    payload, rest = query["state"].split(":", 1)
    tampered = signing.b64_encode(
        json.dumps({**json.loads(signing.b64_decode(payload.encode())), "a": 1}).encode()
    ).decode()
    answer = manager.get(
        callback + "?" + urllib.parse.urlencode({**query, "state": f"{tampered}:{rest}"})
    )
    assert answer.status_code == 400
    connected.refresh_from_db()
    assert connected.tokens_ciphertext == ""


def test_a_state_for_another_agencys_account_is_not_found(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    # Signed with our key and bound to beta's admin and their session: everything is right
    # except that the account is alpha's.
    outsider = login(world.beta.admin)
    session = outsider.session
    session[oauth.SESSION_KEY] = {str(douyin.pk): "n0nce"}
    session.save()
    state = signing.dumps({"a": douyin.pk, "u": world.beta.admin.pk, "n": "n0nce"}, salt=oauth.SALT)
    code = fake.issue_code()
    callback = reverse("metrics:douyin_callback")
    answer = outsider.get(callback + "?" + urllib.parse.urlencode({"code": code, "state": state}))
    assert answer.status_code == 404
    connected.refresh_from_db()
    assert connected.tokens_ciphertext == ""
    assert not fake.calls("oauth/access_token/")


def test_two_accounts_can_be_authorised_side_by_side(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    from yunying.accounts import actions as account_actions

    second = account_actions.create_account(
        actor=actor(world.alpha.admin),
        client=world.alpha.clients[0].client,
        platform="douyin",
        platform_id="dy_second",
        display_name="第二个抖音",
    )
    other = actions.configure_sync(
        actor=actor(world.alpha.admin),
        account=second,
        app_id=fake.client_key,
        secret=fake.client_secret,
        api_base=fake.base_url,
    )
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    first_tab = start(manager, douyin.pk)
    second_tab = start(manager, second.pk)
    for url, config in ((first_tab, connected), (second_tab, other)):
        manager.get(local(at_douyin(url)))
        config.refresh_from_db()
        assert config.tokens_ciphertext != ""


def test_an_authorisation_that_ran_out_is_renewed_by_authorising_again(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    manager.get(local(at_douyin(start(manager, douyin.pk))))
    page = reverse("metrics:account", args=[douyin.pk])
    assert "secondary" in button(manager.get(page).content.decode())
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    with time_machine.travel(later, tick=False):
        manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
        SyncConfig.objects.filter(pk=connected.pk).update(
            synced_through=fake.today() - dt.timedelta(days=5)
        )
        assert runs.sync_account(connected.pk, now=later) == "attention"
        body = manager.get(page).content.decode()
        assert "授权已过期，需要账号所有者重新授权" in body
        assert "secondary" not in button(body)
        manager.get(local(at_douyin(start(manager, douyin.pk))))
        connected.refresh_from_db()
        assert connected.state == "retrying"
        assert connected.last_error == ""
        body = manager.get(page).content.decode()
        assert "授权已过期" not in body
        assert "secondary" in button(body)
        seed(fake)
        assert runs.sync_account(connected.pk, now=later) == "ok"


def test_another_douyin_account_may_replace_the_first_before_any_data_is_stored(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    manager.get(local(at_douyin(start(manager, douyin.pk))))
    fake.open_id = "_000RightOwner-7b7b"
    manager.get(local(at_douyin(start(manager, douyin.pk))))
    connected.refresh_from_db()
    assert connected.open_id == fake.open_id
    entry = AuditEntry.objects.filter(action="metrics.sync_authorise").latest("pk")
    assert entry.data["replaced_open_id"] == "_000Qa…"
    assert entry.data["first"] is False


def test_a_new_client_key_drops_the_authorisation_of_the_old_app(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    manager.get(local(at_douyin(start(manager, douyin.pk))))
    SyncConfig.objects.filter(pk=connected.pk).update(synced_through=dt.date(2026, 10, 1))
    # The agency moves to another Douyin app: the same owner has another open_id there.
    fake.client_key, fake.open_id = "awnewapp0000", "_000SameOwnerNewApp-1c1c"
    config = actions.configure_sync(
        actor=actor(world.alpha.admin),
        account=douyin,
        app_id=fake.client_key,
        secret=fake.client_secret,
        api_base=fake.base_url,
    )
    assert (config.open_id, config.tokens_ciphertext) == ("", "")
    assert (
        AuditEntry.objects.filter(action="metrics.sync_configure")
        .latest("pk")
        .data["authorisation_cleared"]
    )
    manager.get(local(at_douyin(start(manager, douyin.pk))))
    connected.refresh_from_db()
    assert connected.open_id == fake.open_id


def test_a_sync_douyin_stopped_serving_makes_authorising_again_the_obvious_step(
    world: World, login: Any, douyin: Any, fake: FakeDouyin, connected: SyncConfig
) -> None:
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    manager.get(local(at_douyin(start(manager, douyin.pk))))
    SyncConfig.objects.filter(pk=connected.pk).update(
        synced_through=fake.today() - dt.timedelta(days=5)
    )
    # Revoked on Douyin's side before the date we know of (the owner withdrew it, say).
    fake.expire_access_tokens()
    fake.expire_refresh_tokens()
    assert runs.sync_account(connected.pk, now=dt.datetime.now(dt.UTC)) == "attention"
    body = manager.get(reverse("metrics:account", args=[douyin.pk])).content.decode()
    assert "授权已过期，需要账号所有者重新授权" not in body
    assert "secondary" not in button(body)
