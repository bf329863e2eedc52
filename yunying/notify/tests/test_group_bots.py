"""Group bots of the client teams: adding, removing, posting to the group, and their pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from yunying.accounts import vault
from yunying.audit.models import AuditEntry
from yunying.notify import actions
from yunying.notify.bots import BotMessage
from yunying.notify.models import GroupBot, GroupBotDelivery
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

from .fake_bots import FakeBotServer, Kind

pytestmark = pytest.mark.django_db

DING_SECRET = "SEC" + "d1" * 30  # made up
FEISHU_SECRET = "feishu-" + "5e" * 8
SECRETS = {"wecom": "", "dingtalk": DING_SECRET, "feishu": FEISHU_SECRET}
PREVIEW = BotMessage(title="《秋季新品》待预览", text="正文", url="https://yy.example/e/1")


def manager(world: World) -> Any:
    return actor(world.alpha.staff[Role.ACCOUNT_MANAGER])


def client_a1(world: World) -> Any:
    return world.alpha.clients[0].client


def add_bot(world: World, server: FakeBotServer, name: str = "", secret: str | None = None) -> Any:
    return actions.add_group_bot(
        actor=manager(world),
        client=client_a1(world),
        kind=server.kind,
        name=name or f"{server.kind} group",
        webhook=server.webhook,
        secret=SECRETS[server.kind] if secret is None else secret,
    )


@pytest.fixture
def servers() -> Iterator[dict[Kind, FakeBotServer]]:
    """One fake group of each kind, for the duration of a test."""
    kinds: tuple[Kind, ...] = ("wecom", "dingtalk", "feishu")
    with ExitStack() as stack:
        yield {
            kind: stack.enter_context(FakeBotServer(kind, secret=SECRETS[kind])) for kind in kinds
        }


def everything_stored(bot: GroupBot) -> str:
    """Every text kept about a bot: its row, its deliveries and its audit entries."""
    rows: list[Any] = [model_to_dict(GroupBot.objects.get(pk=bot.pk))]
    rows += [model_to_dict(d) for d in GroupBotDelivery.objects.filter(bot=bot)]
    entries = AuditEntry.objects.filter(action__startswith="groupbot.", agency_id=bot.agency_id)
    rows += [model_to_dict(e) for e in entries]
    return json.dumps(rows, ensure_ascii=False, default=str)


# --- Adding and removing ----------------------------------------------------------------------


def test_a_manager_adds_a_bot_whose_webhook_and_secret_only_the_vault_can_read(
    world: World, servers: dict[Kind, FakeBotServer]
) -> None:
    server = servers["dingtalk"]
    bot = add_bot(world, server)
    assert bot.kind == "dingtalk"
    assert bot.is_active
    assert bot.hint == server.webhook[-4:]
    assert vault.decrypt(bot.webhook_ciphertext) == server.webhook
    assert vault.decrypt(bot.secret_ciphertext) == DING_SECRET
    stored = everything_stored(bot)
    assert server.key not in stored
    assert DING_SECRET not in stored
    assert server.key not in repr(bot)


def test_adding_a_bot_is_audited_for_the_agency_only(world: World) -> None:
    from .helpers import sample_group_bot

    bot = sample_group_bot(world)
    entry = AuditEntry.objects.get(action="groupbot.add", data__bot=bot.pk)
    assert entry.agency_id == bot.agency_id
    # Filed under no client, so the client's reviewer does not read about the team's group.
    assert entry.client_id is None
    assert not AuditEntry.objects.visible_to(actor(world.alpha.clients[0].reviewer)).filter(
        pk=entry.pk
    )


@pytest.mark.parametrize(
    ("fields", "wrong"),
    [
        ({"name": "  "}, {"name"}),
        ({"kind": "slack"}, {"kind"}),
        ({"webhook": "ftp://qyapi.example/cgi-bin/webhook/send?key=k"}, {"webhook"}),
        ({"webhook": "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, {"webhook"}),
        ({"webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}, {"webhook"}),
        ({"secret": "SECabc"}, {"secret"}),
        (
            {"kind": "dingtalk", "webhook": "https://oapi.dingtalk.com/robot/send"},
            {"webhook", "secret"},
        ),
        (
            {"kind": "dingtalk", "webhook": "https://oapi.dingtalk.com/robot/send?access_token=t"},
            {"secret"},
        ),
        (
            {"kind": "feishu", "webhook": "https://open.feishu.cn/open-apis/bot/v2/hook/"},
            {"webhook", "secret"},
        ),
        ({"name": "", "webhook": "mailto:x"}, {"name", "webhook"}),
    ],
)
def test_adding_names_every_wrong_field(
    world: World, fields: dict[str, str], wrong: set[str]
) -> None:
    good = {
        "kind": "wecom",
        "name": "content team",
        "webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123",
        "secret": "",
    }
    with pytest.raises(ValidationError) as caught:
        actions.add_group_bot(actor=manager(world), client=client_a1(world), **{**good, **fields})
    assert set(caught.value.message_dict) == wrong
    assert not GroupBot.objects.filter(client=client_a1(world)).exists()


def test_signed_kinds_accept_their_own_webhook_shapes(world: World) -> None:
    dingtalk = actions.add_group_bot(
        actor=manager(world),
        client=client_a1(world),
        kind="dingtalk",
        name="d",
        webhook="https://oapi.dingtalk.com/robot/send?access_token=t0k3n",
        secret="SECx",
    )
    feishu = actions.add_group_bot(
        actor=manager(world),
        client=client_a1(world),
        kind="feishu",
        name="f",
        webhook="https://open.feishu.cn/open-apis/bot/v2/hook/8d4e-11",
        secret="s",
    )
    assert (dingtalk.hint, feishu.hint) == ("t0k3n"[-4:], "4e-11"[-4:])


@pytest.mark.parametrize("role", [Role.EDITOR, Role.SUPERVISOR, Role.FINANCE])
def test_only_managers_add_bots(world: World, role: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.add_group_bot(
            actor=actor(world.alpha.staff[role]),
            client=client_a1(world),
            kind="wecom",
            name="x",
            webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            secret="",
        )


def test_a_client_reviewer_cannot_add_a_bot(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.add_group_bot(
            actor=actor(world.alpha.clients[0].reviewer),
            client=client_a1(world),
            kind="wecom",
            name="x",
            webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            secret="",
        )


def test_a_manager_of_another_agency_cannot_add_a_bot_to_this_client(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.add_group_bot(
            actor=actor(world.beta.staff[Role.ACCOUNT_MANAGER]),
            client=client_a1(world),
            kind="wecom",
            name="x",
            webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            secret="",
        )


def test_removing_a_bot_deactivates_it_once_and_audits_it(world: World) -> None:
    from .helpers import sample_group_bot

    bot = sample_group_bot(world)
    actions.remove_group_bot(actor=manager(world), bot=bot)
    actions.remove_group_bot(actor=manager(world), bot=bot)
    bot.refresh_from_db()
    assert bot.is_active is False
    assert AuditEntry.objects.filter(action="groupbot.remove", data__bot=bot.pk).count() == 1


def test_an_editor_cannot_remove_a_bot(world: World) -> None:
    from .helpers import sample_group_bot

    bot = sample_group_bot(world)
    with pytest.raises(PermissionDenied):
        actions.remove_group_bot(actor=actor(world.alpha.staff[Role.EDITOR]), bot=bot)
    bot.refresh_from_db()
    assert bot.is_active


# --- Posting to the team group ----------------------------------------------------------------


def test_post_to_team_reaches_every_active_bot_and_logs_each_delivery(
    world: World, servers: dict[Kind, FakeBotServer]
) -> None:
    for server in servers.values():
        add_bot(world, server)
    removed = add_bot(world, servers["wecom"], name="old group")
    actions.remove_group_bot(actor=manager(world), bot=removed)
    deliveries = actions.post_to_team(client=client_a1(world), message=PREVIEW)
    assert [(d.bot.kind, d.ok) for d in deliveries] == [
        ("wecom", True),
        ("dingtalk", True),
        ("feishu", True),
    ]
    assert all(d.subject == PREVIEW.title for d in deliveries)
    for kind, server in servers.items():
        assert len(server.accepted) == 1, kind
    assert "《秋季新品》待预览" in servers["wecom"].accepted[0]["markdown"]["content"]
    assert servers["dingtalk"].accepted[0]["markdown"]["title"] == PREVIEW.title
    assert "https://yy.example/e/1" in servers["feishu"].accepted[0]["content"]["text"]
    assert GroupBotDelivery.objects.filter(bot=removed).count() == 0


def test_post_to_team_reaches_only_that_clients_groups(
    world: World, servers: dict[Kind, FakeBotServer]
) -> None:
    actions.add_group_bot(
        actor=manager(world),
        client=world.alpha.clients[1].client,
        kind="wecom",
        name="a2 group",
        webhook=servers["wecom"].webhook,
        secret="",
    )
    assert actions.post_to_team(client=client_a1(world), message=PREVIEW) == []
    assert servers["wecom"].received == []


@pytest.mark.parametrize(("kind", "code"), [("dingtalk", "310000"), ("feishu", "19021")])
def test_a_bot_with_the_wrong_secret_is_logged_as_a_bad_signature_without_the_secret(
    world: World, servers: dict[Kind, FakeBotServer], kind: Kind, code: str
) -> None:
    wrong = SECRETS[kind] + "-old"
    bot = add_bot(world, servers[kind], secret=wrong)
    [delivery] = actions.post_to_team(client=client_a1(world), message=PREVIEW)
    assert (delivery.ok, delivery.error_code, delivery.retryable) == (False, code, False)
    stored = everything_stored(bot)
    assert wrong not in stored
    assert servers[kind].key not in stored


def test_one_failing_bot_does_not_stop_the_others(
    world: World, servers: dict[Kind, FakeBotServer]
) -> None:
    wecom = servers["wecom"]
    actions.add_group_bot(
        actor=manager(world),
        client=client_a1(world),
        kind="wecom",
        name="wrong key",
        webhook=wecom.webhook.replace(wecom.key, "f" * len(wecom.key)),
        secret="",
    )
    add_bot(world, servers["feishu"])
    failed, delivered = actions.post_to_team(client=client_a1(world), message=PREVIEW)
    assert (failed.ok, failed.error_code, failed.retryable) == (False, "93000", False)
    assert delivered.ok
    assert len(servers["feishu"].accepted) == 1


def test_a_throttled_group_is_logged_as_worth_retrying(
    world: World, servers: dict[Kind, FakeBotServer]
) -> None:
    add_bot(world, servers["dingtalk"])
    servers["dingtalk"].throttled = True
    [delivery] = actions.post_to_team(client=client_a1(world), message=PREVIEW)
    assert (delivery.ok, delivery.error_code, delivery.retryable) == (False, "410100", True)


def test_an_unreachable_group_is_logged_without_its_webhook(world: World) -> None:
    with FakeBotServer("wecom") as server:
        bot = add_bot(world, server)
    # The server is gone: the platform cannot be reached.
    [delivery] = actions.post_to_team(client=client_a1(world), message=PREVIEW)
    assert (delivery.ok, delivery.error_code, delivery.retryable) == (False, "network", True)
    assert server.key not in everything_stored(bot)


def test_a_webhook_the_vault_cannot_read_is_logged_not_raised(world: World) -> None:
    from .helpers import sample_group_bot

    bot = sample_group_bot(world)
    GroupBot.objects.filter(pk=bot.pk).update(webhook_ciphertext="not-a-token")
    [delivery] = actions.post_to_team(client=client_a1(world), message=PREVIEW)
    assert (delivery.ok, delivery.error_code) == (False, "vault")


def test_the_test_message_is_sent_by_managers_only(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.send_test_message(
            actor=actor(world.alpha.staff[Role.EDITOR]), client=client_a1(world)
        )


# --- Pages ------------------------------------------------------------------------------------


def bots_page(world: World) -> str:
    return reverse("groupbots:list", args=[client_a1(world).pk])


def test_a_manager_sees_the_bots_with_only_the_webhooks_last_characters(
    world: World, login: Any, servers: dict[Kind, FakeBotServer]
) -> None:
    server = servers["dingtalk"]
    add_bot(world, server, name="明远内容组")
    page = login(world.alpha.staff[Role.ACCOUNT_MANAGER]).get(bots_page(world))
    assert page.status_code == 200
    body = page.content.decode()
    assert "明远内容组" in body
    assert f"…{server.webhook[-4:]}" in body
    assert server.key not in body
    assert DING_SECRET not in body
    assert reverse("groupbots:add", args=[client_a1(world).pk]) in body
    assert reverse("groupbots:test", args=[client_a1(world).pk]) in body


def test_the_client_page_links_to_the_bots_for_staff_but_not_for_the_reviewer(
    world: World, login: Any
) -> None:
    detail = reverse("tenancy:client_detail", args=[client_a1(world).pk])
    staff_page = login(world.alpha.staff[Role.EDITOR]).get(detail).content.decode()
    assert bots_page(world) in staff_page
    reviewer_page = login(world.alpha.clients[0].reviewer).get(detail)
    assert reviewer_page.status_code == 200
    assert bots_page(world) not in reviewer_page.content.decode()


def test_other_staff_see_the_bots_but_cannot_change_them(world: World, login: Any) -> None:
    from .helpers import sample_group_bot

    bot = sample_group_bot(world)
    editor = login(world.alpha.staff[Role.EDITOR])
    page = editor.get(bots_page(world))
    assert page.status_code == 200
    assert bot.name in page.content.decode()
    assert reverse("groupbots:remove", args=[bot.pk]) not in page.content.decode()
    assert editor.get(reverse("groupbots:add", args=[client_a1(world).pk])).status_code == 403
    assert editor.post(reverse("groupbots:remove", args=[bot.pk])).status_code == 403
    assert editor.post(reverse("groupbots:test", args=[client_a1(world).pk])).status_code == 403


def test_the_clients_reviewer_is_refused_the_bots_page(world: World, login: Any) -> None:
    from .helpers import sample_group_bot

    bot = sample_group_bot(world)
    page = login(world.alpha.clients[0].reviewer).get(bots_page(world))
    assert page.status_code == 403
    assert bot.name not in page.content.decode()


def test_another_agency_gets_not_found(world: World, login: Any) -> None:
    beta_manager = login(world.beta.staff[Role.ACCOUNT_MANAGER])
    assert beta_manager.get(bots_page(world)).status_code == 404
    add = reverse("groupbots:add", args=[client_a1(world).pk])
    response = beta_manager.post(
        add,
        {"kind": "wecom", "name": "x", "webhook": "https://q.example/cgi-bin/webhook/send?key=k"},
    )
    assert response.status_code == 404
    assert not GroupBot.objects.filter(client=client_a1(world)).exists()


def test_adding_through_the_page_stores_the_bot(
    world: World, login: Any, servers: dict[Kind, FakeBotServer]
) -> None:
    server = servers["feishu"]
    response = login(world.alpha.admin).post(
        reverse("groupbots:add", args=[client_a1(world).pk]),
        {"kind": "feishu", "name": "飞书群", "webhook": server.webhook, "secret": FEISHU_SECRET},
    )
    assert response.status_code == 302
    assert response["Location"] == bots_page(world)
    bot = GroupBot.objects.get(client=client_a1(world), name="飞书群")
    assert vault.decrypt(bot.webhook_ciphertext) == server.webhook


def test_a_refused_form_names_the_field_and_does_not_echo_the_webhook(
    world: World, login: Any, servers: dict[Kind, FakeBotServer]
) -> None:
    server = servers["dingtalk"]
    page = login(world.alpha.admin).post(
        reverse("groupbots:add", args=[client_a1(world).pk]),
        {"kind": "dingtalk", "name": "钉钉群", "webhook": server.webhook, "secret": ""},
    )
    body = page.content.decode()
    assert 'data-field="secret"' in body
    assert server.key not in body
    assert not GroupBot.objects.filter(client=client_a1(world)).exists()


def test_the_test_button_posts_to_the_group_and_shows_each_result(
    world: World, login: Any, servers: dict[Kind, FakeBotServer]
) -> None:
    good = add_bot(world, servers["wecom"], name="企微群")
    bad = add_bot(world, servers["feishu"], name="飞书群", secret="outdated")
    response = login(world.alpha.staff[Role.ACCOUNT_MANAGER]).post(
        reverse("groupbots:test", args=[client_a1(world).pk]), follow=True
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert gettext("%(bot)s: delivered.") % {"bot": good} in body
    [payload] = servers["wecom"].accepted
    content = payload["markdown"]["content"]
    assert client_a1(world).name in content
    assert f"http://testserver{bots_page(world)}" in content
    assert "19021" in body
    assert gettext("not delivered") in body
    assert GroupBotDelivery.objects.get(bot=bad).error_code == "19021"
    assert AuditEntry.objects.filter(action="groupbot.test", data__delivered=1, data__failed=1)


def test_removing_through_the_page_keeps_the_bot_inactive(world: World, login: Any) -> None:
    from .helpers import sample_group_bot

    bot = sample_group_bot(world)
    response = login(world.alpha.admin).post(reverse("groupbots:remove", args=[bot.pk]))
    assert response.status_code == 302
    bot.refresh_from_db()
    assert bot.is_active is False


def test_the_bots_page_and_list_endpoint_cost_the_same_queries_for_more_bots(
    world: World, login: Any, api: Any, servers: dict[Kind, FakeBotServer]
) -> None:
    page, endpoint = login(world.alpha.admin), api(world.alpha.admin)
    add_bot(world, servers["wecom"])
    actions.post_to_team(client=client_a1(world), message=PREVIEW)

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as on_page:
            assert page.get(bots_page(world)).status_code == 200
        with CaptureQueriesContext(connection) as on_api:
            assert endpoint.get(reverse("group-bot-list")).status_code == 200
        return len(on_page), len(on_api)

    before = counts()
    add_bot(world, servers["dingtalk"])
    add_bot(world, servers["feishu"])
    actions.post_to_team(client=client_a1(world), message=PREVIEW)
    assert counts() == before


def test_the_api_lists_bots_for_staff_without_webhook_or_secret(
    world: World, api: Any, servers: dict[Kind, FakeBotServer]
) -> None:
    bot = add_bot(world, servers["dingtalk"])
    answer = api(world.alpha.staff[Role.EDITOR]).get(
        reverse("group-bot-list"), {"client": client_a1(world).pk}
    )
    assert answer.status_code == 200
    [row] = answer.json()["results"]
    assert row["id"] == bot.pk
    assert row["hint"] == bot.hint
    assert servers["dingtalk"].key not in answer.content.decode()
    assert DING_SECRET not in answer.content.decode()
    assert api(world.alpha.clients[0].reviewer).get(reverse("group-bot-list")).status_code == 403
