"""Quota tracking: a contract's quotas against planned, approved, published and counted items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from yunying.editorial import actions
from yunying.editorial.choices import ContentKind, State
from yunying.editorial.models import ContentItem
from yunying.editorial.tests.helpers import make_item, walk
from yunying.metrics import actions as metrics_actions
from yunying.metrics.files import PostRow
from yunying.metrics.models import PostFact
from yunying.settlement.tests.helpers import make_contract
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db

QUOTAS = reverse("editorial:quotas")
# 12 articles a month on account A, at least 3 a week, each needing 50 likes to count.
ARTICLES = {
    "quotas": [{"account": "A", "kind": "article", "per_month": 12, "per_week": 3, "min_likes": 50}]
}


def at(day: str, hour: int = 20) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def a1(world: World) -> Any:
    return world.alpha.clients[0]


def a2(world: World) -> Any:
    return world.alpha.clients[1]


def publish(world: World, item: ContentItem, day: str, url: str = "") -> ContentItem:
    walk(world, item, State.SCHEDULED)
    actions.transition(
        actor=actor(world.alpha.staff[Role.EDITOR]),
        item=item,
        target=State.PUBLISHED,
        published_url=url or f"https://mp.weixin.qq.com/s/{item.pk}",
        published_at=at(day, 11),
    )
    item.refresh_from_db()
    return item


def likes(world: World, item: ContentItem, count: int, post_id: str = "") -> None:
    """The platform's post data for an item (its post id is the published URL unless given)."""
    metrics_actions.import_posts(
        actor=actor(world.alpha.admin),
        account=a1(world).account,
        rows=[
            PostRow(
                post_id or item.published_url,
                "A",
                timezone.localdate(item.published_at),
                "article",
                count,
            )
        ],
    )


def october(world: World) -> dict[str, ContentItem]:
    """Alpha's client a1 under a contract with an article quota, and its October items."""
    make_contract(world.alpha, a1(world), "Q-2026", **ARTICLES)
    items = {
        "counted": publish(world, make_item(world, title="八十赞"), "2026-10-06"),
        "below": publish(world, make_item(world, title="二十赞"), "2026-10-08"),
        "by_id": publish(world, make_item(world, title="按编号匹配"), "2026-10-13"),
        "awaiting": publish(world, make_item(world, title="还没数据"), "2026-10-14"),
        "scheduled": walk(
            world, make_item(world, title="已排期", planned_at=at("2026-10-25")), State.SCHEDULED
        ),
        "ahead": make_item(world, title="准备中", planned_at=at("2026-10-28")),
        "late": make_item(world, title="逾期未发", planned_at=at("2026-10-10")),
    }
    likes(world, items["counted"], 80)
    likes(world, items["below"], 20)
    likes(world, items["by_id"], 60, post_id=str(items["by_id"].pk))
    # The data cube synced this one without likes: still waiting for its count, not below.
    account = a1(world).account
    PostFact.objects.create(
        agency_id=account.agency_id,
        client_id=account.client_id,
        account=account,
        post_id=items["awaiting"].published_url,
        published_on=dt.date(2026, 10, 14),
        kind="article",
        likes=None,
        source="api",
    )
    # None of these count toward the article quota of a1's account in October.
    withdrawn = make_item(world, title="撤稿", planned_at=at("2026-10-21"))
    actions.transition(
        actor=actor(world.alpha.staff[Role.SUPERVISOR]),
        item=withdrawn,
        target=State.WITHDRAWN,
        comment="取消",
    )
    make_item(world, title="论坛帖", kind=ContentKind.FORUM_POST, planned_at=at("2026-10-22"))
    make_item(world, title="十一月", planned_at=at("2026-11-02"))
    make_item(world, side=a2(world), title="别家", planned_at=at("2026-10-22"))
    return items


