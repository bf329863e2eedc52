"""群内预览: entering team preview posts the item's link to the team's group bots."""

from __future__ import annotations

from yunying.editorial import actions
from yunying.editorial.choices import State
from yunying.editorial.tests.helpers import make_item, walk
from yunying.notify.actions import add_group_bot
from yunying.notify.tests.fake_bots import FakeBotServer
from yunying.tenancy.choices import Role
from yunying.testing import actor


def test_the_preview_link_reaches_a_signed_dingtalk_group(
    world, db, settings, django_capture_on_commit_callbacks
):
    settings.YUNYING_BASE_URL = "https://yunying.example"
    side = world.alpha.clients[0]
    item = walk(world, make_item(world, title="冬季暖饮上新"), State.LAYOUT_REVIEW)
    with FakeBotServer("dingtalk", secret="SECabc123") as server:
        add_group_bot(
            actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]),
            client=side.client,
            kind="dingtalk",
            name="青禾运营群",
            webhook=server.webhook,
            secret="SECabc123",
        )
        with django_capture_on_commit_callbacks(execute=True):
            actions.transition(
                actor=actor(world.alpha.staff[Role.COPYWRITER]),
                item=item,
                target=State.TEAM_PREVIEW,
            )
        [payload] = server.accepted
    text = payload["markdown"]["text"]
    assert "冬季暖饮上新" in payload["markdown"]["title"]
    assert f"https://yunying.example/content/{item.pk}/" in text


def test_a_wrong_signing_secret_is_refused_by_the_group_and_logged(
    world, db, django_capture_on_commit_callbacks
):
    from yunying.notify.models import GroupBotDelivery

    side = world.alpha.clients[0]
    item = walk(world, make_item(world), State.LAYOUT_REVIEW)
    with FakeBotServer("feishu", secret="right-secret") as server:
        add_group_bot(
            actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]),
            client=side.client,
            kind="feishu",
            name="飞书群",
            webhook=server.webhook,
            secret="wrong-secret",
        )
        with django_capture_on_commit_callbacks(execute=True):
            actions.transition(
                actor=actor(world.alpha.staff[Role.COPYWRITER]),
                item=item,
                target=State.TEAM_PREVIEW,
            )
        assert server.accepted == []
    delivery = GroupBotDelivery.objects.get()
    assert delivery.ok is False
    assert delivery.error_code == "19021"
    item.refresh_from_db()
    assert item.state == State.TEAM_PREVIEW  # the move stands; the team sees the failed delivery
