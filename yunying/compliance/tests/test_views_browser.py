"""The check page and a client's list on a phone, in a real browser (see
core/tests/test_browser.py): the demo supervisor checks a clinic's caption, the result comes in
through htmx without leaving the page, blocking and warning passages are marked apart, and a
mark's number leads to its row. Screenshots go to ``test-artifacts/screenshots/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from yunying.core.tests.test_browser import (  # noqa: F401 - fixtures used by name
    MINGYUAN,
    PHONE,
    assert_no_horizontal_scroll,
    browser,
    log_in,
    open_page,
    screenshots,
    seeded,
    server,
)
from yunying.tenancy.models import Client

pytestmark = pytest.mark.browser

# Traditional characters, an emoji and spaces inside the clinic's own blocking term.
CAPTION = "👍本院種植牙 特 價，無痛拔牙，國家級專家坐診😀"


def test_the_supervisor_checks_a_caption_on_a_phone(
    open_page: Callable[..., Page],  # noqa: F811 - the fixture imported above
    screenshots: Path,  # noqa: F811
) -> None:
    page = open_page(**PHONE)
    log_in(page, "supervisor")
    clinic = Client.objects.get(name=MINGYUAN)
    page.goto(reverse("compliance:check"))
    page.locator("textarea[name=text]").fill(CAPTION)
    page.locator("select[name=platform]").select_option("wechat_channels")
    page.locator("select[name=client]").select_option(str(clinic.pk))
    page.evaluate("window.notReloaded = true")
    page.locator("#check form button[type=submit]").click()
    expect(page.locator("#result")).to_be_visible()
    # htmx swapped the result in: the same document, the text still in the box.
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("textarea[name=text]")).to_have_value(CAPTION)

    blocking = page.locator("#result mark.finding.block")
    warning = page.locator("#result mark.finding.warn")
    assert "種植牙 特 價" in blocking.all_inner_texts()
    assert "國家級" in blocking.all_inner_texts()
    assert "無痛" in warning.all_inner_texts()
    colours = {
        page.locator("article.marked-text mark.finding.block").first.evaluate(
            "m => getComputedStyle(m).backgroundColor"
        ),
        page.locator("article.marked-text mark.finding.warn").first.evaluate(
            "m => getComputedStyle(m).backgroundColor"
        ),
    }
    assert len(colours) == 2
    assert_no_horizontal_scroll(page)
    page.screenshot(path=screenshots / "compliance-check-phone.png", full_page=True)

    page.locator("article.marked-text sup a").first.click()
    assert page.evaluate("location.hash") == "#finding-1"


def test_a_clients_list_reads_on_a_phone(
    open_page: Callable[..., Page],  # noqa: F811 - the fixture imported above
    screenshots: Path,  # noqa: F811
) -> None:
    page = open_page(**PHONE)
    log_in(page, "supervisor")
    page.goto(reverse("compliance:lexicons"))
    clinic = Client.objects.get(name=MINGYUAN)
    page.locator(f'tr[data-client="{clinic.pk}"] a').click()
    expect(page.locator('tr[data-term="种植牙特价"]')).to_be_visible()
    expect(page.locator("tr[data-version]")).to_have_count(2)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=screenshots / "compliance-lexicon-phone.png", full_page=True)
