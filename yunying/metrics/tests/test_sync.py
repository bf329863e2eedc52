"""The daily platform sync, end to end against the fake WeChat server: a first run fills 30
days, later runs fetch only new days, a failure writes nothing and backs off, a refusal a
person must fix says so, secrets stay in the vault."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from yunying.adapters.platform_data import SHANGHAI, days_between
from yunying.adapters.tests.fake_wechat import FakeWeChat
from yunying.audit.models import AuditEntry
from yunying.metrics import actions, runs
from yunying.metrics.choices import SyncState
from yunying.metrics.facts import facts_for_accounts
from yunying.metrics.files import PostRow
from yunying.metrics.models import DailyExtra, DailyMetric, PostFact, SyncConfig
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)
FIRST, LAST = dt.date(2026, 9, 13), dt.date(2026, 10, 11)  # the 29 days of a first run


class Clock:
    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def epoch(self) -> float:
        return self.moment.timestamp()


@pytest.fixture
def clock() -> Clock:
    return Clock(MORNING)


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeWeChat]:
    with FakeWeChat(now=clock.epoch) as server:
        seed(server, FIRST, LAST + dt.timedelta(days=1))
        yield server


def seed(fake: FakeWeChat, start: dt.date, end: dt.date) -> None:
    for n, day in enumerate(days_between(start, end)):
        ref = day.isoformat()
        fake.seed_datacube("getusercumulate", [{"ref_date": ref, "cumulate_user": 5000 + n}])
        fake.seed_datacube(
            "getusersummary",
            [{"ref_date": ref, "user_source": 1, "new_user": 10 + n, "cancel_user": 2}],
        )
        fake.seed_datacube(
            "getuserread",
            [
                {
                    "ref_date": ref,
                    "user_source": 99999999,
                    "int_page_read_user": 80,
                    "int_page_read_count": 100 + n,
                    "share_user": 5,
                    "share_count": 7,
                    "add_to_fav_user": 1,
                    "add_to_fav_count": 2,
                }
            ],
        )
        if n % 7 == 0:
            fake.seed_datacube(
                "getarticlesummary",
                [
                    {
                        "ref_date": ref,
                        "msgid": f"10000{n}_1",
                        "title": f"第 {n} 篇",
                        "int_page_read_user": 300,
                        "int_page_read_count": 320,
                        "share_user": 4,
                        "share_count": 5,
                        "add_to_fav_user": 2,
                        "add_to_fav_count": 3,
                    }
                ],
            )


def connect(world: World, fake: FakeWeChat, secret: str | None = None) -> SyncConfig:
    return actions.configure_sync(
        actor=actor(world.alpha.admin),
        account=world.alpha.clients[0].account,
        app_id=fake.appid,
        secret=secret or fake.secret,
        api_base=fake.base_url,
    )


def stored(account: Any) -> dict[tuple[dt.date, str], Decimal]:
    return {(m.date, m.metric): m.value for m in DailyMetric.objects.filter(account=account)}


def test_a_first_sync_fills_29_days_and_the_articles(world: World, fake: FakeWeChat) -> None:
    config = connect(world, fake)
    assert runs.sync_account(config.pk, now=MORNING) == "ok"
    account = config.account
    values = stored(account)
    assert {day for day, _metric in values} == set(days_between(FIRST, LAST))
    assert values[(FIRST, "followers_total")] == Decimal(5000)
    assert values[(LAST, "reads")] == Decimal(128)
    assert DailyExtra.objects.get(account=account, date=FIRST).data == {
        "user_source": {"search": 10}
    }
    posts = PostFact.objects.filter(account=account)
    assert posts.count() == 5
    assert {p.source for p in posts} == {"api"}
    # The data cube gives no likes: not measured, which is not zero.
    assert {p.likes for p in posts} == {None}
    [none_yet] = facts_for_accounts([account.pk], FIRST, LAST)[account.pk].posts[:1]
    assert none_yet.likes == 0  # settlement: reaches no likes threshold
    # An export of the same posts brings the likes; the next sync keeps them.
    first = posts.order_by("post_id")[0]
    actions.import_posts(
        actor=actor(world.alpha.admin),
        account=account,
        rows=[PostRow(first.post_id, "A", first.published_on, first.kind, 37)],
    )
    runs.sync_account(config.pk, now=MORNING)
    first.refresh_from_db()
    assert first.likes == 37
    config.refresh_from_db()
    assert (config.synced_through, config.state) == (LAST, SyncState.OK)
    entry = AuditEntry.objects.get(action="metrics.import_file")
    assert entry.data["source"] == "api"


def test_the_next_run_fetches_only_the_new_day(
    world: World, fake: FakeWeChat, clock: Clock
) -> None:
    config = connect(world, fake)
    runs.sync_account(config.pk, now=MORNING)
    before = len(fake.calls("datacube/getusercumulate"))
    assert runs.sync_account(config.pk, now=MORNING) == "up to date"
    assert len(fake.calls("datacube/getusercumulate")) == before
    clock.moment = MORNING + dt.timedelta(days=1)
    assert runs.sync_account(config.pk, now=clock.moment) == "ok"
    last_call = fake.calls("datacube/getusercumulate")[-1]
    assert last_call.json == {"begin_date": "2026-10-12", "end_date": "2026-10-12"}
    config.refresh_from_db()
    assert config.synced_through == dt.date(2026, 10, 12)


def test_a_failure_midway_writes_nothing_and_backs_off(world: World, fake: FakeWeChat) -> None:
    config = connect(world, fake)
    fake.fail_nth(
        "datacube/getarticlesummary", 20, errcode=45009, errmsg="reach max api daily quota limit"
    )
    assert runs.sync_account(config.pk, now=MORNING) == SyncState.RETRYING
    assert stored(config.account) == {}
    assert not PostFact.objects.filter(account=config.account).exists()
    config.refresh_from_db()
    assert config.failures == 1
    assert config.next_attempt_at == MORNING + dt.timedelta(minutes=2)
    assert config.synced_through is None
    # Not due again until the back-off has passed; then it completes.
    assert runs.sync_due(now=MORNING + dt.timedelta(minutes=1)) == []
    with time_machine.travel(MORNING + dt.timedelta(minutes=3)):  # the worker reads the clock
        assert runs.sync_due() == [config.pk]
    config.refresh_from_db()
    assert config.state == SyncState.OK
    assert len({day for day, _ in stored(config.account)}) == 29


def test_the_back_off_doubles_and_stops_at_six_hours(world: World, fake: FakeWeChat) -> None:
    from yunying.adapters.platform_data import SourceError

    config = connect(world, fake)
    waits = []
    for _ in range(10):
        config = actions.record_sync_failure(
            config, SourceError("busy", retryable=True), now=MORNING
        )
        assert config.next_attempt_at is not None
        waits.append((config.next_attempt_at - MORNING).total_seconds() / 60)
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 360, 360]


def test_a_wrong_secret_needs_a_person(world: World, fake: FakeWeChat) -> None:
    config = connect(world, fake, secret="not-the-secret")
    assert runs.sync_account(config.pk, now=MORNING) == SyncState.NEEDS_ATTENTION
    config.refresh_from_db()
    assert config.next_attempt_at == MORNING + dt.timedelta(hours=24)
    assert "not-the-secret" not in config.last_error
    assert stored(config.account) == {}


def test_the_secret_is_kept_by_the_vault_and_never_logged(world: World, fake: FakeWeChat) -> None:
    config = connect(world, fake)
    assert fake.secret not in config.secret_ciphertext
    assert fake.secret not in str(AuditEntry.objects.get(action="metrics.sync_configure").data)
    # Changing the address needs the secret again.
    with pytest.raises(ValidationError) as caught:
        actions.configure_sync(
            actor=actor(world.alpha.admin),
            account=config.account,
            app_id=fake.appid,
            api_base="https://elsewhere.example",
        )
    assert "secret" in caught.value.message_dict


def test_only_managers_connect_an_account(world: World, fake: FakeWeChat) -> None:
    with pytest.raises(PermissionDenied):
        actions.configure_sync(
            actor=actor(world.alpha.staff[Role.EDITOR]),
            account=world.alpha.clients[0].account,
            app_id=fake.appid,
            secret=fake.secret,
        )


def test_the_account_page_sets_up_the_sync_and_shows_its_state(
    world: World, fake: FakeWeChat, login: Any
) -> None:
    from django.urls import reverse

    account = world.alpha.clients[0].account
    client = login(world.alpha.admin)
    page = reverse("metrics:account", args=[account.pk])
    assert 'id="platform-sync"' in client.get(page).content.decode()
    response = client.post(
        reverse("metrics:sync", args=[account.pk]),
        {"app_id": fake.appid, "secret": fake.secret, "api_base": fake.base_url, "enabled": "on"},
    )
    assert response.status_code == 302
    config = SyncConfig.objects.get(account=account)
    runs.sync_account(config.pk, now=MORNING)
    body = client.get(page).content.decode()
    assert "已同步至 2026-10-11" in body
    assert fake.secret not in body
    # A client's reviewer sees neither the connection nor its form.
    reviewer = login(world.alpha.clients[0].reviewer).get(page).content.decode()
    assert 'id="platform-sync"' not in reviewer


def douyin_connected(world: World, fake: Any) -> SyncConfig:
    """A Douyin account of alpha's first client, connected to ``fake`` (a FakeDouyin) with the
    client key saved and the owner's authorisation given."""
    from yunying.accounts import actions as account_actions

    admin = actor(world.alpha.admin)
    account = account_actions.create_account(
        actor=admin,
        client=world.alpha.clients[0].client,
        platform="douyin",
        platform_id="dy_sync",
        display_name="同步抖音",
    )
    actions.configure_sync(
        actor=admin,
        account=account,
        app_id=fake.client_key,
        secret=fake.client_secret,
        api_base=fake.base_url,
    )
    return actions.authorise_douyin(actor=admin, account=account, code=fake.issue_code())


