"""The publishing set-up page: modes per account, the write-only AppSecret, recent attempts and
due items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from yunying.accounts import actions as account_actions
from yunying.accounts import vault
from yunying.editorial import actions, runs
from yunying.editorial.choices import PublicationStatus, PublishMode, State
from yunying.editorial.models import PublisherConfig
from yunying.editorial.tests.helpers import make_item, walk
from yunying.editorial.tests.library_samples import sample_publisher
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db

PAGE = reverse("editorial:publishers")
SECRET = "S3cret-wechat-appsecret-0123456789"


def badge(css: str, text: str) -> str:
    return f'<span class="badge{css}">{text}</span>'


def is_set() -> str:
    return badge(" approved", gettext("set"))


def not_set() -> str:
    return badge("", gettext("not set"))


def staff(world: World, role: str) -> Any:
    return world.alpha.staff[role]


def a1(world: World) -> Any:
    return world.alpha.clients[0]


def edit_url(account: Any) -> str:
    return reverse("editorial:publisher_edit", args=[account.pk])


def api_form(**fields: Any) -> dict[str, Any]:
    return {
        "mode": PublishMode.WECHAT_OA,
        "appid": "wx1234567890abcdef",
        "secret": SECRET,
        "api_base": "https://api.weixin.qq.com",
        **fields,
    }


def test_a_manager_sets_up_the_wechat_api_and_the_secret_is_never_shown_again(
    world: World, login: Any
) -> None:
    account = a1(world).account
    session = login(staff(world, Role.ACCOUNT_MANAGER))
    assert not_set() in session.get(edit_url(account)).content.decode()
    response = session.post(edit_url(account), api_form())
    assert response.status_code == 302
    config = PublisherConfig.objects.get(account=account)
    assert config.mode == PublishMode.WECHAT_OA
    assert config.appid == "wx1234567890abcdef"
    # The database holds a vault token, not the secret.
    assert SECRET not in config.secret_ciphertext
    assert vault.decrypt(config.secret_ciphertext) == SECRET
    for url in (PAGE, edit_url(account)):
        page = session.get(url).content.decode()
        assert SECRET not in page
        assert config.secret_ciphertext not in page
        assert is_set() in page
    assert not_set() not in session.get(edit_url(account)).content.decode()
    assert "wx1234567890abcdef" in session.get(PAGE).content.decode()


def test_a_refused_form_does_not_echo_the_secret(world: World, login: Any) -> None:
    response = login(staff(world, Role.ACCOUNT_MANAGER)).post(
        edit_url(a1(world).account), api_form(appid="")
    )
    assert response.status_code == 400
    assert SECRET not in response.content.decode()


def test_set_up_errors_are_shown_by_field(world: World, login: Any) -> None:
    response = login(staff(world, Role.ACCOUNT_MANAGER)).post(
        edit_url(a1(world).account), api_form(appid="", secret="", api_base="not an address")
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"api_base"}
    response = login(staff(world, Role.ACCOUNT_MANAGER)).post(
        edit_url(a1(world).account), api_form(appid="", secret="")
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"appid", "secret"}
    assert not PublisherConfig.objects.filter(account=a1(world).account).exists()


def test_an_empty_secret_keeps_the_stored_one(world: World, login: Any) -> None:
    config = sample_publisher(world)
    stored = config.secret_ciphertext
    response = login(staff(world, Role.ACCOUNT_MANAGER)).post(
        edit_url(config.account), api_form(appid="wx-new-appid", secret="")
    )
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.appid == "wx-new-appid"
    assert config.secret_ciphertext == stored


def test_a_new_api_address_needs_the_secret_again(world: World, login: Any) -> None:
    """Otherwise whoever may edit the address could have the stored secret sent to them."""
    config = sample_publisher(world)
    session = login(staff(world, Role.ACCOUNT_MANAGER))
    moved = api_form(secret="", api_base="https://proxy.example.com")
    response = session.post(edit_url(config.account), moved)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["secret"]
    config.refresh_from_db()
    assert config.api_base == "https://api.weixin.qq.com"
    response = session.post(edit_url(config.account), {**moved, "secret": SECRET})
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.api_base == "https://proxy.example.com"
    assert vault.decrypt(config.secret_ciphertext) == SECRET


def test_accounts_other_than_official_accounts_are_published_by_hand_only(
    world: World, login: Any
) -> None:
    douyin = account_actions.create_account(
        actor=actor(world.alpha.admin),
        client=a1(world).client,
        platform="douyin",
        platform_id="dy-publishing",
        display_name="alpha douyin",
        login="dy",
        password="Douyin-pass-1",
    )
    session = login(staff(world, Role.ACCOUNT_MANAGER))
    choices = session.get(edit_url(douyin)).context["form"].fields["mode"].choices
    assert [value for value, _label in choices] == [PublishMode.MANUAL]
    response = session.post(edit_url(douyin), api_form())
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["mode"]


def test_the_content_team_sees_the_set_up_but_only_managers_change_it(
    world: World, login: Any
) -> None:
    config = sample_publisher(world)
    editor = login(staff(world, Role.EDITOR))
    page = editor.get(PAGE)
    assert page.status_code == 200
    assert config.appid in page.content.decode()
    assert edit_url(config.account) not in page.content.decode()
    assert editor.get(edit_url(config.account)).status_code == 403
    assert editor.post(edit_url(config.account), api_form(mode="manual")).status_code == 403
    config.refresh_from_db()
    assert config.mode == PublishMode.WECHAT_OA
    assert edit_url(config.account) in login(world.alpha.admin).get(PAGE).content.decode()


@pytest.mark.parametrize("who", ["host", "finance", "reviewer"])
def test_people_outside_the_content_team_and_management_cannot_open_the_page(
    world: World, login: Any, who: str
) -> None:
    user = a1(world).reviewer if who == "reviewer" else staff(world, who)
    assert login(user).get(PAGE).status_code == 403


def test_another_agency_cannot_see_or_change_an_accounts_publishing(
    world: World, login: Any
) -> None:
    config = sample_publisher(world)
    for who in (world.beta.admin, world.beta.staff[Role.ACCOUNT_MANAGER]):
        session = login(who)
        assert config.appid not in session.get(PAGE).content.decode()
        assert session.get(edit_url(config.account)).status_code == 404
        response = session.post(edit_url(config.account), api_form(mode="manual"))
        assert response.status_code == 404
    config.refresh_from_db()
    assert config.mode == PublishMode.WECHAT_OA


def scheduled(world: World, title: str, minutes_ago: int) -> Any:
    item = make_item(
        world, title=title, planned_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return walk(world, item, State.SCHEDULED)


def test_due_items_show_until_an_attempt_is_made_and_attempts_are_listed(
    world: World, login: Any
) -> None:
    due = scheduled(world, "到点的推文", 5)
    later = make_item(world, title="明天的推文", planned_at=timezone.now() + dt.timedelta(days=1))
    walk(world, later, State.SCHEDULED)
    session = login(staff(world, Role.EDITOR))
    page = session.get(PAGE)
    assert [item.pk for item in page.context["due"]] == [due.pk]
    assert list(page.context["attempts"]) == []
    runs.publish_due()  # no set-up: the manual publisher asks the team to publish by hand
    page = session.get(PAGE)
    assert list(page.context["due"]) == []
    (attempt,) = page.context["attempts"]
    assert attempt.status == PublicationStatus.MANUAL
    assert [item.pk for item in attempt.items.all()] == [due.pk]
    body = page.content.decode()
    assert due.title in body
    assert str(PublicationStatus.MANUAL.label) in body


# --- Query counts ----------------------------------------------------------------------------


def count(session: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = session.get(PAGE)
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_1_or_many_accounts_attempts_and_due_items(
    world: World, login: Any
) -> None:
    sample_publisher(world)
    scheduled(world, "推文 0", 30)
    runs.publish_due()
    scheduled(world, "待发 0", 20)
    session = login(world.alpha.admin)
    before = count(session)
    boss = actor(world.alpha.admin)
    for i in range(19):
        account_actions.create_account(
            actor=boss,
            client=a1(world).client,
            platform="douyin",
            platform_id=f"dy-count-{i}",
            display_name=f"douyin {i}",
            login=f"dy-{i}",
            password="Douyin-pass-1",
        )
    for i in range(1, 6):
        scheduled(world, f"推文 {i}", 30 + i)
    runs.publish_due()
    for i in range(1, 6):
        scheduled(world, f"待发 {i}", 10 + i)
    actions.configure_publisher(
        actor=actor(world.alpha.admin),
        account=world.alpha.clients[1].account,
        mode=PublishMode.MANUAL,
    )
    assert count(session) == before
