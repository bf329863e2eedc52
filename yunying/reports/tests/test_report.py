"""The monthly report: writing, publishing (PDF kept, client told), what the client sees, the
PDF rendered to PNG and looked at, the Excel export, the command and the due-day sweep."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pypdfium2 as pdfium
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from yunying.audit.models import AuditEntry
from yunying.notify.models import Notification
from yunying.reports import actions, render
from yunying.reports.choices import ReportStatus
from yunying.reports.figures import client_figures
from yunying.reports.models import MonthlyReport
from yunying.reports.tests.helpers import OCTOBER, commentary, reporting_client
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def page_url(side: Any) -> str:
    return reverse("reports:monthly", args=[side.client.pk, "2026-10"])


def test_publishing_needs_the_managers_text(world: World) -> None:
    side = reporting_client(world)
    manager = actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    with pytest.raises(ValidationError) as caught:
        actions.publish(actor=manager, client=side.client, month=OCTOBER)
    assert "problems" in caught.value.message_dict


def test_publishing_keeps_the_pdf_tells_the_client_and_is_audited(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    side = reporting_client(world)
    commentary(world, side)
    manager = actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.publish(actor=manager, client=side.client, month=OCTOBER)
    assert report.status == ReportStatus.PUBLISHED
    with report.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert Notification.objects.filter(recipient=side.reviewer, kind="report_published").exists()
    entry = AuditEntry.objects.get(action="report.publish")
    assert len(entry.data["sha256"]) == 64


@pytest.mark.parametrize("role", [Role.EDITOR, Role.FINANCE])
def test_only_managers_write_and_publish(world: World, role: str) -> None:
    side = reporting_client(world)
    who = actor(world.alpha.staff[role])
    with pytest.raises(PermissionDenied):
        actions.write_commentary(
            actor=who, client=side.client, month=OCTOBER, problems="x", suggestions="y"
        )
    with pytest.raises(PermissionDenied):
        actions.publish(actor=who, client=side.client, month=OCTOBER)


def test_the_client_sees_a_report_only_once_published(world: World, login: Any) -> None:
    side = reporting_client(world)
    reviewer = login(side.reviewer)
    assert reviewer.get(page_url(side)).status_code == 404
    commentary(world, side)
    assert reviewer.get(page_url(side)).status_code == 404
    actions.publish(
        actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]), client=side.client, month=OCTOBER
    )
    body = reviewer.get(page_url(side)).content.decode()
    assert "十月中旬阅读下降。" in body
    assert 'id="commentary"' not in body  # no form for the client
    pdf = reviewer.get(reverse("reports:monthly_pdf", args=[side.client.pk, "2026-10"]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    listing = reviewer.get(reverse("reports:list")).content.decode()
    assert "2026-10" in listing


def test_another_clients_reviewer_and_another_agency_get_nothing(world: World, login: Any) -> None:
    side = reporting_client(world)
    commentary(world, side)
    actions.publish(
        actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]), client=side.client, month=OCTOBER
    )
    for user in (world.alpha.clients[1].reviewer, world.beta.admin):
        assert login(user).get(page_url(side)).status_code == 404


def test_the_manager_writes_on_the_page_and_publishes(world: World, login: Any) -> None:
    side = reporting_client(world)
    client = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    body = client.get(page_url(side)).content.decode()
    assert "（客户经理尚未填写）" in body
    response = client.post(
        reverse("reports:commentary", args=[side.client.pk, "2026-10"]),
        {"problems": "转化偏低。", "suggestions": "增加直播。"},
    )
    assert response.status_code == 302
    response = client.post(reverse("reports:publish", args=[side.client.pk, "2026-10"]))
    assert response.status_code == 302
    assert MonthlyReport.objects.get(client=side.client).status == ReportStatus.PUBLISHED


def test_a_bad_month_is_not_found(world: World, login: Any) -> None:
    side = reporting_client(world)
    url = reverse("reports:monthly", args=[side.client.pk, "2026-13"])
    assert login(world.alpha.admin).get(url).status_code == 404


def test_the_pdf_renders_with_charts_and_chinese_text(world: World) -> None:
    """Rendered to PNG and looked at (test-artifacts/report-page-*.png): title, KPI table and
    charts in Chinese, nothing running off the page."""
    side = reporting_client(world)
    report = commentary(world, side)
    pdf = pdfium.PdfDocument(render.render_pdf(client_figures(side.client, OCTOBER), report))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "2026 年 10 月运营报告" in text
    assert "考核指标达成" in text
    assert "116.3%" in text
    assert "粉丝总数走势" in text  # a chart's title, drawn as SVG text
    assert "十月中旬阅读下降。" in text
    ARTIFACTS.mkdir(exist_ok=True)
    chart_blue = 0
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        assert (width, height) == pytest.approx((595.3, 841.9), abs=1)  # A4
        image = page.render(scale=1).to_pil().convert("RGB")
        image.save(ARTIFACTS / f"report-page-{index + 1}.png")
        pixels = np.asarray(image).astype(int)
        chart_blue += int((pixels == (47, 111, 159)).all(axis=2).sum())
        # Nothing printed into the right margin (16 mm ≈ 45 pt): no overflowing table or chart.
        margin = pixels[: int(height) - 60, int(width) - 40 :]
        assert int((margin.sum(axis=2) < 600).sum()) == 0, f"page {index + 1}: ink in margin"
    assert chart_blue > 5_000  # the lines and bars of the charts in their colour


def test_the_excel_export_holds_the_totals_days_posts_and_kpis(world: World, login: Any) -> None:
    side = reporting_client(world)
    url = reverse("reports:monthly_xlsx", args=[side.client.pk, "2026-10"])
    response = login(world.alpha.admin).get(url)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "每日数据", "作品", "考核指标"]
    assert book["每日数据"].max_row == 32  # header and 31 days
    assert book["作品"].max_row == 7
    kpi = list(book["考核指标"].iter_rows(values_only=True))[1]
    assert kpi[2] == "粉丝净增长"
    assert kpi[5] == pytest.approx(465 / 400)


def test_the_command_writes_pdf_and_html(world: World, tmp_path: Path) -> None:
    side = reporting_client(world)
    out = io.StringIO()
    call_command(
        "report",
        "monthly",
        "--client",
        str(side.client.pk),
        "--month",
        "2026-10",
        "--pdf",
        str(tmp_path / "r.pdf"),
        "--html",
        str(tmp_path / "r.html"),
        stdout=out,
    )
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert "考核指标达成" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "1 个账号，6 条作品，2 项考核指标" in out.getvalue()


@pytest.mark.parametrize(
    ("client", "month", "message"),
    [
        ("999999", "2026-10", "找不到客户"),
        ("abc", "2026-10", "找不到客户"),
        ("CLIENT", "10/2026", "--month"),
    ],
)
def test_the_command_refuses_bad_input_with_exit_2(
    world: World, tmp_path: Path, client: str, month: str, message: str
) -> None:
    side = reporting_client(world)
    client = str(side.client.pk) if client == "CLIENT" else client
    with pytest.raises(CommandError) as caught:
        call_command(
            "report", "monthly", "--client", client, "--month", month, "--pdf", str(tmp_path / "x")
        )
    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_on_the_report_day_a_missing_text_reminds_the_manager_once(world: World) -> None:
    side = reporting_client(world)
    import datetime as dt

    assert actions.sweep_due_reports(dt.date(2026, 11, 4)) == {"published": 0, "reminded": 0}
    assert actions.sweep_due_reports(dt.date(2026, 11, 5)) == {"published": 0, "reminded": 1}
    actions.sweep_due_reports(dt.date(2026, 11, 5))
    manager = world.alpha.staff[Role.ACCOUNT_MANAGER]
    reminders = Notification.objects.filter(kind="report_commentary_missing")
    assert [n.recipient for n in reminders] == [manager]
    report = MonthlyReport.objects.get(client=side.client, month="2026-10")
    assert report.due_on == dt.date(2026, 11, 5)
    assert report.status == ReportStatus.DRAFT


def test_on_the_report_day_a_written_report_is_published(world: World) -> None:
    import datetime as dt

    side = reporting_client(world)
    commentary(world, side)
    with time_machine.travel(dt.datetime(2026, 11, 6, 8, 20)):
        assert actions.sweep_due_reports(dt.date(2026, 11, 6)) == {"published": 1, "reminded": 0}
    report = MonthlyReport.objects.get(client=side.client, month="2026-10")
    assert report.status == ReportStatus.PUBLISHED
    assert report.published_by is None  # the system published it