def page(http: Any, **params: Any) -> Any:
    response = http.get(QUOTAS, params)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def figures(element: Any) -> dict[str, int]:
    return {
        node.get("data-figure"): int(node.text_content())
        for node in element.xpath(".//*[@data-figure]")
    }


def month_block(doc: Any) -> Any:
    return doc.xpath('//section[@data-quota="A:article"]//div[@data-period="month"]')[0]


def explanation(**numbers: int) -> str:
    return gettext(
        "%(required)s required − %(delivered)s published (not counting %(below)s below %(bar)s "
        "likes) − %(approved)s scheduled − %(preparing)s in preparation = %(missing)s missing"
    ) % numbers + gettext("; %(days)s days left × %(per_day)s a day = room for %(room)s.") % {
        "days": numbers["days"],
        "per_day": numbers["per_day"],
        "room": numbers["room"],
    }


def test_the_month_shows_planned_approved_published_and_counted_items_against_the_quota(
    world, login
):
    with time_machine.travel("2026-10-20 09:00 +0800", tick=False):
        october(world)
        doc = page(login(world.alpha.staff[Role.ACCOUNT_MANAGER]), month="2026-10")
    month = month_block(doc)
    # Planned: 4 published + scheduled + in preparation + late = 7; approved: 4 published +
    # scheduled; counted: 80 likes (by URL) and 60 likes (by item id); 20 likes is below 50.
    assert figures(month) == {
        "required": 12,
        "planned": 7,
        "approved": 5,
        "published": 4,
        "counted": 2,
    }
    assert month.xpath('.//*[@data-status="at_risk"]')
    text = month.xpath('.//*[@data-testid="explanation"]')[0].text_content().strip()
    # 12 − 3 (2 counted + 1 without data) − 1 scheduled − 1 in preparation = 7 missing;
    # 20..31 October = 12 days × 1 push a day.
    assert text == explanation(
        required=12,
        delivered=3,
        below=1,
        bar=50,
        approved=1,
        preparing=1,
        missing=7,
        days=12,
        per_day=1,
        room=12,
    )
    assert month.xpath('.//*[@data-testid="overdue"]')


def test_the_weeks_wholly_inside_the_month_have_their_own_figures(world, login):
    with time_machine.travel("2026-10-20 09:00 +0800", tick=False):
        october(world)
        doc = page(login(world.alpha.admin), month="2026-10")
    weeks = {
        row.get("data-week"): figures(row)
        for row in doc.xpath('//section[@data-quota="A:article"]//tr[@data-week]')
    }
    # 28 Sep–4 Oct and 26 Oct–1 Nov straddle months: not October's weeks (as in settlement).
    assert list(weeks) == ["2026-10-05", "2026-10-12", "2026-10-19"]
    assert weeks["2026-10-05"] == {"planned": 3, "approved": 2, "published": 2, "counted": 1}
    assert weeks["2026-10-12"] == {"planned": 2, "approved": 2, "published": 2, "counted": 1}
    assert weeks["2026-10-19"] == {"planned": 1, "approved": 1, "published": 0, "counted": 0}
    statuses = doc.xpath('//tr[@data-week="2026-10-05"]//*[@data-status]/@data-status')
    # That week is over with items missing.
    assert statuses == ["missed"]


def test_near_the_end_of_the_month_the_quota_cannot_be_met_any_more(world, login):
    with time_machine.travel("2026-10-20 09:00 +0800", tick=False):
        october(world)
    with time_machine.travel("2026-10-28 09:00 +0800", tick=False):
        doc = page(login(world.alpha.admin), month="2026-10")
    month = month_block(doc)
    assert month.xpath('.//*[@data-status="cannot_be_met"]')
    text = month.xpath('.//*[@data-testid="explanation"]')[0].text_content().strip()
    # The item scheduled for the 25th is late now; only the one for the 28th is ahead:
    # 12 − 3 − 0 − 1 = 8 missing, and 28..31 October leave room for 4.
    assert text == explanation(
        required=12,
        delivered=3,
        below=1,
        bar=50,
        approved=0,
        preparing=1,
        missing=8,
        days=4,
        per_day=1,
        room=4,
    )


