"""Dashboards per client and per account: the month so far, drawn with ECharts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yunying.accounts.models import PlatformAccount
from yunying.settlement.engine import Month
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import get_visible_or_404

from . import echarts
from .actions import month_key
from .figures import ENGAGEMENT_FORMULA, AccountFigures, ClientFigures, client_figures


def month_asked(request: HttpRequest) -> tuple[Month, Any]:
    """The month asked for (``?month=YYYY-MM``, default this one) and, for the current month,
    today: a dashboard shows the month so far."""
    today = timezone.localdate()
    text = request.GET.get("month")
    try:
        month = Month.parse(text) if text else Month.of(today)
    except ValueError:
        raise Http404(text) from None
    return month, today if month.contains(today) else None


def account_charts(figures: AccountFigures) -> list[tuple[str, dict[str, Any]]]:
    """(id, option) pairs of one account's charts, those with data."""
    days, pk = figures.days, figures.account.pk
    found = []
    if figures.has("followers_total"):
        found.append(
            (
                f"followers-{pk}",
                echarts.line("粉丝总数", days, [("粉丝总数", figures.daily("followers_total"))]),
            )
        )
    if figures.has("followers_new"):
        found.append(
            (
                f"growth-{pk}",
                echarts.bars("每日净增粉丝（新增 − 取关）", days, "净增", figures.net_growth()),
            )
        )
    reach = figures.reach_code
    if figures.has(reach):
        name = "播放量" if reach == "plays" else "阅读量"
        found.append(
            (f"reach-{pk}", echarts.line(f"每日{name}", days, [(name, figures.daily(reach))]))
        )
    engagement = figures.engagement()
    if any(v is not None for v in engagement):
        # Its own chart: next to plays, engagement (a few percent of them) would lie flat.
        found.append(
            (f"engagement-{pk}", echarts.line("每日互动量", days, [("互动量", engagement)]))
        )
    top = [(p.post.title or p.post.post_id, p.reach) for p in figures.top_posts if p.reach]
    if top:
        found.append((f"top-{pk}", echarts.ranking("阅读/播放最高的作品", top)))
    return found


def _context(figures: ClientFigures, month: Month, **extra: Any) -> dict[str, Any]:
    progress = [(f"{k.label}（{k.contract.number}）", k.attainment) for k in figures.kpis]
    return {
        "figures": figures,
        "month_key": month_key(month),
        "accounts": [{"figures": a, "charts": account_charts(a)} for a in figures.accounts],
        "kpi_chart": echarts.progress("考核指标达成率", progress) if figures.kpis else None,
        "engagement_formula": ENGAGEMENT_FORMULA,
        **extra,
    }


@login_required
def client_dashboard(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = policy.actor_with(request, "metrics.view_dailymetric")
    client = get_visible_or_404(Client, actor, pk=client_id)
    month, until = month_asked(request)
    figures = client_figures(client, month, until=until)
    context = _context(figures, month, client=client, account=None, until=until)
    return render(request, "reports/dashboard.html", context)


@login_required
def account_dashboard(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = policy.actor_with(request, "metrics.view_dailymetric")
    account = get_visible_or_404(PlatformAccount, actor, pk=account_id)
    month, until = month_asked(request)
    figures = client_figures(account.client, month, until=until, account=account)
    context = _context(figures, month, client=account.client, account=account, until=until)
    return render(request, "reports/dashboard.html", context)
