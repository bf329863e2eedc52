"""Stored facts for the test personas, made through the actions when first asked for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yunying.metrics import actions
from yunying.metrics.files import MetricRow, PostRow
from yunying.metrics.models import DailyMetric, EngagementFlag, ImportJob, PostFact
from yunying.testing import World, actor

# Distinctive values, so a page or an answer that shows them shows that very row.
MARKER_VALUES = ("31415926", "27182818")
DAY = dt.date(2026, 10, 8)


def sample_metric(world: World, index: int = 0) -> DailyMetric:
    """Alpha's client ``index`` has 'calls' on 2026-10-08 with its marker value."""
    side = world.alpha.clients[index]
    value = Decimal(MARKER_VALUES[index])
    actions.import_metrics(
        actor=actor(world.alpha.admin),
        account=side.account,
        rows=[MetricRow(DAY, "A", "calls", value)],
    )
    return DailyMetric.objects.get(account=side.account, date=DAY, metric="calls")


def sample_post(world: World, index: int = 0) -> PostFact:
    """Alpha's client ``index`` has a post ``post-a1`` (or ``post-a2``)."""
    side = world.alpha.clients[index]
    post_id = f"post-a{index + 1}"
    actions.import_posts(
        actor=actor(world.alpha.admin),
        account=side.account,
        rows=[PostRow(post_id, "A", DAY, "video", 120)],
    )
    return PostFact.objects.get(account=side.account, post_id=post_id)


def sample_import(world: World, index: int = 0) -> ImportJob:
    """Alpha's client ``index`` has a finished import of a small generic file."""
    side = world.alpha.clients[index]
    name = f"import-marker-{index}.csv"
    found = ImportJob.objects.filter(account=side.account, filename=name).first()
    if found is not None:
        return found
    job = actions.create_import(
        actor=actor(world.alpha.admin),
        account=side.account,
        mapping_name="generic",
        filename=name,
        data="日期,电话量\n2026-10-09,4\n".encode(),
    )
    return actions.run_import(job, actor=actor(world.alpha.admin))


def sample_flag(world: World, index: int = 0) -> EngagementFlag:
    """A stored finding on alpha's client ``index``'s account (made directly: the detector's own
    tests live in test_anomalies and test_flags)."""
    side = world.alpha.clients[index]
    found = EngagementFlag.objects.filter(account=side.account).first()
    if found is not None:
        return found
    return EngagementFlag.objects.create(
        agency_id=side.account.agency_id,
        client_id=side.account.client_id,
        account=side.account,
        key=f"daily_spike:2026-10-0{index + 1}::likes",
        kind="daily_spike",
        date=dt.date(2026, 10, index + 1),
        metric="likes",
        value=Decimal(900),
        expected=Decimal(30),
        score=Decimal("50.00"),
        threshold=Decimal("3.50"),
        explanation=f"flag-marker-{index}",
    )