def test_a_douyin_account_syncs_and_keeps_refreshed_tokens(world: World, clock: Clock) -> None:
    from yunying.accounts import vault
    from yunying.adapters.tests.fake_douyin import FakeDouyin

    with FakeDouyin(now=clock.epoch) as fake, time_machine.travel(MORNING, tick=False):
        for n, day in enumerate(days_between(dt.date(2026, 9, 10), LAST)):
            date = day.isoformat()
            fake.seed_user_data("fans", [{"date": date, "total_fans": 8000 + n, "new_fans": 5}])
            fake.seed_user_data("like", [{"date": date, "new_like": 100}])
            fake.seed_user_data("comment", [{"date": date, "new_comment": 20}])
            fake.seed_user_data("share", [{"date": date, "new_share": 4}])
            fake.seed_user_data("item", [{"date": date, "new_play": 3000 + n}])
        config = douyin_connected(world, fake)
        first = json.loads(vault.decrypt(config.tokens_ciphertext))
        fake.expire_access_tokens()
        assert runs.sync_account(config.pk, now=MORNING) == "ok"
    values = stored(config.account)
    assert {day for day, _metric in values} == set(days_between(LAST - dt.timedelta(days=28), LAST))
    assert values[(LAST, "plays")] == Decimal(3000 + 31)
    config.refresh_from_db()
    kept = json.loads(vault.decrypt(config.tokens_ciphertext))
    assert kept["access_token"] != first["access_token"]  # the refreshed token was stored
    assert fake.refreshes == 1


def test_tokens_refreshed_by_a_run_do_not_overwrite_a_new_authorisation(
    world: World, clock: Clock
) -> None:
    from yunying.accounts import vault
    from yunying.adapters.tests.fake_douyin import FakeDouyin

    with FakeDouyin(now=clock.epoch) as fake:
        running = douyin_connected(world, fake)
        # While a run holds the old tokens, the owner authorises again.
        actions.authorise_douyin(
            actor=actor(world.alpha.admin), account=running.account, code=fake.issue_code()
        )
        fresh = SyncConfig.objects.get(pk=running.pk).tokens_ciphertext
        refreshed = {"access_token": "refreshed-by-the-run", "refresh_token": "r"}
        assert not actions.keep_tokens(running, refreshed)
        assert SyncConfig.objects.get(pk=running.pk).tokens_ciphertext == fresh

        # Without a new authorisation the run's refreshes are kept, one after the other.
        current = SyncConfig.objects.get(pk=running.pk)
        assert actions.keep_tokens(current, refreshed)
        assert actions.keep_tokens(current, {**refreshed, "access_token": "second"})
        stored = SyncConfig.objects.get(pk=running.pk).tokens_ciphertext
        assert json.loads(vault.decrypt(stored))["access_token"] == "second"
