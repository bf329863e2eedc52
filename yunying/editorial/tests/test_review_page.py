"""The client's review page: the whole item, remarks on passages, approve or return."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from yunying.editorial import actions
from yunying.editorial.choices import ContentKind, State
from yunying.editorial.models import ContentItem
from yunying.editorial.tests.helpers import make_item, user_for, walk
from yunying.editorial.tests.test_item_pages import douyin_account
from yunying.tenancy.choices import Role
from yunying.testing import actor

pytestmark = pytest.mark.django_db

BODY = "<p>开头说明。</p>\r\n<p>新品<strong>限时</strong>上市，新品很好。</p>"
# A 1×1 PNG, enough for the library to accept and thumbnail it.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2b3"
    "a0c90000000049454e44ae426082"
)


def url(item: ContentItem) -> str:
    return reverse("editorial:review", args=[item.pk])


def waiting(world: Any, **fields: Any) -> ContentItem:
    return walk(world, make_item(world, body=BODY, **fields), State.CLIENT_REVIEW)


def remark(index: int, part: str = "", quote: str = "", start: Any = "", body: str = "") -> dict:
    prefix = f"remark-{index}-"
    return {
        f"{prefix}part": part,
        f"{prefix}quote": quote,
        f"{prefix}start": start,
        f"{prefix}body": body,
    }


def post_data(decision: str, summary: str = "", *remarks: dict) -> dict[str, Any]:
    data: dict[str, Any] = {
        "decision": decision,
        "summary": summary,
        "remark-TOTAL_FORMS": str(len(remarks)),
        "remark-INITIAL_FORMS": "0",
    }
    for one in remarks:
        data.update(one)
    return data


def test_the_reviewer_sees_the_whole_article_with_its_deadline_and_the_buttons(world, db, login):
    item = waiting(world)
    response = login(world.alpha.clients[0].reviewer).get(url(item))
    assert response.status_code == 200
    html = response.content.decode()
    assert item.title in html
    assert "<p>新品<strong>限时</strong>上市，新品很好。</p>" in html
    assert "data-deadline" in html
    assert str(item.review_due.isoformat()) in html
    assert 'value="approve"' in html
    assert 'value="return"' in html
    assert 'name="remark-TOTAL_FORMS"' in html


def test_a_video_shows_cover_script_subtitles_voiceover_and_music(world, db, login):
    side = world.alpha.clients[0]
    editor = actor(user_for(world, Role.EDITOR))
    cover = actions.upload_material(
        actor=editor,
        client=side.client,
        kind="image",
        title="封面图",
        file=SimpleUploadedFile("cover.png", PNG, content_type="image/png"),
        owner="agency",
    )
    item = actions.create_item(
        actor=editor,
        client=side.client,
        kind=ContentKind.DOUYIN_VIDEO,
        draft=actions.Draft(
            title="开箱视频",
            body="简介",
            script="镜头一",
            subtitles="字幕一行",
            voiceover="旁白文字",
            music="轻快钢琴",
            cover=cover,
        ),
        accounts=[douyin_account(world)],
    )
    item = walk(world, item, State.CLIENT_REVIEW)
    html = login(side.reviewer).get(url(item)).content.decode()
    for name, text in (
        ("script", "镜头一"),
        ("subtitles", "字幕一行"),
        ("voiceover", "旁白文字"),
        ("music", "轻快钢琴"),
    ):
        assert f'data-part="{name}">{text}</div>' in html, name
    assert reverse("editorial:material_thumbnail", args=[cover.pk]) in html


def test_approving_schedules_the_item_and_the_page_shows_the_decision(world, db, login):
    item = waiting(world)
    client = login(world.alpha.clients[0].reviewer)
    response = client.post(url(item), post_data("approve", "可以发布"))
    assert response.status_code == 302
    assert response["Location"] == url(item)
    item.refresh_from_db()
    assert item.state == State.SCHEDULED
    assert item.approved_version == item.version
    html = client.get(url(item)).content.decode()
    assert 'data-decision="scheduled"' in html
    assert "可以发布" in html
    assert 'value="approve"' not in html


def test_returning_saves_the_anchored_remarks_pointing_at_their_passage(world, db, login):
    item = waiting(world)
    version = item.versions.get(number=item.version)
    # The page counts characters of the text as shown; the second 新品 starts at 13 there.
    shown = "开头说明。\n新品限时上市，新品很好。"
    start = shown.rindex("新品")
    response = login(world.alpha.clients[0].reviewer).post(
        url(item),
        post_data(
            "return",
            "请改两处",
            remark(0, "body", "新品", start, "这里换成产品名"),
            remark(1, "title", item.title[:2], 0, "标题太长"),
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.round) == (State.RETURNED, 2)
    first, second = item.comments.order_by("id")
    assert first.body == "这里换成产品名"
    assert version.body[first.start : first.end] == "新品"
    assert first.start == BODY.rindex("新品")
    assert (second.part, second.start, second.end) == ("title", 0, 2)
    assert item.changes.last().comment == "请改两处"


def test_a_passage_typed_without_script_is_found_too(world, db, login):
    item = waiting(world)
    login(world.alpha.clients[0].reviewer).post(
        url(item), post_data("return", "见批注", remark(0, "body", "开头", "", "删掉"))
    )
    comment = item.comments.get()
    assert BODY[comment.start : comment.end] == "开头"


def test_a_return_needs_a_summary(world, db, login):
    item = waiting(world)
    response = login(world.alpha.clients[0].reviewer).post(url(item), post_data("return", ""))
    assert response.status_code == 400
    assert re.search(
        r'data-field="summary">\s*<li>' + re.escape(gettext("Say what must change.")),
        response.content.decode(),
    )
    item.refresh_from_db()
    assert item.state == State.CLIENT_REVIEW


def test_a_passage_across_formatting_or_not_in_the_text_is_refused_on_its_row(world, db, login):
    item = waiting(world)
    client = login(world.alpha.clients[0].reviewer)
    across = client.post(
        url(item), post_data("return", "改", remark(0, "body", "新品限时", "", "改"))
    )
    assert across.status_code == 400
    assert 'data-field="quote"' in across.content.decode()
    missing = client.post(
        url(item), post_data("return", "改", remark(0, "body", "没有这句话", "", "改"))
    )
    assert gettext("The quoted passage is not in this version.") in missing.content.decode()
    item.refresh_from_db()
    assert item.state == State.CLIENT_REVIEW
    assert not item.comments.exists()


def test_round_two_shows_what_was_asked_and_what_changed(world, db, login):
    side = world.alpha.clients[0]
    item = waiting(world)
    actions.client_return(
        actor=actor(side.reviewer),
        item=item,
        summary="标题太普通",
        anchors=[actions.Anchor(body="换个说法", part="body", quote="很好")],
    )
    writer = actor(user_for(world, Role.COPYWRITER))
    actions.transition(actor=writer, item=item, target=State.EDITING)
    actions.edit_item(actor=writer, item=item, draft=actions.Draft(title="全新标题", body=BODY))
    item = walk(world, item, State.CLIENT_REVIEW)
    html = login(side.reviewer).get(url(item)).content.decode()
    asked = html.split('class="last-round"')[1].split("</article>")[0]
    assert "标题太普通" in asked
    assert "换个说法" in asked
    assert "很好" in asked
    assert "<ins>全新标题</ins>" in asked


def test_another_clients_reviewer_gets_404(world, db, login):
    item = waiting(world)
    other = login(world.alpha.clients[1].reviewer)
    assert other.get(url(item)).status_code == 404
    assert other.post(url(item), post_data("approve")).status_code == 404
    assert login(world.beta.clients[0].reviewer).get(url(item)).status_code == 404
    item.refresh_from_db()
    assert item.state == State.CLIENT_REVIEW


def test_an_internal_draft_is_not_open_to_the_reviewer(world, db, login):
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    assert login(world.alpha.clients[0].reviewer).get(url(item)).status_code == 404


def test_staff_see_what_the_client_sees_but_cannot_decide(world, db, login):
    item = waiting(world)
    client = login(world.alpha.staff[Role.SUPERVISOR])
    response = client.get(url(item))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>新品<strong>限时</strong>上市，新品很好。</p>" in html
    assert 'value="approve"' not in html
    assert client.post(url(item), post_data("approve")).status_code == 403
    item.refresh_from_db()
    assert item.state == State.CLIENT_REVIEW


def test_a_second_answer_is_refused_with_a_message(world, db, login):
    item = waiting(world)
    client = login(world.alpha.clients[0].reviewer)
    client.post(url(item), post_data("approve"))
    response = client.post(url(item), post_data("return", "改"))
    assert response.status_code == 400
    assert gettext("This item is no longer waiting for your review.") in response.content.decode()
    item.refresh_from_db()
    assert item.state == State.SCHEDULED
