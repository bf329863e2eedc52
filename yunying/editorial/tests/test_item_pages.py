"""The item pages: list, create, edit, detail with the workflow buttons, diff, manual publishing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from yunying.accounts import actions as account_actions
from yunying.editorial import actions, workflow
from yunying.editorial.choices import ContentKind, State
from yunying.editorial.models import ContentItem
from yunying.editorial.tests.helpers import make_item, user_for, walk
from yunying.settlement.tests.helpers import make_contract
from yunying.tenancy.choices import Role
from yunying.testing import actor

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=SHANGHAI)


def page(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def detail_url(item: ContentItem) -> str:
    return reverse("editorial:item_detail", args=[item.pk])


def move_targets(html: str) -> set[str]:
    return set(re.findall(r'class="move" data-target="([a-z_]+)"', html))


def douyin_account(world: Any, side: Any = None) -> Any:
    side = side or world.alpha.clients[0]
    return account_actions.create_account(
        actor=actor(world.alpha.admin),
        client=side.client,
        platform="douyin",
        platform_id=f"dy-{side.client.pk}",
        display_name=f"douyin of {side.client.name}",
        login=f"dy-{side.client.pk}",
        password="Douyin-pass-1",
    )


def article_post(world: Any, **changes: Any) -> dict[str, Any]:
    side = world.alpha.clients[0]
    data = {
        "kind": ContentKind.WECHAT_ARTICLE,
        "client": side.client.pk,
        "accounts": [side.account.pk],
        "title": "十月新品",
        "body": "<p>第一段</p>",
        "article_slot": "A",
        "planned_at": "2026-10-12T20:00",
        "note": "初稿",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- List ----------------------------------------------------------------------------------------


def test_staff_see_every_item_of_their_agency_in_the_list(world, db, login):
    draft = make_item(world, title="内部草稿甲")
    other = make_item(world, side=world.alpha.clients[1], title="另一客户乙")
    for role in (Role.EDITOR, Role.SUPERVISOR, Role.ACCOUNT_MANAGER, Role.HOST, Role.AGENCY_ADMIN):
        html = page(login(world.alpha.staff[role]), reverse("editorial:item_list"))
        assert draft.title in html, role
        assert other.title in html, role
    assert draft.title not in page(
        login(world.beta.staff[Role.EDITOR]), reverse("editorial:item_list")
    )


def test_the_list_filters_by_client_state_kind_mine_and_title(world, db, login):
    mine = make_item(world, title="编辑的文章")
    walk(world, mine, State.EDITING)  # the copywriter becomes its author
    other = make_item(world, side=world.alpha.clients[1], title="别的客户")
    client = login(world.alpha.staff[Role.COPYWRITER])
    url = reverse("editorial:item_list")
    by_client = page(client, f"{url}?client={world.alpha.clients[1].client.pk}")
    assert other.title in by_client
    assert mine.title not in by_client
    by_state = page(client, f"{url}?state=editing")
    assert mine.title in by_state
    assert other.title not in by_state
    assert mine.title not in page(client, f"{url}?kind=douyin_video")
    by_mine = page(client, f"{url}?mine=1")
    assert mine.title in by_mine
    assert other.title not in by_mine
    by_title = page(client, f"{url}?q=别的")
    assert other.title in by_title
    assert mine.title not in by_title


def test_a_client_reviewer_sees_items_from_client_review_on_with_a_to_review_section(
    world, db, login
):
    side = world.alpha.clients[0]
    draft = make_item(world, title="还在编辑的稿子")
    waiting = walk(world, make_item(world, title="请您审核"), State.CLIENT_REVIEW)
    done = walk(world, make_item(world, title="已排期"), State.SCHEDULED)
    sibling = walk(
        world,
        make_item(world, side=world.alpha.clients[1], title="别家的"),
        State.CLIENT_REVIEW,
        side=world.alpha.clients[1],
    )
    html = page(login(side.reviewer), reverse("editorial:item_list"))
    assert draft.title not in html
    assert sibling.title not in html
    to_review = html.split('class="to-review"')[1].split("</section>")[0]
    assert waiting.title in to_review
    assert done.title not in to_review
    assert done.title in html
    assert reverse("editorial:review", args=[waiting.pk]) in to_review


def test_the_reviewer_sees_items_they_returned_but_not_the_next_draft(world, db, login):
    side = world.alpha.clients[0]
    item = walk(world, make_item(world, title="被退回的稿子"), State.CLIENT_REVIEW)
    actions.client_return(actor=actor(side.reviewer), item=item, summary="请改标题")
    client = login(side.reviewer)
    assert item.title in page(client, reverse("editorial:item_list"))
    actions.transition(
        actor=actor(user_for(world, Role.COPYWRITER)), item=item, target=State.EDITING
    )
    assert item.title not in page(client, reverse("editorial:item_list"))
    page(client, reverse("editorial:review", args=[item.pk]), status=404)


def test_the_list_flags_overdue_reviews_and_rounds_past_the_maximum(world, db, login):
    side = world.alpha.clients[0]
    make_contract(
        world.alpha,
        side,
        "XH-2026-101",
        windows={"review_working_days": 3, "max_revision_rounds": 1, "payment_day": 10},
    )
    item = walk(world, make_item(world, title="逾期稿"), State.SUPERVISOR_REVIEW)
    with time_machine.travel(at("2026-09-30"), tick=False):
        actions.transition(
            actor=actor(user_for(world, Role.SUPERVISOR)), item=item, target=State.CLIENT_REVIEW
        )
        actions.client_return(actor=actor(side.reviewer), item=item, summary="重写")
    actions.transition(
        actor=actor(user_for(world, Role.COPYWRITER)), item=item, target=State.EDITING
    )
    item = walk(world, item, State.SUPERVISOR_REVIEW)
    with time_machine.travel(at("2026-09-30"), tick=False):
        actions.transition(
            actor=actor(user_for(world, Role.SUPERVISOR)), item=item, target=State.CLIENT_REVIEW
        )
    client = login(user_for(world, Role.EDITOR))
    with time_machine.travel(at("2026-10-12"), tick=False):
        html = page(client, reverse("editorial:item_list"))
    row = html.split(f'data-item="{item.pk}"')[1].split("</tr>")[0]
    assert "2026-10-10" in row
    assert gettext("Overdue") in row
    assert gettext("over rounds") in row


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_the_list_costs_the_same_queries_for_one_item_or_twenty(world, db, login, who):
    from yunying.workdays import services

    services.get_calendar()
    side = world.alpha.clients[0]
    user = side.reviewer if who == "reviewer" else world.alpha.staff[Role.EDITOR]
    client = login(user)
    url = reverse("editorial:item_list")
    walk(world, make_item(world, title="第 0 篇"), State.CLIENT_REVIEW)
    page(client, url)  # warm the session and the calendar
    one = _count(client, url)
    for i in range(1, 20):
        walk(world, make_item(world, title=f"第 {i} 篇"), State.CLIENT_REVIEW)
    assert _count(client, url) == one


def test_the_list_is_paginated_and_keeps_its_filters(world, db, login):
    for i in range(52):
        make_item(world, title=f"批量 {i}")
    html = page(login(world.alpha.staff[Role.EDITOR]), reverse("editorial:item_list") + "?q=批量")
    assert html.count("data-item=") == 50
    assert "?q=%E6%89%B9%E9%87%8F&amp;page=2" in html


# --- Create and edit -----------------------------------------------------------------------------


def test_an_editor_creates_an_article_as_version_one(world, db, login):
    response = login(world.alpha.staff[Role.EDITOR]).post(
        reverse("editorial:item_create"), article_post(world)
    )
    item = ContentItem.objects.get(title="十月新品")
    assert response.status_code == 302
    assert response["Location"] == detail_url(item)
    assert (item.state, item.version, item.article_slot) == (State.COLLECTED, 1, "A")
    assert item.planned_at == at("2026-10-12", 20)
    assert item.versions.get().note == "初稿"


def test_create_errors_are_shown_next_to_their_fields(world, db, login):
    client = login(world.alpha.staff[Role.EDITOR])
    url = reverse("editorial:item_create")
    for changes, field, message in (
        ({"title": ""}, "title", "Enter a title."),
        ({"accounts": []}, "accounts", "Choose at least one target account."),
    ):
        response = client.post(url, article_post(world, **changes))
        assert response.status_code == 400
        html = response.content.decode()
        assert re.search(f'data-field="{field}">\\s*<li>' + re.escape(gettext(message)), html)
    assert not ContentItem.objects.filter(client=world.alpha.clients[0].client).exists()


def test_an_account_of_another_client_is_refused_on_its_field(world, db, login):
    other = world.alpha.clients[1].account
    response = login(world.alpha.staff[Role.EDITOR]).post(
        reverse("editorial:item_create"), article_post(world, accounts=[other.pk])
    )
    assert response.status_code == 400
    assert 'data-field="accounts"' in response.content.decode()


def test_a_video_keeps_its_parts_and_an_article_ignores_them(world, db, login):
    account = douyin_account(world)
    client = login(world.alpha.staff[Role.EDITOR])
    client.post(
        reverse("editorial:item_create"),
        article_post(
            world,
            kind=ContentKind.DOUYIN_VIDEO,
            accounts=[account.pk],
            title="开箱视频",
            body="视频简介",
            script="镜头一：开箱",
            subtitles="大家好\r\n今天开箱",
            voiceover="旁白",
            music="轻快钢琴",
            article_slot="",
        ),
    )
    video = ContentItem.objects.get(title="开箱视频").versions.get()
    assert (video.script, video.subtitles, video.music) == (
        "镜头一：开箱",
        "大家好\n今天开箱",
        "轻快钢琴",
    )
    client.post(
        reverse("editorial:item_create"), article_post(world, title="图文", script="不该留")
    )
    assert ContentItem.objects.get(title="图文").versions.get().script == ""


def test_the_create_form_offers_only_the_persons_agency_clients(world, db, login):
    html = page(login(world.alpha.staff[Role.EDITOR]), reverse("editorial:item_create"))
    assert world.alpha.clients[0].client.name in html
    assert world.beta.clients[0].client.name not in html
    assert f'data-client="{world.alpha.clients[0].client.pk}"' in html


def test_people_who_may_not_create_get_403(world, db, login):
    for user in (world.alpha.staff[Role.HOST], world.alpha.clients[0].reviewer):
        page(login(user), reverse("editorial:item_create"), status=403)


def test_an_edit_adds_a_version_and_an_unchanged_save_adds_none(world, db, login):
    item = make_item(world, title="原标题", body="<p>原文</p>")
    client = login(world.alpha.staff[Role.EDITOR])
    url = reverse("editorial:item_edit", args=[item.pk])
    form = {
        "accounts": [world.alpha.clients[0].account.pk],
        "title": "原标题",
        "body": "<p>原文</p>",
    }
    response = client.post(url, form, follow=True)
    assert gettext("Nothing changed; nothing was saved.") in response.content.decode()
    assert item.versions.count() == 1
    response = client.post(
        url, {**form, "body": "<p>改过的原文</p>", "note": "改正文"}, follow=True
    )
    assert gettext("Saved as version %(number)d.") % {"number": 2} in response.content.decode()
    latest = item.versions.get(number=2)
    assert (latest.body, latest.note) == ("<p>改过的原文</p>", "改正文")


def test_moving_the_planned_time_alone_saves_without_a_new_version(world, db, login):
    item = make_item(world)
    client = login(world.alpha.staff[Role.EDITOR])
    response = client.post(
        reverse("editorial:item_edit", args=[item.pk]),
        {
            "accounts": [world.alpha.clients[0].account.pk],
            "title": item.title,
            "body": "<p>新品介绍</p>",
            "planned_at": "2026-11-02T11:00",
        },
        follow=True,
    )
    assert (
        gettext("Saved. The text did not change, so no new version.") in response.content.decode()
    )
    item.refresh_from_db()
    assert item.version == 1
    assert item.planned_at == at("2026-11-02", 11)


def test_an_item_under_review_cannot_be_edited(world, db, login):
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    client = login(world.alpha.staff[Role.COPYWRITER])
    url = reverse("editorial:item_edit", args=[item.pk])
    assert client.get(url)["Location"] == detail_url(item)
    response = client.post(url, {"accounts": [world.alpha.clients[0].account.pk], "title": "改"})
    assert response.status_code == 400
    assert item.versions.count() == 1


def test_the_preview_shows_the_body_sanitised(world, db, login):
    response = login(world.alpha.staff[Role.EDITOR]).post(
        reverse("editorial:item_preview"), {"body": "<p onclick='x()'>好<script>bad()</script></p>"}
    )
    assert response.content.decode() == "<p>好</p>"


# --- Detail --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [State.COLLECTED, State.SELECTED, State.LAYOUT_REVIEW, State.CLIENT_REVIEW, State.SCHEDULED],
)
def test_each_role_gets_the_buttons_the_workflow_gives_it(world, db, login, state):
    item = walk(world, make_item(world), state)
    for role in (Role.EDITOR, Role.COPYWRITER, Role.SUPERVISOR, Role.ACCOUNT_MANAGER, Role.HOST):
        user = world.alpha.staff[role]
        html = page(login(user), detail_url(item))
        expected = {t.target for t in workflow.moves_from(state, actor(user).roles)}
        assert move_targets(html) == expected, (state, role)


def test_a_client_reviewer_opening_the_item_page_is_sent_to_the_review_page(world, db, login):
    item = walk(world, make_item(world), State.CLIENT_REVIEW)
    response = login(world.alpha.clients[0].reviewer).get(detail_url(item))
    assert response.status_code == 302
    assert response["Location"] == reverse("editorial:review", args=[item.pk])


def test_the_detail_shows_text_deadline_rule_silence_and_history(world, db, login):
    side = world.alpha.clients[0]
    make_contract(world.alpha, side, "XH-2026-002")
    item = make_item(world, body="<p>新品<strong>介绍</strong></p><script>alert(1)</script>")
    item = walk(world, item, State.SUPERVISOR_REVIEW)
    with time_machine.travel(at("2026-09-30"), tick=False):
        actions.transition(
            actor=actor(user_for(world, Role.SUPERVISOR)), item=item, target=State.CLIENT_REVIEW
        )
    with time_machine.travel(at("2026-10-09"), tick=False):
        html = page(login(world.alpha.staff[Role.SUPERVISOR]), detail_url(item))
    assert "<p>新品<strong>介绍</strong></p>" in html
    assert "alert(1)" not in html
    explanation = gettext("%(start)s + %(n)d working days = %(due)s (%(source)s)") % {
        "start": "2026-09-30",
        "n": 3,
        "due": "2026-10-10",
        "source": gettext("contract %(number)s") % {"number": "XH-2026-002"},
    }
    assert explanation in html
    # 8 and 9 October are the working days since the holiday.
    silence = html.split("data-silence>")[1].split("</dd>")[0]
    assert silence == ngettext("%(n)d working day", "%(n)d working days", 2) % {"n": 2}
    log = html.split('<table class="log">')[1].split("</table>")[0]
    assert log.count("<tr><td") == item.changes.count() == 6


def test_the_detail_explains_a_deadline_in_a_year_without_calendar(world, db, login):
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    with time_machine.travel(at("2031-03-03"), tick=False):
        actions.transition(
            actor=actor(user_for(world, Role.SUPERVISOR)), item=item, target=State.CLIENT_REVIEW
        )
        html = page(login(world.alpha.staff[Role.SUPERVISOR]), detail_url(item))
    assert "2031" in html.split("data-deadline>")[1].split("</dd>")[0]
    assert "2031-03-03 + 3" in html


def test_compliance_findings_are_marked_in_place_and_the_supervisor_gives_a_reason(
    world, db, login
):
    item = make_item(world, title="行业第一品牌", body="<p>我们是第一</p>")
    item = walk(world, item, State.SUPERVISOR_REVIEW)
    client = login(world.alpha.staff[Role.SUPERVISOR])
    html = page(client, detail_url(item))
    assert re.search(r"<p>我们是<mark title=\"[^\"]+\">第一</mark></p>", html)
    assert 'name="override_reason"' in html
    url = reverse("editorial:item_transition", args=[item.pk])
    refused = client.post(url, {"target": State.CLIENT_REVIEW})
    assert refused.status_code == 400
    assert 'data-field="override_reason"' in refused.content.decode()
    client.post(url, {"target": State.CLIENT_REVIEW, "override_reason": "有行业协会排名证明"})
    item.refresh_from_db()
    assert item.state == State.CLIENT_REVIEW
    log = page(client, detail_url(item))
    assert "有行业协会排名证明" in log


def test_a_move_that_needs_a_reason_says_so_on_the_page(world, db, login):
    item = walk(world, make_item(world), State.LAYOUT_REVIEW)
    client = login(world.alpha.staff[Role.COPYWRITER])
    response = client.post(
        reverse("editorial:item_transition", args=[item.pk]), {"target": State.EDITING}
    )
    assert response.status_code == 400
    assert re.search(
        r'data-field="comment">\s*<li>' + re.escape(gettext("Say why.")), response.content.decode()
    )
    item.refresh_from_db()
    assert item.state == State.LAYOUT_REVIEW


def test_a_move_the_role_may_not_make_is_forbidden(world, db, login):
    item = make_item(world)
    response = login(world.alpha.staff[Role.COPYWRITER]).post(
        reverse("editorial:item_transition", args=[item.pk]), {"target": State.SELECTED}
    )
    assert response.status_code == 403
    host = login(world.alpha.staff[Role.HOST]).post(
        reverse("editorial:item_transition", args=[item.pk]), {"target": State.SELECTED}
    )
    assert host.status_code == 403
    item.refresh_from_db()
    assert item.state == State.COLLECTED


def test_a_scheduled_item_is_recorded_as_published_by_hand(world, db, login):
    item = walk(world, make_item(world), State.SCHEDULED)
    client = login(world.alpha.staff[Role.EDITOR])
    html = page(client, detail_url(item))
    assert 'action="{}"'.format(reverse("editorial:item_publish", args=[item.pk])) in html
    url = reverse("editorial:item_publish", args=[item.pk])
    refused = client.post(url, {"url": "not a url"})
    assert refused.status_code == 400
    assert 'data-field="url"' in refused.content.decode()
    client.post(url, {"url": "https://mp.weixin.qq.com/s/abc", "published_at": "2026-01-05T20:00"})
    item.refresh_from_db()
    assert item.state == State.PUBLISHED
    assert item.published_url == "https://mp.weixin.qq.com/s/abc"
    assert item.published_at == at("2026-01-05", 20)


def test_the_comments_show_their_quoted_passage(world, db, login):
    side = world.alpha.clients[0]
    item = walk(world, make_item(world), State.CLIENT_REVIEW)
    actions.client_return(
        actor=actor(side.reviewer),
        item=item,
        summary="请修改",
        anchors=[actions.Anchor(body="这里写错了", part="body", quote="介绍")],
    )
    html = page(login(world.alpha.staff[Role.COPYWRITER]), detail_url(item))
    comment = html.split("data-comment=")[1].split("</article>")[0]
    assert '<blockquote class="quote">介绍' in comment
    assert "这里写错了" in comment


# --- Diff ----------------------------------------------------------------------------------------


def test_the_diff_shows_insertions_and_deletions_per_part(world, db, login):
    item = make_item(world, title="秋季新品", body="<p>今天天气很好</p>")
    actions.edit_item(
        actor=actor(world.alpha.staff[Role.EDITOR]),
        item=item,
        draft=actions.Draft(title="秋季新品上市", body="<p>今天天气不错</p>"),
    )
    client = login(world.alpha.staff[Role.EDITOR])
    html = page(client, reverse("editorial:item_diff", args=[item.pk]) + "?a=1&b=2")
    title = html.split('data-diff="title"')[1].split("</section>")[0]
    body = html.split('data-diff="body"')[1].split("</section>")[0]
    assert "秋季新品<ins>上市</ins>" in title
    assert "今天天气<del>很好</del><ins>不错</ins>" in body
    page(client, reverse("editorial:item_diff", args=[item.pk]) + "?a=1&b=9", status=404)


def test_the_client_does_not_see_the_teams_diffs(world, db, login):
    item = walk(world, make_item(world), State.CLIENT_REVIEW)
    page(
        login(world.alpha.clients[0].reviewer), reverse("editorial:item_diff", args=[item.pk]), 404
    )
