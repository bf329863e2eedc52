"""Dashboards and the monthly report in a real browser (see core/tests/test_browser.py): the
demo manager's client dashboard draws its ECharts charts, the client reads the published report
on a phone, nothing scrolls sideways. Screenshots go to ``test-artifacts/screenshots/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from yunying.core.tests.test_browser import (  # noqa: F401 - fixtures used by name
    PHONE,
    QINGHE,
    assert_no_horizontal_scroll,
    browser,
    log_in,
    open_page,
    screenshots,
    seeded,
    server,
)
from yunying.reports.models import MonthlyReport
from yunying.tenancy.models import Client

pytestmark = pytest.mark.browser


def test_the_manager_sees_the_clients_dashboard_drawn(
    open_page: Callable[..., Page],  # noqa: F811 - the fixture imported above
    screenshots: Path,  # noqa: F811
) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    log_in(page, "manager")
    client = Client.objects.get(name=QINGHE)
    page.goto(reverse("reports:client_dashboard", args=[client.pk]))
    charts = page.locator("[data-chart]")
    expect(charts.first).to_have_attribute("data-drawn", "1")
    assert charts.count() >= 5
    # Every chart drew an SVG with its lines or bars, not an empty frame.
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart).to_have_attribute("data-drawn", "1")
        assert chart.locator("svg path").count() > 3
    expect(page.locator("#kpis")).to_contain_text("粉丝净增长")
    page.screenshot(path=screenshots / "dashboard-client.png", full_page=True)


def test_the_client_reads_the_published_report_on_a_phone(
    open_page: Callable[..., Page],  # noqa: F811
    screenshots: Path,  # noqa: F811
) -> None:
    page = open_page(**PHONE)
    log_in(page, "qinghe")
    report = MonthlyReport.objects.get(client__name=QINGHE)
    page.goto(reverse("reports:list"))
    page.get_by_role("link", name=report.month).click()
    expect(page.locator("section.report h1")).to_contain_text("运营报告")
    expect(page.locator("section.report svg").first).to_be_visible()
    expect(page.locator("#commentary")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=screenshots / "report-phone.png", full_page=True)


def test_the_manager_compares_the_client_with_its_competitor(
    open_page: Callable[..., Page],  # noqa: F811
    screenshots: Path,  # noqa: F811
) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    log_in(page, "manager")
    client = Client.objects.get(name=QINGHE)
    page.goto(reverse("reports:client_dashboard", args=[client.pk]))
    page.get_by_role("button", name="竞品").or_(page.get_by_role("link", name="竞品")).click()
    expect(page.locator("#comparison-douyin")).to_contain_text("茶语时光")
    chart = page.locator("[data-chart=compare-douyin]")
    expect(chart).to_have_attribute("data-drawn", "1")
    # One line per account: the client's and the competitor's.
    assert chart.locator("svg path").count() > 3
    # The team writes what it saw; the note is listed at once.
    page.get_by_text("写一条记录").click()
    page.fill("textarea[name=text]", "周末推出第二杯半价")
    page.get_by_role("button", name="保存记录").click()
    expect(page.locator(".competitor-notes")).to_contain_text("周末推出第二杯半价")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=screenshots / "competitors.png", full_page=True)
