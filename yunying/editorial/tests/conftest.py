"""Fixtures shared by the editorial pipeline's tests: the gate's checker, and the browser."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, Response
from pytest_django.live_server_helper import LiveServer

# The shell's Chromium, live server and screenshot folder, for every browser test here.
from yunying.core.tests.test_browser import (  # noqa: F401
    TIMEOUT_MS,
    browser,
    screenshots,
    server,
    wait_for_path,
)
from yunying.testing import PASSWORD


@pytest.fixture(autouse=True)
def _workflow_checker(settings: Any) -> None:
    """The pipeline's tests are about the workflow, so they keep the small stand-in checker whose
    three blocking terms and five warnings they were written against. The compliance engine
    behind the same gate is tested in yunying/compliance/tests/test_checker.py."""
    settings.EDITORIAL_CHECKER = "yunying.editorial.checking.BasicChecker"


@pytest.fixture
def open_page(
    browser: Browser,  # noqa: F811
    server: LiveServer,  # noqa: F811
    world_live: Any,
) -> Iterator[Callable[..., Page]]:
    """A signed-in page per call (``**options`` go to the browser context, e.g. ``**PHONE``);
    script errors and server errors fail the test at teardown. Each browser test module
    provides its committed ``world_live``."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def check(response: Response) -> None:
        if response.status >= 500 or ("/static/" in response.url and response.status >= 400):
            problems.append(f"{response.status} {response.url}")

    def make(username: str, **options: Any) -> Page:
        context = browser.new_context(base_url=server.url, locale="zh-CN", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("response", check)
        page.goto(reverse("login"))
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator(f"form[action='{reverse('login')}'] button[type=submit]").click()
        wait_for_path(page, reverse("core:home"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems
