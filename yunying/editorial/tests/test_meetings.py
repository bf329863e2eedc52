"""Meeting packs: the stand-up (早例会) and the weekly review (周例会) on fixed data."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from yunying.editorial import actions, runs
from yunying.editorial.choices import PublicationStatus, SilencePolicy, State
from yunying.editorial.models import ContentItem, Publication
from yunying.editorial.tests.helpers import make_item, walk
from yunying.editorial.tests.scoring_helpers import GOOD, at, publish, score
from yunying.metrics import actions as metrics_actions
from yunying.metrics.files import MetricRow, PostRow
from yunying.tenancy.choices import Role
from yunying.testing import actor

pytestmark = pytest.mark.django_db

STANDUP = reverse("editorial:standup")
WEEKLY = reverse("editorial:weekly")


@pytest.fixture(autouse=True)
def _warm_calendar(monkeypatch: Any) -> None:
    """Load the holiday calendar once and keep it, so query counts measure the page."""
    from yunying.workdays import services

    monkeypatch.setattr(services, "STAMP_CHECK_SECONDS", 3600)
    services.get_calendar()


def travel(when: dt.datetime) -> Any:
    return time_machine.travel(when, tick=False)


def who(world: Any, role: str) -> Any:
    return actor(world.alpha.staff[role])


def to_client_review(world: Any, title: str, when: dt.datetime, side: Any = None) -> ContentItem:
    with travel(when):
        return walk(world, make_item(world, title=title, side=side), State.CLIENT_REVIEW, side=side)


def returned(world: Any, title: str, asked: dt.datetime, when: dt.datetime, why: str) -> Any:
    item = to_client_review(world, title, asked)
    with travel(when):
        reviewer = actor(world.alpha.clients[0].reviewer)
        actions.client_return(actor=reviewer, item=item, summary=why)
    item.refresh_from_db()
    return item


def planned(world: Any, title: str, when: dt.datetime, state: str = State.COLLECTED) -> Any:
    item = make_item(world, title=title, planned_at=when)
    return walk(world, item, state) if state != State.COLLECTED else item


def failed_publication(world: Any, title: str, slot: dt.datetime) -> ContentItem:
    """A scheduled article without a cover, published through the WeChat API at its slot: the
    publisher refuses it before any call (WeChat articles need a cover), so it stays scheduled.
    """
    with travel(slot - dt.timedelta(hours=2)):
        item = walk(world, make_item(world, title=title, planned_at=slot), State.SCHEDULED)
        side = world.alpha.clients[0]
        actions.configure_publisher(
            actor=who(world, Role.ACCOUNT_MANAGER),
            account=side.account,
            mode="wechat_oa",
            appid="wx-test",
            # Never sent: the publisher refuses the article before calling WeChat.
            secret="not-used",
            api_base="http://127.0.0.1:9",
        )
    with travel(slot + dt.timedelta(minutes=5)):
        runs.publish_due()
    return item


def published_by_manager(world: Any, title: str, when: dt.datetime, side: Any) -> ContentItem:
    """Created by the account manager: no editor, so only the copywriter is credited."""
    item = actions.create_item(
        actor=who(world, Role.ACCOUNT_MANAGER),
        client=side.client,
        kind="wechat_article",
        draft=actions.Draft(title=title),
        accounts=[side.account],
    )
    walk(world, item, State.SCHEDULED, side=side)
    actions.record_publication(
        actor=who(world, Role.COPYWRITER),
        item=item,
        url=f"https://mp.weixin.qq.com/s/{item.pk}",
        published_at=when,
    )
    item.refresh_from_db()
    return item


def with_findings(world: Any, title: str, when: dt.datetime) -> ContentItem:
    """Through the gate with a warning (第一) the supervisor passes with a reason."""
    with travel(when):
        item = walk(world, make_item(world, title=title), State.TEAM_PREVIEW)
        actions.transition(
            actor=who(world, Role.COPYWRITER), item=item, target=State.SUPERVISOR_REVIEW
        )
        actions.transition(
            actor=who(world, Role.SUPERVISOR),
            item=item,
            target=State.CLIENT_REVIEW,
            override_reason="品牌自有排名，已核实",
        )
    return item


def build(world: Any) -> dict[str, Any]:
    """The fixed data: a1's and a2's week of 19–25 October 2026 and plans around it."""
    a1, a2 = world.alpha.clients
    actions.update_settings(
        actor=actor(world.alpha.admin),
        review_working_days=3,
        max_revision_rounds=1,
        client_silence=SilencePolicy.ESCALATE,
    )
    made: dict[str, Any] = {}
    with travel(at("2026-10-18")):
        made["older"] = publish(world, "前天发布", at("2026-10-17", 10))
    with travel(at("2026-10-20", 23)):
        made["p1"] = publish(
            world, "昨日发布", at("2026-10-20", 11), url="https://mp.weixin.qq.com/s/p1"
        )
        # 07:00 in Shanghai is still the 19th in UTC: the day is Shanghai's.
        made["early"] = publish(world, "清晨发布", at("2026-10-20", 7))
        made["p2"] = published_by_manager(world, "二号客户昨日", at("2026-10-20", 20), a2)
        score(world, made["p1"], GOOD)  # 84.00
        score(world, made["p2"], {**GOOD, "content": "10"})  # 92.00
    # Returned on the 20th (round 2 > the maximum of 1: also past the maximum rounds).
    made["returned"] = returned(
        world, "退回稿件", at("2026-10-19", 9), at("2026-10-20", 15), "标题太长，请改短"
    )
    # Asked on Wed 14 Oct: 3 working days → due Mon 19 Oct.
    made["overdue"] = to_client_review(world, "客户未回复", at("2026-10-14"))
    made["waiting"] = to_client_review(world, "客户审核中", at("2026-10-20"))
    made["failed"] = failed_publication(world, "无封面的推送", at("2026-10-20", 20))
    with travel(at("2026-10-20", 9)):
        made["today"] = planned(world, "今天计划", at("2026-10-21", 15))
        made["soon"] = planned(world, "精选后天", at("2026-10-23"), State.SELECTED)
        made["editing"] = planned(world, "编辑中明天", at("2026-10-22"), State.EDITING)
        made["far"] = planned(world, "太远的精选", at("2026-11-10"), State.SELECTED)
        made["past"] = planned(world, "昨天的精选", at("2026-10-20", 8), State.SELECTED)
        made["a2_selected"] = walk(
            world,
            make_item(world, title="二号客户精选", side=a2, planned_at=at("2026-10-22")),
            State.SELECTED,
            side=a2,
        )
        made["tuesday"] = planned(world, "周二计划", at("2026-10-27", 10))
        # 07:00 on Wednesday in Shanghai is Tuesday in UTC.
        made["wednesday"] = planned(world, "周三清晨", at("2026-10-28", 7))
        made["thursday"] = planned(world, "周四计划", at("2026-10-29", 20), State.SELECTED)
        dropped = planned(world, "已放弃", at("2026-10-28"))
        actions.transition(
            actor=who(world, Role.SUPERVISOR),
            item=dropped,
            target=State.WITHDRAWN,
            comment="不做了",
        )
    made["warned"] = with_findings(world, "行业第一的选择", at("2026-10-21"))
    boss = actor(world.alpha.admin)
    metrics_actions.import_posts(
        actor=boss,
        account=a1.account,
        rows=[
            PostRow("p1", "A", dt.date(2026, 10, 20), "article", 321),
            PostRow("other", "A", dt.date(2026, 10, 20), "article", 5),
        ],
    )
    metrics_actions.import_metrics(
        actor=boss,
        account=a1.account,
        rows=[
            MetricRow(dt.date(2026, 10, 20), "A", "followers_new", Decimal(10)),
            MetricRow(dt.date(2026, 10, 22), "A", "followers_lost", Decimal(3)),
            # Outside the week: not counted.
            MetricRow(dt.date(2026, 10, 26), "A", "followers_new", Decimal(100)),
        ],
    )
    return made


@pytest.fixture
def data(world: Any, db: Any) -> dict[str, Any]:
    return build(world)


def section(page: str, testid: str) -> str:
    """The HTML of the table marked ``data-testid``."""
    return page.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def page_as(client: Any, url: str, when: str = "2026-10-26 09:00 +0800") -> str:
    with time_machine.travel(when, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- The stand-up ---------------------------------------------------------------------------


def test_standup_lists_yesterdays_published_items_with_their_links(world, login, data):
    page = page_as(login(world.alpha.staff[Role.EDITOR]), f"{STANDUP}?date=2026-10-21")
    published = section(page, "published")
    assert "昨日发布" in published
    assert "https://mp.weixin.qq.com/s/p1" in published
    assert "二号客户昨日" in published
    assert "清晨发布" in published
    assert "前天发布" not in published


def test_standup_shows_open_problems(world, login, data):
    page = page_as(login(world.alpha.staff[Role.EDITOR]), f"{STANDUP}?date=2026-10-21")
    returns = section(page, "returns")
    assert "退回稿件" in returns
    assert "标题太长，请改短" in returns
    assert "退回稿件" in section(page, "over-rounds")
    overdue = section(page, "overdue")
    assert "客户未回复" in overdue
    assert "客户审核中" not in overdue  # due on the 23rd
    # Asked on the 14th: working days 15, 16, 19, 20 and 21 October.
    assert re.search(r'data-testid="silent-days">5<', overdue)
    failed = section(page, "failed")
    assert "无封面的推送" in failed
    assert "cover" in failed


def test_a_failed_push_published_by_hand_afterwards_is_no_longer_a_problem(world, login, data):
    with travel(at("2026-10-20", 22)):
        actions.record_publication(
            actor=who(world, Role.COPYWRITER),
            item=data["failed"],
            url="https://mp.weixin.qq.com/s/by-hand",
            published_at=at("2026-10-20", 21, 30),
        )
    page = page_as(login(world.alpha.staff[Role.EDITOR]), f"{STANDUP}?date=2026-10-21")
    assert "无封面的推送" not in section(page, "failed")
    assert "无封面的推送" in section(page, "published")


def test_standup_checks_todays_plan_and_the_coming_selections(world, login, data):
    page = page_as(login(world.alpha.staff[Role.EDITOR]), f"{STANDUP}?date=2026-10-21")
    assert "今天计划" in section(page, "planned-today")
    selections = section(page, "selections")
    assert "精选后天" in selections
    assert "编辑中明天" in selections
    assert "二号客户精选" in selections
    assert "太远的精选" not in selections
    assert "昨天的精选" not in selections
    assert "今天计划" not in selections  # collected, not yet selected


def test_standup_defaults_to_today(world, login, data):
    page = page_as(login(world.alpha.staff[Role.EDITOR]), STANDUP, "2026-10-21 08:30 +0800")
    assert "昨日发布" in section(page, "published")


def test_standup_for_one_client_leaves_out_the_others(world, login, data):
    a1 = world.alpha.clients[0].client
    page = page_as(
        login(world.alpha.staff[Role.EDITOR]), f"{STANDUP}?date=2026-10-21&client={a1.pk}"
    )
    assert "昨日发布" in section(page, "published")
    assert "二号客户昨日" not in page
    assert "二号客户精选" not in page


def test_the_packs_are_printable(world, login, data):
    client = login(world.alpha.staff[Role.EDITOR])
    for url in (STANDUP, WEEKLY):
        page = page_as(client, url)
        assert "@media print" in page
        assert "window.print()" in page


# --- The weekly review ------------------------------------------------------------------------


def rows(html: str) -> list[list[str]]:
    found = re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in found]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in row] for row in cells if row]


def test_weekly_counts_last_weeks_published_items_per_client_and_kind(world, login, data):
    page = page_as(login(world.alpha.staff[Role.SUPERVISOR]), f"{WEEKLY}?week=2026-W44")
    counts = rows(section(page, "counts"))
    kind = str(ContentItem(kind="wechat_article").get_kind_display())
    assert counts == [["alpha client a1", kind, "2"], ["alpha client a2", kind, "1"]]


def test_weekly_shows_likes_when_the_platform_reported_the_post(world, login, data):
    page = page_as(login(world.alpha.staff[Role.SUPERVISOR]), f"{WEEKLY}?week=2026-W44")
    table = rows(section(page, "published"))
    likes = {row[0]: row[4] for row in table}
    # Two posts of a1 that day: the one whose id is in the URL is this item's.
    assert likes["昨日发布"] == "321"
    # a2 reported nothing; a1's early item matches neither post by id, and a1 had two that day.
    assert likes["二号客户昨日"] == gettext("no data")
    assert likes["清晨发布"] == gettext("no data")


def test_weekly_shows_each_accounts_follower_net_growth(world, login, data):
    page = page_as(login(world.alpha.staff[Role.SUPERVISOR]), f"{WEEKLY}?week=2026-W44")
    growth = {row[1]: row[2] for row in rows(section(page, "growth"))}
    a1, a2 = (side.account.display_name for side in world.alpha.clients)
    assert growth[a1] == "7"  # 10 new − 3 lost; the 26th is this week
    assert growth[a2] == gettext("no data")


def test_weekly_lists_last_weeks_problems(world, login, data):
    page = page_as(login(world.alpha.staff[Role.SUPERVISOR]), f"{WEEKLY}?week=2026-W44")
    assert "标题太长，请改短" in section(page, "returns")
    assert "退回稿件" in section(page, "over-rounds")
    overdue = section(page, "overdue")
    assert "客户未回复" in overdue
    # As of the meeting's Monday: 15, 16, 19–23 and 26 October.
    assert re.search(r'data-testid="silent-days">8<', overdue)
    findings = section(page, "findings")
    assert "行业第一的选择" in findings
    assert "第一" in findings
    assert "品牌自有排名，已核实" in findings


def test_weekly_plans_this_week_by_day(world, login, data):
    page = page_as(login(world.alpha.staff[Role.SUPERVISOR]), f"{WEEKLY}?week=2026-W44")
    plan = page.split('id="w3"', 1)[1].split("</section>", 1)[0]
    assert plan.index("10-27") < plan.index("周二计划") < plan.index("10-28")
    assert plan.index("10-28") < plan.index("周三清晨") < plan.index("10-29")
    assert plan.index("10-29") < plan.index("周四计划") < plan.index("10-30")
    assert "已放弃" not in plan
    assert "今天计划" not in plan  # last week's


def test_weekly_announces_last_weeks_scores_per_item_and_person(world, login, data):
    page = page_as(login(world.alpha.staff[Role.SUPERVISOR]), f"{WEEKLY}?week=2026-W44")
    items = {row[0]: row[3] for row in rows(section(page, "item-scores"))}
    assert items == {
        "昨日发布": "84.00",
        "清晨发布": gettext("not scored yet"),
        "二号客户昨日": "92.00",
    }
    people = rows(section(page, "person-scores"))
    assert people == [["alpha copywriter", "2", "88.00"], ["alpha editor", "1", "84.00"]]


def test_weekly_takes_a_date_instead_of_a_week(world, login, data):
    page = page_as(login(world.alpha.staff[Role.SUPERVISOR]), f"{WEEKLY}?date=2026-10-28")
    assert "2026-W44" in page
    assert "昨日发布" in section(page, "published")


def test_copywriters_see_the_weekly_pack_without_scores(world, login, data):
    page = page_as(login(world.alpha.staff[Role.COPYWRITER]), f"{WEEKLY}?week=2026-W44")
    assert "昨日发布" in section(page, "published")
    assert 'data-testid="item-scores"' not in page
    assert "84.00" not in page


# --- Who may see the packs --------------------------------------------------------------------


@pytest.mark.parametrize("url", [STANDUP, WEEKLY])
def test_client_reviewers_and_hosts_cannot_open_meeting_packs(world, login, url):
    assert login(world.alpha.clients[0].reviewer).get(url).status_code == 403
    assert login(world.alpha.staff[Role.HOST]).get(url).status_code == 403


def test_another_agency_sees_nothing_of_alphas_meetings(world, login, data):
    client = login(world.beta.staff[Role.SUPERVISOR])
    for url in (f"{STANDUP}?date=2026-10-21", f"{WEEKLY}?week=2026-W44"):
        page = page_as(client, url)
        for title in ("昨日发布", "退回稿件", "客户未回复", "无封面的推送", "精选后天", "周二计划"):
            assert title not in page


# --- Query counts -------------------------------------------------------------------------------


def grow(world: Any, n: int) -> None:
    """``n`` more of every row the packs show (published, returned, overdue, failed, planned,
    selected, with findings, scored)."""
    a2 = world.alpha.clients[1]
    for i in range(n):
        with travel(at("2026-10-20", 22)):
            item = publish(world, f"多发布 {i}", at("2026-10-20", 12))
            score(world, item)
            published_by_manager(world, f"二号多发布 {i}", at("2026-10-20", 13), a2)
        returned(world, f"多退回 {i}", at("2026-10-19", 9), at("2026-10-20", 16), f"理由 {i}")
        to_client_review(world, f"多逾期 {i}", at("2026-10-14"))
        failed_publication(world, f"多失败 {i}", at("2026-10-20", 21))
        with travel(at("2026-10-20", 9)):
            planned(world, f"多今天 {i}", at("2026-10-21", 16))
            planned(world, f"多精选 {i}", at("2026-10-24"), State.SELECTED)
            planned(world, f"多本周 {i}", at("2026-10-30"), State.SELECTED)
        with_findings(world, f"第一多 {i}", at("2026-10-22"))


def test_meeting_packs_cost_the_same_queries_for_one_or_twenty_items(world, login, data):
    client = login(world.alpha.staff[Role.SUPERVISOR])
    urls = [f"{STANDUP}?date=2026-10-21", f"{WEEKLY}?week=2026-W44"]

    def count(url: str) -> int:
        with (
            time_machine.travel("2026-10-26 09:00 +0800", tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            assert client.get(url).status_code == 200
        return len(queries)

    before = [count(url) for url in urls]
    grow(world, 3)
    assert Publication.objects.filter(status=PublicationStatus.FAILED).count() == 4
    page = page_as(client, urls[0])
    assert len(rows(section(page, "published"))) >= 8
    assert len(rows(section(page, "selections"))) >= 6
    assert [count(url) for url in urls] == before