def test_more_push_slots_leave_more_room(world, login):
    with time_machine.travel("2026-10-20 09:00 +0800", tick=False):
        october(world)
        for hour in (11, 15, 20):
            actions.save_push_slot(
                actor=actor(world.alpha.admin), client=a1(world).client, starts_at=dt.time(hour)
            )
    with time_machine.travel("2026-10-28 09:00 +0800", tick=False):
        doc = page(login(world.alpha.admin), month="2026-10")
    # 8 missing, 4 days × 3 slots = room for 12: still possible.
    assert month_block(doc).xpath('.//*[@data-status="at_risk"]')


def test_a_client_without_a_contract_has_no_quota(world, login):
    with time_machine.travel("2026-10-20 09:00 +0800", tick=False):
        october(world)
        doc = page(login(world.alpha.admin), month="2026-10")
    other = doc.xpath(f'//section[@data-client="{a2(world).client.pk}"]')[0]
    assert other.xpath('.//*[@data-testid="no-quota"]')
    assert not other.xpath(".//section[@data-quota]")
    # A month outside the contract's period (2026) has none either.
    doc = page(login(world.alpha.admin), month="2027-01", client=a1(world).client.pk)
    assert doc.xpath('//*[@data-testid="no-quota"]')
    assert not doc.xpath("//section[@data-quota]")


def test_another_month_is_chosen_with_the_month_parameter(world, login):
    with time_machine.travel("2026-10-20 09:00 +0800", tick=False):
        october(world)
        doc = page(login(world.alpha.admin), month="2026-11", client=a1(world).client.pk)
    assert doc.xpath('//*[@data-testid="quota-month"]/text()') == ["2026-11"]
    assert figures(month_block(doc))["planned"] == 1


def test_a_reviewer_sees_their_clients_quota_with_drafts_counted_but_not_named(world, login):
    with time_machine.travel("2026-10-20 09:00 +0800", tick=False):
        october(world)
        make_contract(world.alpha, a2(world), "Q-OTHER", **ARTICLES)
        doc = page(login(a1(world).reviewer), month="2026-10")
    assert doc.xpath('//*[@data-contract="Q-2026"]')
    assert not doc.xpath('//*[@data-contract="Q-OTHER"]')
    assert figures(month_block(doc))["planned"] == 7
    listed = doc.xpath('//details[contains(@class, "quota-items")]//a/text()')
    assert "已排期" in listed
    assert "准备中" not in listed
    assert "逾期未发" not in listed


@pytest.fixture
def _warm_calendar(monkeypatch: Any) -> None:
    from yunying.workdays import services

    monkeypatch.setattr(services, "STAMP_CHECK_SECONDS", 3600)
    services.get_calendar()


@pytest.mark.usefixtures("_warm_calendar")
def test_quota_page_queries_do_not_grow_with_items(world, login):
    def count(http: Any) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(QUOTAS, {"month": "2026-10"}).status_code == 200
        return len(queries)

    with time_machine.travel("2026-10-20 09:00 +0800", tick=False):
        make_contract(world.alpha, a1(world), "Q-COUNT", **ARTICLES)
        make_contract(world.alpha, a2(world), "Q-COUNT-2", **ARTICLES)
        first = publish(world, make_item(world, title="开篇"), "2026-10-05")
        likes(world, first, 90)
        make_item(world, title="计划", planned_at=at("2026-10-22"))
        http = login(world.alpha.admin)
        before = count(http)
        for i in range(19):
            side = a1(world) if i % 2 else a2(world)
            item = make_item(world, side=side, title=f"第{i}篇", planned_at=at("2026-10-23"))
            if i % 3 == 0 and side is a1(world):
                likes(world, publish(world, item, "2026-10-07"), i)
        assert count(http) == before
