"""A client's month: totals with last month's, KPI attainment with its working, quotas counted
as settlement counts them, posts ranked; a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yunying.reports.figures import client_figures
from yunying.reports.tests.helpers import OCTOBER, reporting_client
from yunying.settlement.engine import Month
from yunying.testing import World

pytestmark = pytest.mark.django_db


def test_totals_compare_the_month_with_the_one_before(world: World) -> None:
    side = reporting_client(world)
    figures = client_figures(side.client, OCTOBER)
    (account,) = figures.accounts
    totals = account.total_by_code
    assert totals["followers_net_growth"].current.value == Decimal(465)
    assert totals["followers_net_growth"].previous.value == Decimal(150)
    assert totals["followers_net_growth"].change_text == "+210.0%"
    assert totals["reads"].current.formula == "阅读量合计 9300（31 天）"
    assert totals["followers_total"].shown == "1600"  # the level on 31 October
    assert "plays" not in totals  # no data: left out, not shown as 0


def test_kpis_show_attainment_and_how_it_was_computed(world: World) -> None:
    side = reporting_client(world)
    kpis = {k.kpi_id: k for k in client_figures(side.client, OCTOBER).kpis}
    growth = kpis["a_growth"]
    assert growth.value == Decimal(465)
    assert growth.attainment_text == "116.3%"
    assert growth.explanation == (
        "新增粉丝 620 − 取关粉丝 155 = 465；达成率 = 465 ÷ 目标 400 = 116.3%"
    )
    assert kpis["a_reads"].attainment_text == "155.0%"


def test_the_month_so_far_measures_kpis_up_to_that_day(world: World) -> None:
    side = reporting_client(world)
    figures = client_figures(side.client, OCTOBER, until=dt.date(2026, 10, 10))
    assert len(figures.days) == 10
    kpis = {k.kpi_id: k for k in figures.kpis}
    assert kpis["a_growth"].value == Decimal(150)


def test_a_quota_counts_only_posts_of_its_kind_with_enough_likes(world: World) -> None:
    side = reporting_client(world)
    (quota,) = client_figures(side.client, OCTOBER).quotas
    assert (quota.published, quota.counted, quota.per_month) == (6, 3, 4)
    assert quota.explanation == (
        "已发布 article 6 条，其中点赞 ≥ 50 的计入 3 条；每月应交付 4 条，完成 75.0%"
    )


def test_posts_are_ranked_by_reach_then_engagement(world: World) -> None:
    side = reporting_client(world)
    (account,) = client_figures(side.client, OCTOBER).accounts
    assert [p.post.post_id for p in account.top_posts] == ["p02", "p12", "p22", "p08", "p28"]
    assert [p.post.post_id for p in account.bottom_posts] == ["p16"]
    best = account.top_posts[0]
    assert best.engagement == 125
    assert best.rate_text == "13.9%"


def test_a_month_without_data_has_no_accounts_and_no_kpis_outside_the_contract(
    world: World,
) -> None:
    side = reporting_client(world)
    figures = client_figures(side.client, Month(2027, 3))
    assert figures.accounts == []
    assert figures.kpis == []  # the contract's period ends with 2026


def test_the_figures_cost_the_same_queries_for_one_or_many_accounts(world: World) -> None:
    side = reporting_client(world)
    with CaptureQueriesContext(connection) as one:
        client_figures(side.client, OCTOBER)
    from yunying.accounts import actions as account_actions
    from yunying.metrics import actions as metric_actions
    from yunying.metrics.mappings import Parsed
    from yunying.reports.tests.helpers import days
    from yunying.testing import actor

    for n in range(3):
        extra = account_actions.create_account(
            actor=actor(world.alpha.admin),
            client=side.client,
            platform="douyin",
            platform_id=f"dy-extra-{n}",
            display_name=f"extra {n}",
        )
        metric_actions.store_parsed(
            actor=actor(world.alpha.admin),
            account=extra,
            parsed=Parsed(days=days(OCTOBER, new=1, lost=0, reads=5, total=10)),
        )
    with CaptureQueriesContext(connection) as many:
        figures = client_figures(side.client, OCTOBER)
    assert len(figures.accounts) == 4
    assert len(many) == len(one)
