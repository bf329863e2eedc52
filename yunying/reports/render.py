"""The monthly report as HTML and PDF: figures, the manager's text and charts as SVG.

Charts are drawn server-side (:mod:`yunying.reports.charts`) because WeasyPrint runs no
JavaScript; the same SVG appears in the portal (inline) and in the PDF (as images), so the
client sees one report in both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from yunying.core.pdf import html_to_pdf
from yunying.settlement.engine import Month
from yunying.tenancy.models import Client

from . import charts
from .charts import PALETTE
from .figures import ENGAGEMENT_FORMULA, AccountFigures, ClientFigures, Comparison
from .models import MonthlyReport


def account_charts(figures: AccountFigures) -> dict[str, str]:
    """The SVG charts of one account's month (those with data)."""
    days = figures.days
    found: dict[str, str] = {}
    if figures.has("followers_total"):
        series = charts.Series(
            "粉丝总数", list(zip(days, figures.daily("followers_total"), strict=True))
        )
        found["followers"] = charts.line_chart([series], title="粉丝总数走势")
    if figures.has("followers_new"):
        growth = charts.Series("每日净增粉丝", list(zip(days, figures.net_growth(), strict=True)))
        found["growth"] = charts.bar_chart(growth, title="每日净增粉丝（新增 − 取关）")
    reach = figures.reach_code
    if figures.has(reach):
        name = "播放量" if reach == "plays" else "阅读量"
        series = charts.Series(name, list(zip(days, figures.daily(reach), strict=True)))
        found["reach"] = charts.line_chart([series], title=f"每日{name}")
    engagement = figures.engagement()
    if any(value is not None for value in engagement):
        series = charts.Series("互动量", list(zip(days, engagement, strict=True)), PALETTE[1])
        found["engagement"] = charts.line_chart([series], title="每日互动量")
    top = [
        (post.post.title or post.post.post_id, post.reach or 0)
        for post in figures.top_posts
        if post.reach is not None
    ]
    if top:
        found["top"] = charts.hbar_chart(top, title="阅读/播放最高的作品")
    if figures.funnel:
        found["funnel"] = charts.funnel_chart(figures.funnel, title="店铺访客到下单")
    return found


def comparison_chart(comparison: Comparison, days: list[dt.date]) -> str:
    """The follower totals of the client's and the competitors' accounts on one platform."""
    series = [
        charts.Series(name, list(zip(days, values, strict=True)))
        for name, values in comparison.follower_series()
    ]
    return charts.line_chart(series, title=f"{comparison.label}粉丝总数对比") if series else ""


def context(
    figures: ClientFigures, report: MonthlyReport | None, *, printed: bool = False
) -> dict[str, Any]:
    """What the report's templates show; ``printed`` (the standalone document the PDF is laid
    out from) puts each chart in an ``<img>``, the portal keeps them inline."""

    def shown(svg: str) -> str:
        return charts.as_image(svg) if printed and svg else svg

    return {
        "figures": figures,
        "report": report,
        "month_label": f"{figures.month.year} 年 {figures.month.month} 月",
        "summary": figures.summary(),
        "accounts": [
            {"figures": a, "charts": {k: shown(v) for k, v in account_charts(a).items()}}
            for a in figures.accounts
        ],
        "comparisons": [
            {"table": c, "chart": shown(comparison_chart(c, figures.days))}
            for c in figures.comparisons
        ],
        "engagement_formula": ENGAGEMENT_FORMULA,
        "generated_at": timezone.localtime(),
    }


def render_html(figures: ClientFigures, report: MonthlyReport | None) -> str:
    """The report as a standalone HTML document (what ``--html`` writes and the PDF is laid
    out from)."""
    return render_to_string("reports/report_pdf.html", context(figures, report, printed=True))


def render_pdf(figures: ClientFigures, report: MonthlyReport | None) -> bytes:
    return html_to_pdf(render_html(figures, report))


def filename_for(client: Client, month: Month, suffix: str) -> str:
    return f"report-{client.pk}-{month.year}-{month.month:02d}.{suffix}"
