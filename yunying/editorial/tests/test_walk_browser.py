"""One Douyin video from collection to published, in a real browser, as four people.

The editor collects and selects it; the copywriter writes, checks the layout, previews it in
the team group and sends it to the supervisor; the supervisor passes it to the client; the
client's reviewer, on a phone, returns it with a remark on a passage of the script; the second
round goes the same way and the client approves; the editor records the publication. Every
step is a click on the pages; the state is read back from the database after each one.
Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from yunying.accounts import actions as account_actions
from yunying.accounts.choices import Platform
from yunying.core.tests.test_browser import PHONE, assert_no_horizontal_scroll
from yunying.editorial.choices import State
from yunying.editorial.models import ContentItem
from yunying.tenancy.choices import Role
from yunying.testing import World, actor, build_world

pytestmark = pytest.mark.browser

SCRIPT_V1 = "镜头一：门店外景。镜头二：师傅现场萃取茶汤。镜头三：顾客试饮后点头。"
SCRIPT_V2 = "镜头一：门店外景。镜头二：师傅现场萃取茶汤，特写茶叶产地包装。镜头三：顾客试饮后点头。"


@pytest.fixture
def world_live(live_db: None) -> World:
    """The personas, committed, with a Douyin account for alpha's client a1."""
    world = build_world()
    side = world.alpha.clients[0]
    world.extra["douyin"] = account_actions.create_account(
        actor=actor(world.alpha.admin),
        client=side.client,
        platform=Platform.DOUYIN,
        platform_id="dy_alpha_a1",
        display_name="alpha 抖音 a1",
        login="dy-a1",
        password="Douyin-a1-pass",
    )
    return world


def move(page: Page, item: ContentItem, target: str, comment: str = "") -> None:
    """Press the button of the move to ``target`` on the item's page and check it happened."""
    page.goto(reverse("editorial:item_detail", args=[item.pk]))
    form = page.locator(f"form.move[data-target='{target}']")
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    item.refresh_from_db()
    assert item.state == target, (target, page.url)


def edit_script(page: Page, item: ContentItem, script: str, note: str) -> None:
    page.goto(reverse("editorial:item_edit", args=[item.pk]))
    page.locator("textarea[name=script]").fill(script)
    page.locator("input[name=note]").fill(note)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def to_supervisor(page: Page, item: ContentItem) -> None:
    for target in (State.LAYOUT_REVIEW, State.TEAM_PREVIEW, State.SUPERVISOR_REVIEW):
        move(page, item, target)


def select_in_part(page: Page, part: str, passage: str) -> None:
    """Select ``passage`` inside the review page's ``part`` the way a finger or mouse would."""
    page.evaluate(
        """([part, passage]) => {
            const el = document.querySelector(`.review-page [data-part="${part}"]`);
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.textContent.indexOf(passage);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + passage.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    document.dispatchEvent(new Event("selectionchange"));
                    return;
                }
            }
            throw new Error("passage not found");
        }""",
        [part, passage],
    )


