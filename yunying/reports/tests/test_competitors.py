"""Competitors: watched accounts whose figures are kept like the client's own, compared with
them in the report and on their page, and never counted in anything the agency operates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yunying.accounts import actions as account_actions
from yunying.accounts.choices import AccountRole, AccountStatus
from yunying.accounts.models import CompetitorNote, PlatformAccount
from yunying.audit.models import AuditEntry
from yunying.metrics import actions as metric_actions
from yunying.metrics.mappings import DayRecord, Parsed, PostRecord
from yunying.metrics.models import EngagementFlag
from yunying.reports import render
from yunying.reports.figures import client_figures
from yunying.reports.tests.helpers import OCTOBER, days, reporting_client
from yunying.settlement.engine import Month
from yunying.tenancy.choices import Role
from yunying.testing import ClientSide, World, actor

pytestmark = pytest.mark.django_db


def rival_post(day: int, likes: int, comments: int) -> PostRecord:
    return PostRecord(
        post_id=f"r{day:02d}",
        published_on=dt.date(2026, 10, day),
        title=f"竞品十月第 {day} 日",
        kind="article",
        likes=likes,
        counts={"comments": comments},
        extras={},
        source="t",
        row=0,
    )


def watched(world: World, side: ClientSide, platform_id: str = "gh_rival") -> PlatformAccount:
    """A competitor on the client's platform with September's and October's follower totals
    (5,000 at September's end, +30 a day in October) and two October posts."""
    admin = actor(world.alpha.admin)
    rival = account_actions.track_competitor(
        actor=admin,
        client=side.client,
        platform=side.account.platform,
        platform_id=platform_id,
        display_name="对手号",
    )
    september = [
        DayRecord(d.date, {"followers_total": Decimal(5000)}, {}, "t", 0)
        for d in days(Month(2026, 9), new=0, lost=0, reads=0, total=0)
    ]
    october = [
        DayRecord(d.date, {"followers_total": Decimal(5000 + 30 * (i + 1))}, {}, "t", 0)
        for i, d in enumerate(days(OCTOBER, new=0, lost=0, reads=0, total=0))
    ]
    metric_actions.store_parsed(
        actor=admin,
        account=rival,
        parsed=Parsed(
            days=september + october, posts=[rival_post(3, 200, 20), rival_post(9, 40, 4)]
        ),
    )
    return rival


def test_a_competitor_is_kept_out_of_everything_the_agency_operates(world: World) -> None:
    side = reporting_client(world)
    before = client_figures(side.client, OCTOBER)
    rival = watched(world, side)
    assert rival.role == AccountRole.COMPETITOR
    assert rival not in PlatformAccount.objects.all()
    assert rival not in side.client.accounts.all()
    assert rival in PlatformAccount.tracked.all()
    after = client_figures(side.client, OCTOBER)
    # Totals, KPIs and quotas are the client's own: the competitor's figures change none.
    assert [a.account for a in after.accounts] == [side.account]
    assert [(k.kpi_id, k.value) for k in after.kpis] == [(k.kpi_id, k.value) for k in before.kpis]
    assert [q.counted for q in after.quotas] == [q.counted for q in before.quotas]
    assert after.summary() == before.summary()


def test_the_comparison_sets_own_and_competitor_side_by_side_with_the_working(
    world: World,
) -> None:
    side = reporting_client(world)
    rival = watched(world, side)
    [comparison] = client_figures(side.client, OCTOBER).comparisons
    own, theirs = comparison.rows
    assert (own.account, theirs.account) == (side.account, rival)
    assert not own.is_competitor
    assert theirs.is_competitor
    # Own: 1,150 + 30 × 15 = 1,600 at the end of October; September ended at 1,000 + 29 × 5.
    assert own.followers == 1600
    assert own.previous_followers == 1145
    assert own.growth == 455
    assert theirs.followers == 5930
    assert theirs.growth == 930
    assert theirs.growth_explanation == "期末粉丝 5930 − 上期末 5000 = 930"
    # Posts: (200 + 20) + (40 + 4) = 264 over 2 posts.
    assert theirs.engagement == 264
    assert theirs.per_post == 132
    assert theirs.per_post_explanation.startswith("作品互动量 264 ÷ 作品数 2 = 132")
    assert theirs.best is not None
    assert theirs.best.post.post_id == "r03"


def test_notes_of_the_month_are_in_the_comparison_and_removed_ones_are_not(
    world: World,
) -> None:
    side = reporting_client(world)
    rival = watched(world, side)
    writer = actor(world.alpha.staff[Role.COPYWRITER])
    kept = account_actions.add_competitor_note(
        actor=writer, account=rival, noted_on=dt.date(2026, 10, 3), text="双节满减活动上线"
    )
    removed = account_actions.add_competitor_note(
        actor=writer, account=rival, noted_on=dt.date(2026, 10, 5), text="写错了"
    )
    account_actions.add_competitor_note(
        actor=writer, account=rival, noted_on=dt.date(2026, 9, 28), text="九月的事"
    )
    account_actions.remove_competitor_note(
        removed, actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    )
    [comparison] = client_figures(side.client, OCTOBER).comparisons
    assert comparison.rows[1].notes == [kept]
    html = render.render_html(client_figures(side.client, OCTOBER), None)
    assert "四、竞品对比" in html
    assert "五、问题与建议" in html
    assert "双节满减活动上线" in html
    assert "写错了" not in html
    assert "九月的事" not in html
    assert "期末粉丝 5930 − 上期末 5000 = 930" in html
    assert AuditEntry.objects.filter(action="account.competitor_note_remove").count() == 1


def test_a_report_without_competitors_has_no_comparison_and_no_extra_query(
    world: World,
) -> None:
    side = reporting_client(world)
    with CaptureQueriesContext(connection) as none:
        figures = client_figures(side.client, OCTOBER)
    assert figures.comparisons == []
    assert "竞品对比" not in render.render_html(figures, None)
    watched(world, side)
    with CaptureQueriesContext(connection) as one:
        client_figures(side.client, OCTOBER)
    watched(world, side, "gh_rival_2")
    with CaptureQueriesContext(connection) as two:
        figures = client_figures(side.client, OCTOBER)
    assert len(figures.comparisons[0].rows) == 3
    # The competitors come with the accounts; their notes are one query, however many.
    assert len(one) == len(none) + 1 == len(two)


def test_watching_refuses_an_operated_account_a_duplicate_and_a_non_manager(
    world: World,
) -> None:
    side = reporting_client(world)
    admin = actor(world.alpha.admin)
    other = world.alpha.clients[1]
    with pytest.raises(ValidationError) as operated:
        account_actions.track_competitor(
            actor=admin,
            client=other.client,
            platform=side.account.platform,
            platform_id=side.account.platform_id,
            display_name="x",
        )
    assert "代运营" in str(operated.value.message_dict["platform_id"])
    watched(world, side)
    with pytest.raises(ValidationError) as twice:
        account_actions.track_competitor(
            actor=admin,
            client=other.client,
            platform=side.account.platform,
            platform_id="gh_rival",
            display_name="y",
        )
    assert side.client.name in str(twice.value.message_dict["platform_id"])
    with pytest.raises(PermissionDenied):
        account_actions.track_competitor(
            actor=actor(world.alpha.staff[Role.COPYWRITER]),
            client=side.client,
            platform="douyin",
            platform_id="dy_new",
            display_name="z",
        )


def test_a_competitors_spike_is_not_a_finding(world: World) -> None:
    side = reporting_client(world)
    rival = watched(world, side)
    spiky = [
        DayRecord(d.date, {"followers_new": Decimal(50000 if i == 20 else 10)}, {}, "t", 0)
        for i, d in enumerate(days(OCTOBER, new=0, lost=0, reads=0, total=0))
    ]
    admin = actor(world.alpha.admin)
    metric_actions.store_parsed(actor=admin, account=rival, parsed=Parsed(days=spiky))
    assert metric_actions.detect_engagement(rival, OCTOBER.start, OCTOBER.end)
    EngagementFlag.objects.filter(account=rival).delete()
    days_written = [d.date for d in spiky]
    assert metric_actions.detect_after_write(rival, days_written) == []
    assert not EngagementFlag.objects.filter(account=rival).exists()


def test_the_page_compares_and_takes_competitors_and_notes(world: World, login: Any) -> None:
    side = reporting_client(world)
    url = reverse("reports:competitors", args=[side.client.pk]) + "?month=2026-10"
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    answer = manager.post(
        reverse("reports:add_competitor", args=[side.client.pk]),
        {"platform": "douyin", "platform_id": "dy_rival", "display_name": "抖音对手"},
    )
    assert answer.status_code == 302
    rival = PlatformAccount.tracked.get(platform_id="dy_rival")
    assert AuditEntry.objects.filter(action="account.track_competitor").count() == 1
    refused = manager.post(
        reverse("reports:add_competitor", args=[side.client.pk]),
        {"platform": "douyin", "platform_id": "dy_rival", "display_name": "again"},
    )
    assert refused.status_code == 400
    assert "已作为" in refused.content.decode()
    writer = login(world.alpha.staff[Role.COPYWRITER])
    noted = writer.post(
        reverse("reports:competitor_note", args=[side.client.pk]),
        {"account": rival.pk, "noted_on": "2026-10-04", "text": "开始日更直播"},
    )
    assert noted.status_code == 302
    future = writer.post(
        reverse("reports:competitor_note", args=[side.client.pk]),
        {"account": rival.pk, "noted_on": "2999-01-01", "text": "x"},
    )
    assert future.status_code == 400
    body = writer.get(url).content.decode()
    assert "抖音对手" in body
    assert "开始日更直播" in body
    # The copywriter notes but neither adds competitors nor stops watching.
    assert reverse("reports:add_competitor", args=[side.client.pk]) not in body
    assert reverse("reports:stop_watching", args=[rival.pk]) not in body
    assert (
        writer.post(
            reverse("reports:add_competitor", args=[side.client.pk]),
            {"platform": "douyin", "platform_id": "dy_2", "display_name": "n"},
        ).status_code
        == 403
    )
    stop = manager.post(reverse("reports:stop_watching", args=[rival.pk]))
    assert stop.status_code == 302
    rival.refresh_from_db()
    assert rival.status == AccountStatus.ARCHIVED
    # An operated account cannot be "stopped watching" through this door.
    assert manager.post(reverse("reports:stop_watching", args=[side.account.pk])).status_code == 404


def test_another_agency_sees_nothing(world: World, login: Any) -> None:
    side = reporting_client(world)
    rival = watched(world, side)
    note = account_actions.add_competitor_note(
        actor=actor(world.alpha.admin), account=rival, noted_on=dt.date(2026, 10, 3), text="n"
    )
    other = login(world.beta.admin)
    assert other.get(reverse("reports:competitors", args=[side.client.pk])).status_code == 404
    assert other.get(reverse("metrics:account", args=[rival.pk])).status_code == 404
    assert other.post(reverse("reports:competitor_note_remove", args=[note.pk])).status_code == 404
    assert other.post(reverse("reports:stop_watching", args=[rival.pk])).status_code == 404
    assert CompetitorNote.objects.get(pk=note.pk).removed_at is None


def test_a_competitors_data_page_takes_imports_but_offers_no_sync(world: World, login: Any) -> None:
    side = reporting_client(world)
    rival = watched(world, side)
    client = login(world.alpha.admin)
    body = client.get(reverse("metrics:account", args=[rival.pk])).content.decode()
    assert "对手号" in body
    assert reverse("metrics:import_file", args=[rival.pk]) in body
    assert reverse("metrics:sync", args=[rival.pk]) not in body
    assert client.post(reverse("metrics:sync", args=[rival.pk]), {}).status_code == 404
    # The client's reviewer sees their competitors' comparison too (it is in their report).
    reviewer = login(side.reviewer)
    page = reviewer.get(reverse("reports:competitors", args=[side.client.pk]) + "?month=2026-10")
    assert page.status_code == 200
    assert "对手号" in page.content.decode()
