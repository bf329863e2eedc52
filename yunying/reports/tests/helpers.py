"""A client with a month of figures for report tests: alpha's first client, its Official
Account 'A' with September and October data, posts, and a signed contract with KPIs, a quota
and report day 5."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yunying.metrics import actions as metric_actions
from yunying.metrics.mappings import DayRecord, Parsed, PostRecord
from yunying.settlement.engine import Month
from yunying.settlement.tests.helpers import make_contract
from yunying.testing import ClientSide, World, actor

OCTOBER = Month(2026, 10)
QUOTA = {"account": "A", "kind": "article", "per_month": 4, "min_likes": 50}
KPIS = [
    {
        "id": "a_growth",
        "account": "A",
        "metric": "followers_net_growth",
        "target": 400,
        "performance_pay": "300.00",
    },
    {
        "id": "a_reads",
        "account": "A",
        "metric": "reads",
        "target": 6000,
        "performance_pay": "100.00",
    },
]


def days(month: Month, *, new: int, lost: int, reads: int, total: int) -> list[DayRecord]:
    rows = []
    for index in range((month.end - month.start).days + 1):
        day = month.start + dt.timedelta(days=index)
        values = {"followers_new": new, "followers_lost": lost, "reads": reads, "likes": 10}
        values["followers_total"] = total + index * (new - lost)
        rows.append(DayRecord(day, {k: Decimal(v) for k, v in values.items()}, {}, "t", 0))
    return rows


def post(day: int, likes: int, reads: int, title: str = "") -> PostRecord:
    return PostRecord(
        post_id=f"p{day:02d}",
        published_on=dt.date(2026, 10, day),
        title=title or f"十月第 {day} 日推送",
        kind="article",
        likes=likes,
        counts={"reads": reads, "comments": 2, "shares": 3},
        extras={},
        source="t",
        row=0,
    )


def reporting_client(world: World) -> ClientSide:
    """October: 20 new and 5 lost a day (net 465 against 400), 300 reads a day (9,300 against
    6,000); September: 10 new, 5 lost, 200 reads. Six October posts, three with 50+ likes."""
    side = world.alpha.clients[0]
    admin = actor(world.alpha.admin)
    parsed = Parsed(
        days=days(Month(2026, 9), new=10, lost=5, reads=200, total=1000)
        + days(OCTOBER, new=20, lost=5, reads=300, total=1150),
        posts=[
            post(2, 120, 900, "国庆出行指南"),
            post(8, 30, 400),
            post(12, 80, 700),
            post(16, 10, 150),
            post(22, 50, 600),
            post(28, 40, 300),
        ],
    )
    metric_actions.store_parsed(actor=admin, account=side.account, parsed=parsed)
    make_contract(
        world.alpha,
        side,
        "RPT-1",
        kpis=KPIS,
        quotas=[QUOTA],
        windows={"review_working_days": 3, "payment_day": 10, "report_day": 5},
    )
    return side


def commentary(world: World, side: ClientSide, month: Month = OCTOBER) -> Any:
    from yunying.reports import actions

    return actions.write_commentary(
        actor=actor(world.alpha.staff["account_manager"]),
        client=side.client,
        month=month,
        problems="十月中旬阅读下降。",
        suggestions="十一月增加门店故事。",
    )
