"""The read side settlement uses: many accounts' facts of a period in two queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yunying.accounts import actions as account_actions
from yunying.metrics import actions, definitions
from yunying.metrics.facts import facts_for_accounts
from yunying.metrics.files import MetricRow, PostRow, parse_metrics_csv
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db
D = Decimal
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))

WORKED = """date,account,metric,value
2026-10-08,A,followers_new,300
2026-10-08,A,followers_lost,40
2026-10-20,A,followers_new,400
2026-10-20,A,followers_lost,60
2026-10-31,A,followers_total,20000
2026-10-15,A,calls,70
2026-10-30,A,calls,50
2026-09-30,A,followers_new,999
2026-11-01,A,calls,999
"""


def test_stored_facts_of_the_worked_example_evaluate_to_600_and_0_006(world: World) -> None:
    account = world.alpha.clients[0].account
    actions.import_metrics(
        actor=actor(world.alpha.admin), account=account, rows=parse_metrics_csv(WORKED)
    )
    facts = facts_for_accounts([account.pk], *OCT)[account.pk]
    assert facts.metrics["followers_new"] == [
        (dt.date(2026, 10, 8), D(300)),
        (dt.date(2026, 10, 20), D(400)),
    ]
    assert str(definitions.evaluate("followers_net_growth", facts.metrics).value) == "600"
    assert str(definitions.evaluate("calls_per_follower", facts.metrics).value) == "0.006"


def test_facts_are_limited_to_the_period_and_grouped_by_account(world: World) -> None:
    boss = actor(world.alpha.admin)
    a1, a2 = world.alpha.clients[0].account, world.alpha.clients[1].account
    actions.import_metrics(actor=boss, account=a1, rows=parse_metrics_csv(WORKED))
    actions.import_metrics(
        actor=boss, account=a2, rows=[MetricRow(dt.date(2026, 10, 1), "B", "calls", D(3))]
    )
    actions.import_posts(
        actor=boss,
        account=a1,
        rows=[
            PostRow("in", "A", dt.date(2026, 10, 31), "video", 5),
            PostRow("out", "A", dt.date(2026, 11, 1), "video", 5),
        ],
    )
    facts = facts_for_accounts([a1.pk, a2.pk, 987654], *OCT)
    assert set(facts) == {a1.pk, a2.pk, 987654}
    assert facts[a1.pk].metrics["calls"] == [
        (dt.date(2026, 10, 15), D(70)),
        (dt.date(2026, 10, 30), D(50)),
    ]
    assert facts[a2.pk].metrics == {"calls": [(dt.date(2026, 10, 1), D(3))]}
    assert [p.post_id for p in facts[a1.pk].posts] == ["in"]
    assert facts[a1.pk].posts[0] == PostRow("in", str(a1.pk), dt.date(2026, 10, 31), "video", 5)
    assert facts[987654].metrics == {}
    assert facts[987654].posts == []


def test_facts_of_many_accounts_take_exactly_two_queries(world: World) -> None:
    boss = actor(world.alpha.admin)
    client = world.alpha.clients[0].client
    ids = []
    for i in range(12):
        account = account_actions.create_account(
            actor=boss,
            client=client,
            platform="douyin",
            platform_id=f"many-{i}",
            display_name=f"m{i}",
        )
        actions.import_metrics(actor=boss, account=account, rows=parse_metrics_csv(WORKED))
        actions.import_posts(
            actor=boss, account=account, rows=[PostRow("p", "A", dt.date(2026, 10, 2), "video", 1)]
        )
        ids.append(account.pk)
    with CaptureQueriesContext(connection) as one:
        facts_for_accounts(ids[:1], *OCT)
    with CaptureQueriesContext(connection) as many:
        facts = facts_for_accounts(ids, *OCT)
    assert len(one) == len(many) == 2
    assert all(len(f.metrics["calls"]) == 2 and len(f.posts) == 1 for f in facts.values())


def test_no_accounts_no_queries() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert facts_for_accounts([], *OCT) == {}
    assert len(queries) == 0
