"""The client's review page in a real browser, on a phone: select a passage, remark, return.

Kept apart from ``test_review_page.py``: the live server needs a committed database, which
cannot share a module with the rolled-back ``world`` fixture. Screenshots go to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import Page, expect

from yunying.accounts import actions as account_actions
from yunying.core.tests.test_browser import PHONE, assert_no_horizontal_scroll, wait_for_path
from yunying.editorial import actions
from yunying.editorial.choices import ContentKind, State
from yunying.editorial.models import ContentItem
from yunying.editorial.tests.helpers import make_item, walk
from yunying.settlement.tests.helpers import make_contract
from yunying.tenancy.choices import Role
from yunying.testing import World, actor, build_world

pytestmark = pytest.mark.browser

SUBTITLES = "大家好，欢迎来到青禾。\n今天开箱秋季新品。\n喜欢就点个关注吧。"
BODY = "<h2>秋季新品</h2><p>桂花乌龙<strong>限时</strong>上市。</p><p>门店同步供应，欢迎品尝。</p>"


def cover_png() -> bytes:
    """A 16:9 picture big enough to be seen in the screenshots."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), (212, 160, 64))
    ImageDraw.Draw(image).ellipse((220, 80, 420, 280), fill=(250, 236, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world_live(live_db: None) -> World:
    """Personas, a contract for the review window, a video and an article waiting for a1."""
    world = build_world()
    side = world.alpha.clients[0]
    make_contract(world.alpha, side, "XH-2026-002")
    editor = actor(world.alpha.staff[Role.EDITOR])
    cover = actions.upload_material(
        actor=editor,
        client=side.client,
        kind="image",
        title="秋季封面",
        file=SimpleUploadedFile("cover.png", cover_png(), content_type="image/png"),
        owner="agency",
    )
    douyin = account_actions.create_account(
        actor=actor(world.alpha.admin),
        client=side.client,
        platform="douyin",
        platform_id="dy-qinghe",
        display_name="青禾抖音号",
        login="dy-qinghe",
        password="Douyin-pass-1",
    )
    video = actions.create_item(
        actor=editor,
        client=side.client,
        kind=ContentKind.DOUYIN_VIDEO,
        draft=actions.Draft(
            title="秋季新品开箱",
            body="门店实拍，30 秒。",
            script="镜头一：推门进店\n镜头二：桂花乌龙特写",
            subtitles=SUBTITLES,
            voiceover="这个秋天，来杯桂花乌龙。",
            music="轻快钢琴，无版权争议曲库",
            cover=cover,
        ),
        accounts=[douyin],
    )
    walk(world, video, State.CLIENT_REVIEW)
    walk(world, make_item(world, title="桂花乌龙上市", body=BODY), State.CLIENT_REVIEW)
    return world


def select(page: Page, part: str, quote: str, occurrence: int = 0) -> None:
    """Select ``quote`` inside the part the way a finger does, as one range in the page."""
    page.evaluate(
        """([part, quote, occurrence]) => {
          const root = document.querySelector(`.review-text [data-part="${part}"]`);
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let seen = 0;
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            let at = node.data.indexOf(quote);
            while (at >= 0) {
              if (seen++ === occurrence) {
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + quote.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return;
              }
              at = node.data.indexOf(quote, at + 1);
            }
          }
          throw new Error("passage not found: " + quote);
        }""",
        [part, quote, occurrence],
    )


def test_the_reviewer_returns_a_video_with_remarks_on_selected_passages(
    open_page: Callable[..., Page],
    world_live: World,
    screenshots: Path,
) -> None:
    video = ContentItem.objects.get(title="秋季新品开箱")
    page = open_page("alpha_reviewer_a1", **PHONE)
    page.goto(reverse("editorial:item_list"))
    expect(page.locator(".to-review .review-card")).to_have_count(2)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "editorial-review-list-phone.png"), full_page=True)

    card = page.locator(".to-review .review-card", has_text="秋季新品开箱")
    card.get_by_role("link").last.click()
    wait_for_path(page, reverse("editorial:review", args=[video.pk]))
    for part in ("script", "subtitles", "voiceover", "music"):
        expect(page.locator(f".review-text [data-part='{part}']")).to_be_visible()
    expect(page.locator("figure.cover img")).to_be_visible()
    # The video goes to an account no contract covers: the agency's default window applies.
    expect(page.locator("[data-deadline]")).to_contain_text(video.review_due.isoformat())
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "editorial-review-video-phone.png"), full_page=True)

    select(page, "subtitles", "开箱秋季新品")
    expect(page.locator("#selection-bar")).to_be_visible()
    page.screenshot(path=str(screenshots / "editorial-review-selection-phone.png"))
    page.locator("#selection-add").click()
    page.locator("[name='remark-0-body']").fill("请说“品鉴”而不是“开箱”")
    select(page, "voiceover", "桂花乌龙")
    page.locator("#selection-add").click()
    page.locator("[name='remark-1-body']").fill("加上“限定”二字")
    page.locator("#id_summary").fill("字幕和旁白各改一处")
    page.screenshot(path=str(screenshots / "editorial-review-remarks-phone.png"), full_page=True)
    page.get_by_role("button", name="退回修改").click()

    expect(page.locator("[data-decision='returned']")).to_be_visible()
    expect(page.locator("[data-decision='returned']")).to_contain_text("字幕和旁白各改一处")
    page.screenshot(path=str(screenshots / "editorial-review-returned-phone.png"), full_page=True)
    video.refresh_from_db()
    assert (video.state, video.round) == (State.RETURNED, 2)
    version = video.versions.get(number=video.version)
    subtitles, voiceover = video.comments.order_by("id")
    assert version.subtitles[subtitles.start : subtitles.end] == "开箱秋季新品"
    assert subtitles.start == SUBTITLES.index("开箱秋季新品")
    assert version.voiceover[voiceover.start : voiceover.end] == "桂花乌龙"


