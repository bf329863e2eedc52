"""Scoring and the meeting packs in a real browser, on a phone.

Kept apart from ``test_scoring.py`` and ``test_meetings.py``: the live server needs a committed
database, which cannot share a module with the rolled-back ``world`` fixture. Screenshots go to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from yunying.core.tests.test_browser import PHONE, assert_no_horizontal_scroll
from yunying.editorial.models import EditorialSettings, Score
from yunying.editorial.tests.scoring_helpers import publish, score
from yunying.testing import World, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world_live(live_db: None) -> World:
    """The personas, committed, with two articles published yesterday (one scored)."""
    world = build_world()
    yesterday = timezone.now() - dt.timedelta(days=1)
    score(world, publish(world, "已评分的推文", yesterday), comment="选题及时")
    publish(world, "待评分的推文：秋季新品上市与门店活动安排", yesterday)
    return world


def test_the_supervisor_scores_on_a_phone_and_sees_the_total_while_typing(
    open_page: Callable[..., Page],
    screenshots: Path,
) -> None:
    page = open_page("alpha_supervisor", **PHONE)
    page.goto(reverse("editorial:scores"))
    waiting = page.locator("tr[data-testid='to-score']")
    expect(waiting).to_have_count(1)
    assert_no_horizontal_scroll(page)
    waiting.locator("a[href$='/score/']").click()
    page.wait_for_url(lambda url: url.endswith("/score/"))
    for name, mark in (("content", "8"), ("layout", "9"), ("timeliness", "7")):
        page.locator(f"input[name=mark_{name}]").fill(mark)
    total = page.locator("#score-total")
    expect(total).to_contain_text("(40 × 8 ÷ 10 + 20 × 9 ÷ 10 + 20 × 7 ÷ 10 + 20 × ? ÷ 10)")
    page.locator("input[name=mark_compliance]").fill("10")
    # The preview answers as the last mark is typed: 32 + 18 + 14 + 20 = 84.
    expect(total.locator("[data-testid=total]")).to_have_text("84.00")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "editorial-score-form-phone.png"), full_page=True)
    page.locator("#score-form button[type=submit]").click()
    expect(page.locator("[data-testid=stored-formula]")).to_be_visible()
    saved = Score.objects.get(item__title__startswith="待评分的推文")
    assert saved.total == Decimal("84.00")

    page.goto(f"{reverse('editorial:scores')}?pool=1000.00")
    expect(page.locator("tr[data-testid='to-score']")).to_have_count(0)
    expect(page.locator("tr[data-testid='person']")).to_have_count(2)
    expect(page.locator("table[data-testid='bonus-table'] tfoot")).to_contain_text("¥1000.00")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "editorial-scores-phone.png"), full_page=True)


@pytest.mark.parametrize("name", ["standup", "weekly"])
def test_the_meeting_packs_fit_a_phone(
    open_page: Callable[..., Page],
    screenshots: Path,
    name: str,
) -> None:
    page = open_page("alpha_editor", **PHONE)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    # Today's stand-up shows yesterday's posts; the weekly review a week on looks back at them.
    query = "" if name == "standup" else f"?date={yesterday + dt.timedelta(days=7)}"
    page.goto(reverse(f"editorial:{name}") + query)
    expect(page.locator("main")).to_contain_text("已评分的推文")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / f"editorial-{name}-phone.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("nav.tabs")).to_be_hidden()
    expect(page.locator("form.no-print")).to_be_hidden()


def test_the_admin_edits_the_rubric_on_a_phone(
    open_page: Callable[..., Page],
    world_live: World,
    screenshots: Path,
) -> None:
    page = open_page("alpha_admin", **PHONE)
    page.goto(reverse("editorial:editorial_settings"))
    rows = page.locator("[data-testid=criterion]")
    expect(rows).to_have_count(5)  # the default rubric and a blank row
    page.locator("button[name=more]").click()
    expect(rows).to_have_count(6)
    rows.nth(4).locator("input[name$='-key']").fill("reach")
    rows.nth(4).locator("input[name$='-label']").fill("传播效果")
    rows.nth(4).locator("input[name$='-weight']").fill("10")
    rows.nth(4).locator("input[name$='-max']").fill("5")
    rows.nth(1).locator("input[name$='-DELETE']").check()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "editorial-settings-phone.png"), full_page=True)
    page.locator("main form button[type=submit]:not([name])").click()
    expect(page.locator(".message")).to_be_visible()
    settings = EditorialSettings.objects.get(agency=world_live.alpha.agency)
    assert [c["key"] for c in settings.rubric] == ["content", "timeliness", "compliance", "reach"]
