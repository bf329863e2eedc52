"""The content calendar in a real browser: drag an item to another day and into a push slot.

Kept apart from ``test_calendar.py``: these tests need a committed database for the live server,
which cannot share a module with the rolled-back ``world`` fixture. The personas are built through
the same ``build_world`` and the items through the actions. Screenshots of the month, week and
quota pages go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from yunying.core.tests.test_browser import PHONE, assert_no_horizontal_scroll
from yunying.editorial import actions
from yunying.editorial.choices import State
from yunying.editorial.models import ContentItem
from yunying.editorial.tests.helpers import make_item, walk
from yunying.settlement.tests.helpers import make_contract
from yunying.tenancy.choices import Role
from yunying.testing import World, actor, build_world

pytestmark = pytest.mark.browser


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute))
    )


@pytest.fixture
def world_live(live_db: None) -> World:
    """The personas, committed so the server thread sees them, with a planned October."""
    world = build_world()
    side = world.alpha.clients[0]
    admin = actor(world.alpha.admin)
    for starts_at, ends_at in (
        (dt.time(11), None),
        (dt.time(15), dt.time(17)),
        (dt.time(20), None),
    ):
        actions.save_push_slot(
            actor=admin, client=side.client, starts_at=starts_at, ends_at=ends_at
        )
    column = actions.save_column(
        actor=admin,
        client=side.client,
        name="团委风采",
        weekdays=[1, 3, 5],
        owner=world.alpha.staff[Role.EDITOR],
    )
    make_item(world, title="新品上市", planned_at=at("2026-10-12", 11), column=column)
    make_item(world, title="行业知识", planned_at=at("2026-10-12", 20), article_slot="B")
    make_item(world, title="国庆出游", planned_at=at("2026-10-05", 16))
    make_item(world, title="客户要的稿", planned_at=at("2026-10-16", 11), column=column)
    walk(
        world,
        make_item(world, title="等客户审", planned_at=at("2026-10-14", 20)),
        State.CLIENT_REVIEW,
    )
    make_item(world, side=world.alpha.clients[1], title="另一家", planned_at=at("2026-10-13", 11))
    make_item(world, title="还没定日子")
    make_contract(
        world.alpha,
        side,
        "Q-BROWSER",
        quotas=[
            {"account": "A", "kind": "article", "per_month": 12, "per_week": 3, "min_likes": 50}
        ],
    )
    return world


def card(page: Page, title: str) -> Any:
    return page.locator("li.cal-card", has_text=title)


def test_an_editor_drags_items_to_another_day_and_into_a_push_slot(
    open_page: Callable[..., Page],
    world_live: World,
    screenshots: Path,
) -> None:
    client = world_live.alpha.clients[0].client
    page = open_page("alpha_editor")
    page.goto(f"{reverse('editorial:calendar')}?view=month&date=2026-10-12&client={client.pk}")
    monday, wednesday = (
        page.locator("[data-date='2026-10-12']"),
        page.locator("[data-date='2026-10-14']"),
    )
    expect(monday.locator("li.cal-card")).to_have_count(2)
    expect(page.locator("[data-date='2026-10-01'] [data-mark='holiday']")).to_be_visible()
    expect(page.locator("[data-date='2026-10-10'] [data-mark='makeup']")).to_be_visible()
    page.screenshot(path=str(screenshots / "editorial-calendar-month.png"), full_page=True)

    # Month view: the item keeps its time of day.
    card(page, "行业知识").drag_to(wednesday)
    expect(wednesday.locator("li.cal-card", has_text="行业知识")).to_be_visible()
    expect(monday.locator("li.cal-card")).to_have_count(1)
    moved = ContentItem.objects.get(title="行业知识")
    assert timezone.localtime(moved.planned_at) == at("2026-10-14", 20)

    # Week view: dropped on the 15:00–17:00 row of Friday, it takes 15:00.
    page.locator("a[data-nav='week']").click()
    page.wait_for_url(lambda url: "view=week" in url)
    expect(page.locator("tr.cal-columns [data-testid='column-missing']")).to_have_count(1)
    page.screenshot(path=str(screenshots / "editorial-calendar-week.png"), full_page=True)
    friday_afternoon = page.locator("tr[data-slot='15:00'] td[data-date='2026-10-16']")
    card(page, "新品上市").drag_to(friday_afternoon)
    expect(friday_afternoon.locator("li.cal-card", has_text="新品上市")).to_be_visible()
    moved = ContentItem.objects.get(title="新品上市")
    assert timezone.localtime(moved.planned_at) == at("2026-10-16", 15)
    # Monday's column now has no item: the plan marks it.
    expect(
        page.locator("tr.cal-columns td[data-date='2026-10-12'] [data-testid='column-missing']")
    ).to_be_visible()

    # The unplanned item is dragged onto Tuesday's 20:00 row.
    card(page, "还没定日子").drag_to(
        page.locator("tr[data-slot='20:00'] td[data-date='2026-10-13']")
    )
    expect(
        page.locator("tr[data-slot='20:00'] td[data-date='2026-10-13']").locator(
            "li", has_text="还没定日子"
        )
    ).to_be_visible()
    assert timezone.localtime(ContentItem.objects.get(title="还没定日子").planned_at) == at(
        "2026-10-13", 20
    )


def test_the_client_reviewer_sees_a_read_only_calendar_on_a_phone(
    open_page: Callable[..., Page],
    screenshots: Path,
) -> None:
    page = open_page("alpha_reviewer_a1", **PHONE)
    page.goto(f"{reverse('editorial:calendar')}?view=month&date=2026-10-14")
    expect(page.locator("li.cal-card")).to_have_count(1)
    expect(page.locator("li.cal-card")).to_contain_text("等客户审")
    expect(page.locator("[draggable='true']")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "editorial-calendar-reviewer-phone.png"), full_page=True)


def test_the_quota_page_explains_its_figures(
    open_page: Callable[..., Page],
    screenshots: Path,
) -> None:
    page = open_page("alpha_account_manager")
    page.goto(f"{reverse('editorial:quotas')}?month=2026-10")
    quota = page.locator("section[data-quota='A:article']")
    expect(quota.locator("[data-period='month'] [data-figure='required']")).to_have_text("12")
    expect(quota.locator("[data-period='month'] [data-status]")).to_be_visible()
    page.screenshot(path=str(screenshots / "editorial-quotas.png"), full_page=True)