def test_the_reviewer_approves_an_article_after_remarking_on_its_body(
    open_page: Callable[..., Page],
    world_live: World,
    screenshots: Path,
) -> None:
    article = ContentItem.objects.get(title="桂花乌龙上市")
    page = open_page("alpha_reviewer_a1", **PHONE)
    page.goto(reverse("editorial:review", args=[article.pk]))
    expect(page.locator(".review-text .article-body h2")).to_have_text("秋季新品")
    expect(page.locator("[data-deadline]")).to_contain_text("XH-2026-002")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "editorial-review-article-phone.png"), full_page=True)
    select(page, "body", "门店同步供应")
    page.locator("#selection-add").click()
    page.locator("[name='remark-0-body']").fill("下次写明门店地址")
    page.get_by_role("button", name="通过").click()
    expect(page.locator("[data-decision='scheduled']")).to_be_visible()
    article.refresh_from_db()
    assert article.state == State.SCHEDULED
    remark = article.comments.get()
    assert BODY[remark.start : remark.end] == "门店同步供应"


def test_staff_see_the_item_page_and_the_clients_view_on_a_phone(
    open_page: Callable[..., Page],
    screenshots: Path,
) -> None:
    video = ContentItem.objects.get(title="秋季新品开箱")
    page = open_page("alpha_supervisor", **PHONE)
    page.goto(reverse("editorial:item_detail", args=[video.pk]))
    expect(page.locator("nav.tabs")).to_be_visible()
    expect(page.locator("[data-deadline]")).to_contain_text(video.review_due.isoformat())
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "editorial-item-detail-phone.png"), full_page=True)
    page.goto(reverse("editorial:review", args=[video.pk]))
    expect(page.locator("#review-form")).to_have_count(0)
    page.goto(reverse("editorial:item_list"))
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "editorial-item-list-phone.png"), full_page=True)


def test_the_create_form_shows_the_fields_of_the_kind_and_previews_the_body(
    open_page: Callable[..., Page],
    world_live: World,
    screenshots: Path,
) -> None:
    side, other = world_live.alpha.clients
    page = open_page("alpha_editor")
    page.goto(reverse("editorial:item_create"))
    page.locator("[name=client]").select_option(str(side.client.pk))
    page.locator("[name=kind]").select_option(ContentKind.WECHAT_ARTICLE)
    expect(page.locator("fieldset.video-parts")).to_be_hidden()
    expect(page.locator("[data-field=article_slot]")).to_be_visible()
    expect(page.locator(f"[name=accounts][value='{side.account.pk}']")).to_be_visible()
    expect(page.locator(f"[name=accounts][value='{other.account.pk}']")).to_be_hidden()
    page.locator("[name=body]").fill("<p>桂花<strong>乌龙</strong></p><script>alert(1)</script>")
    expect(page.locator("#body-preview strong")).to_have_text("乌龙")
    expect(page.locator("#body-preview script")).to_have_count(0)
    page.screenshot(path=str(screenshots / "editorial-item-create-article.png"), full_page=True)
    page.locator("[name=kind]").select_option(ContentKind.DOUYIN_VIDEO)
    expect(page.locator("fieldset.video-parts")).to_be_visible()
    expect(page.locator("[data-field=article_slot]")).to_be_hidden()
    # The Official Account cannot take a Douyin video; the client's Douyin account can.
    expect(page.locator(f"[name=accounts][value='{side.account.pk}']")).to_be_hidden()
    douyin = page.locator("[name=accounts][data-platform=douyin]")
    expect(douyin).to_be_visible()
    douyin.check()
    page.locator("[name=title]").fill("门店探访")
    page.locator("[name=subtitles]").fill("第二行字幕")
    page.get_by_role("button", name="创建").click()
    expect(page.locator("h1")).to_contain_text("门店探访")
    created = ContentItem.objects.get(title="门店探访")
    assert created.kind == ContentKind.DOUYIN_VIDEO
    assert created.versions.get().subtitles == "第二行字幕"
