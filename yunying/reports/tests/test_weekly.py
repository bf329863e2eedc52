"""The weekly analysis pack: the week against the week before, best posts, KPI pace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from yunying.reports.tests.helpers import reporting_client
from yunying.reports.weekly import client_week, week_of
from yunying.testing import World

pytestmark = pytest.mark.django_db


def test_the_week_is_compared_with_the_week_before(world: World) -> None:
    side = reporting_client(world)
    week = client_week(side.client, dt.date(2026, 10, 5))  # 5–11 October
    (account,) = week.period.accounts
    totals = account.total_by_code
    assert totals["followers_net_growth"].current.value == Decimal(105)  # 7 × 15
    # The week before (28 Sep – 4 Oct): 3 September days at 5 and 4 October days at 15.
    assert totals["followers_net_growth"].previous.value == Decimal(75)
    assert [p.post.post_id for p in account.top_posts] == ["p08"]


def test_kpi_pace_compares_attainment_with_the_month_gone_by(world: World) -> None:
    side = reporting_client(world)
    pace = {p.kpi.kpi_id: p for p in client_week(side.client, dt.date(2026, 10, 5)).pace}
    growth = pace["a_growth"]
    # By Sunday 11 October: 165 of 400 = 41.3 % with 11/31 = 35.5 % of the month gone.
    assert growth.kpi.value == Decimal(165)
    assert growth.on_pace is True
    assert growth.explanation.endswith("本月已过 35.5%，进度正常")


def test_without_a_week_the_pack_looks_at_last_week() -> None:
    assert week_of(None, dt.date(2026, 11, 22)) == dt.date(2026, 11, 9)
    assert week_of("2026-W45", dt.date(2026, 11, 22)) == dt.date(2026, 11, 2)


def test_the_page_lists_the_clients_the_actor_sees(world: World, login: Any) -> None:
    side = reporting_client(world)
    url = reverse("reports:weekly") + "?week=2026-W41"
    body = login(world.alpha.admin).get(url).content.decode()
    assert side.client.name in body
    assert "进度正常" in body
    assert (
        login(world.alpha.admin).get(reverse("reports:weekly") + "?week=2026-W60").status_code
        == 404
    )
    other = login(world.beta.admin).get(url).content.decode()
    assert side.client.name not in other
