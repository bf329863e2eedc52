"""Dashboards: the month so far per client and per account, charts as ECharts options built on
the server, scoped like everything else."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yunying.reports import echarts
from yunying.reports.tests.helpers import reporting_client
from yunying.testing import World

pytestmark = pytest.mark.django_db


def options(body: str) -> dict[str, Any]:
    """The chart options a page hands to ECharts, by element id."""
    found = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', body, re.S)
    return {key: json.loads(value) for key, value in found}


def test_the_client_dashboard_shows_the_month_so_far(world: World, login: Any) -> None:
    side = reporting_client(world)
    url = reverse("reports:client_dashboard", args=[side.client.pk])
    with time_machine.travel("2026-10-10 12:00 +0800"):
        body = login(world.alpha.admin).get(url).content.decode()
    assert "截至 2026-10-10" in body
    charts = options(body)
    growth = charts[f"growth-{side.account.pk}"]
    assert growth["series"][0]["data"] == [15] * 10
    assert growth["xAxis"]["data"][0] == "10/1"
    kpi = charts["kpi-chart"]
    # 150 net so far against 400: 37.5 %.
    assert kpi["series"][0]["data"][-1] == pytest.approx(37.5)
    assert "达成率 = 150 ÷ 目标 400 = 37.5%" in body
    # The quota so far: the posts of the 2nd (120 likes) and the 8th (30 likes).
    assert "已发布 article 2 条，其中点赞 ≥ 50 的计入 1 条" in body


def test_a_past_month_is_shown_whole(world: World, login: Any) -> None:
    side = reporting_client(world)
    url = reverse("reports:account_dashboard", args=[side.account.pk]) + "?month=2026-10"
    body = login(world.alpha.admin).get(url).content.decode()
    charts = options(body)
    assert len(charts[f"followers-{side.account.pk}"]["series"][0]["data"]) == 31
    assert f"top-{side.account.pk}" in charts
    assert "国庆出行指南" in body


def test_the_clients_reviewer_sees_their_dashboard_and_nobody_else_does(
    world: World, login: Any
) -> None:
    side = reporting_client(world)
    url = reverse("reports:client_dashboard", args=[side.client.pk]) + "?month=2026-10"
    assert login(side.reviewer).get(url).status_code == 200
    for user in (world.alpha.clients[1].reviewer, world.beta.admin, world.outsider):
        assert login(user).get(url).status_code in {403, 404}
    account_url = reverse("reports:account_dashboard", args=[side.account.pk])
    assert login(world.beta.admin).get(account_url).status_code == 404


def test_a_bad_month_is_not_found(world: World, login: Any) -> None:
    side = reporting_client(world)
    url = reverse("reports:client_dashboard", args=[side.client.pk]) + "?month=2026-13"
    assert login(world.alpha.admin).get(url).status_code == 404


def test_the_dashboard_costs_the_same_queries_whatever_the_data(world: World, login: Any) -> None:
    side = reporting_client(world)
    client = login(world.alpha.admin)
    url = reverse("reports:client_dashboard", args=[side.client.pk])
    with CaptureQueriesContext(connection) as empty_month:
        client.get(url + "?month=2027-03")
    with CaptureQueriesContext(connection) as full_month:
        client.get(url + "?month=2026-10")
    assert len(full_month) == len(empty_month)


def test_options_carry_gaps_as_null_and_decimals_as_numbers() -> None:
    import datetime as dt
    from decimal import Decimal

    days = [dt.date(2026, 10, 1), dt.date(2026, 10, 2)]
    option = echarts.line("t", days, [("s", [Decimal("1.5"), None])])
    assert option["series"][0]["data"] == [1.5, None]
    assert json.dumps(option)  # serialisable as it is
