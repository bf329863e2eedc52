"""The weekly analysis pack for the team's data meeting (seed 002's 周例会): last week against
the week before per account, the week's best posts, and each KPI's pace in its month."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yunying.settlement.engine import Month
from yunying.tenancy import policy
from yunying.tenancy.models import Client

from .figures import KpiLine, PeriodFigures, client_figures, percent, period_figures

WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
TOP = 3


@dataclass
class Pace:
    """A KPI's attainment by the week's end against the share of its month gone by then."""

    kpi: KpiLine
    elapsed: Decimal

    @property
    def on_pace(self) -> bool | None:
        return None if self.kpi.attainment is None else self.kpi.attainment >= self.elapsed

    @property
    def explanation(self) -> str:
        if self.kpi.attainment is None:
            return self.kpi.explanation
        return (
            f"{self.kpi.explanation}；本月已过 {percent(self.elapsed)}，"
            f"{'进度正常' if self.on_pace else '落后于进度'}"
        )


@dataclass
class ClientWeek:
    client: Client
    period: PeriodFigures
    pace: list[Pace]


def week_of(text: str | None, today: dt.date) -> dt.date:
    """The Monday of ``YYYY-Www``; without one, of last week (the meeting looks back)."""
    if text:
        match = WEEK.match(text.strip())
        try:
            if match is None:
                raise ValueError(text)
            return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise Http404(text) from None
    return today - dt.timedelta(days=today.weekday() + 7)


def client_week(client: Client, monday: dt.date) -> ClientWeek:
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    previous = (monday - dt.timedelta(days=7), monday - dt.timedelta(days=1))
    sunday = days[-1]
    month = Month.of(sunday)
    elapsed = Decimal(sunday.day) / month.end.day
    kpis = client_figures(client, month, until=sunday).kpis
    return ClientWeek(
        client, period_figures(client, days, previous), [Pace(k, elapsed) for k in kpis]
    )


@login_required
def weekly_pack(request: HttpRequest) -> HttpResponse:
    """``?week=YYYY-Www`` (default last week) and ``?client=ID`` (default every client)."""
    actor = policy.actor_with(request, "metrics.view_dailymetric")
    monday = week_of(request.GET.get("week"), timezone.localdate())
    clients = Client.objects.visible_to(actor).order_by("name")
    chosen = request.GET.get("client", "")
    if chosen.isdigit():
        clients = clients.filter(pk=int(chosen))
    weeks = [client_week(client, monday) for client in clients]
    iso = monday.isocalendar()
    before, after = monday - dt.timedelta(days=7), monday + dt.timedelta(days=7)
    return render(
        request,
        "reports/weekly.html",
        {
            "weeks": [w for w in weeks if w.period.accounts or w.pace],
            "week": f"{iso.year}-W{iso.week:02d}",
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "previous": f"{before.isocalendar().year}-W{before.isocalendar().week:02d}",
            "next": f"{after.isocalendar().year}-W{after.isocalendar().week:02d}",
            "chosen": chosen,
            "top": TOP,
        },
    )