def test_a_video_walks_from_collection_to_published_with_one_client_return(
    world_live: World,
    open_page: Callable[..., Page],
    screenshots,
) -> None:
    world = world_live
    side = world.alpha.clients[0]
    douyin = world.extra["douyin"]
    editor = open_page(world.alpha.staff[Role.EDITOR].username)
    writer = open_page(world.alpha.staff[Role.COPYWRITER].username)
    supervisor = open_page(world.alpha.staff[Role.SUPERVISOR].username)
    client = open_page(side.reviewer.username, **PHONE)

    # The editor collects the video and pre-selects it.
    editor.goto(reverse("editorial:item_create"))
    editor.locator("select[name=kind]").select_option("douyin_video")
    editor.locator("select[name=client]").select_option(str(side.client.pk))
    editor.locator(f"input[name=accounts][value='{douyin.pk}']").check()
    editor.locator("input[name=title]").fill("30 秒看懂一杯现泡茶")
    editor.locator("textarea[name=script]").fill("素材：门店外景、萃取茶汤、顾客试饮")
    editor.locator("textarea[name=subtitles]").fill("好茶现泡，一杯一封。")
    editor.locator("textarea[name=voiceover]").fill("每一杯，都从现泡茶汤开始。")
    editor.locator("textarea[name=music]").fill("轻快吉他，曲库授权")
    editor.locator("form button[type=submit]").last.click()
    editor.wait_for_load_state()
    item = ContentItem.objects.get(title="30 秒看懂一杯现泡茶")
    assert item.state == State.COLLECTED
    assert list(item.accounts.all()) == [douyin]
    move(editor, item, State.SELECTED)

    # The copywriter writes, checks the layout, previews and sends it to the supervisor.
    move(writer, item, State.EDITING)
    edit_script(writer, item, SCRIPT_V1, "定稿第一版")
    to_supervisor(writer, item)
    move(supervisor, item, State.CLIENT_REVIEW)

    # Round 1: the client, on a phone, returns it with a remark on a passage of the script.
    client.goto(reverse("editorial:review", args=[item.pk]))
    assert_no_horizontal_scroll(client)
    for text in ("好茶现泡，一杯一封。", "每一杯，都从现泡茶汤开始。", "轻快吉他，曲库授权"):
        assert text in client.content()
    select_in_part(client, "script", "师傅现场萃取茶汤")
    client.locator("#selection-add").click()
    remark = client.locator("[data-remark]").last
    remark.locator("textarea[name$='-body']").fill("请加上茶叶产地的特写")
    client.locator("textarea[name=summary]").fill("第二个镜头要体现原料产地。")
    client.screenshot(path=str(screenshots / "editorial-walk-client-return.png"), full_page=True)
    client.locator("button[name=decision][value=return]").click()
    client.wait_for_load_state()
    item.refresh_from_db()
    assert item.state == State.RETURNED
    assert item.round == 2
    comment = item.comments.get()
    assert comment.part == "script"
    assert comment.quote == "师傅现场萃取茶汤"
    assert SCRIPT_V1[comment.start : comment.end] == "师傅现场萃取茶汤"

    # Round 2: the copywriter revises; the same path back to the client, who approves.
    move(writer, item, State.EDITING)
    edit_script(writer, item, SCRIPT_V2, "按甲方意见加产地特写")
    to_supervisor(writer, item)
    move(supervisor, item, State.CLIENT_REVIEW)
    client.goto(reverse("editorial:review", args=[item.pk]))
    assert "特写茶叶产地包装" in client.content()
    client.screenshot(path=str(screenshots / "editorial-walk-client-round2.png"), full_page=True)
    client.locator("button[name=decision][value=approve]").click()
    client.wait_for_load_state()
    item.refresh_from_db()
    assert item.state == State.SCHEDULED
    assert item.approved_version == item.version == 3

    # The editor published it by hand and records where.
    editor.goto(reverse("editorial:item_detail", args=[item.pk]))
    publish_form = editor.locator("form.move[data-target='published']")
    publish_form.locator("input[name=url]").fill("https://www.douyin.com/video/7300000000000000001")
    publish_form.locator("button[type=submit]").click()
    editor.wait_for_load_state()
    item.refresh_from_db()
    assert item.state == State.PUBLISHED
    assert item.published_url == "https://www.douyin.com/video/7300000000000000001"
    editor.screenshot(path=str(screenshots / "editorial-walk-published.png"), full_page=True)

    # Four people, each step in the log, with both rounds.
    moves = list(item.changes.values_list("target", "actor__username"))
    assert {user for _, user in moves} == {
        world.alpha.staff[Role.EDITOR].username,
        world.alpha.staff[Role.COPYWRITER].username,
        world.alpha.staff[Role.SUPERVISOR].username,
        side.reviewer.username,
    }
    assert [t for t, _ in moves].count(State.CLIENT_REVIEW) == 2
    assert [t for t, _ in moves][-2:] == [State.SCHEDULED, State.PUBLISHED]
