"""Suspicious engagement in the app: an import that contains a follower jump on a day without
posts is flagged with its working, re-detection adds nothing, a reviewer confirms or dismisses
(with a reason), the team is told, other tenants see nothing."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yunying.audit.models import AuditEntry
from yunying.metrics import actions
from yunying.metrics.choices import FlagStatus
from yunying.metrics.mappings import DayRecord, Parsed
from yunying.metrics.models import EngagementFlag
from yunying.notify.models import Notification
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db
START = dt.date(2026, 8, 1)
JUMP = dt.date(2026, 10, 20)


def history(jump: bool) -> Parsed:
    """90 quiet days of an account (fixed seed), with a follower jump on 20 October if asked."""
    rng = np.random.default_rng(7)
    days = []
    for n in range(90):
        day = START + dt.timedelta(days=n)
        new = int(rng.poisson(40))
        if jump and day == JUMP:
            new = 2400
        plays = int(rng.poisson(3000))
        values = {"followers_new": new, "plays": plays, "likes": int(plays * 0.04)}
        days.append(DayRecord(day, {k: Decimal(v) for k, v in values.items()}, {}, "t", 0))
    return Parsed(days=days)


def load(world: World, jump: bool) -> Any:
    account = world.alpha.clients[0].account
    actions.store_parsed(actor=actor(world.alpha.admin), account=account, parsed=history(jump))
    return account


def test_a_jump_without_content_is_flagged_with_its_numbers(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    account = load(world, jump=True)
    with django_capture_on_commit_callbacks(execute=True):
        new = actions.detect_engagement(account, dt.date(2026, 10, 1), dt.date(2026, 10, 29))
    assert [(f.date, f.metric) for f in new] == [(JUMP, "followers_new")]
    flag = EngagementFlag.objects.get()
    assert flag.value == Decimal(2400)
    assert "2400" in flag.explanation
    assert flag.status == FlagStatus.OPEN
    manager = world.alpha.staff[Role.ACCOUNT_MANAGER]
    assert Notification.objects.filter(recipient=manager, kind="engagement_flagged").exists()
    # Detecting again keeps the one row.
    assert actions.detect_engagement(account, dt.date(2026, 10, 1), dt.date(2026, 10, 29)) == []
    assert EngagementFlag.objects.count() == 1


def test_a_quiet_account_is_left_alone(world: World) -> None:
    account = load(world, jump=False)
    assert actions.detect_engagement(account, dt.date(2026, 9, 1), dt.date(2026, 10, 29)) == []


def test_an_import_screens_the_days_it_wrote(world: World) -> None:
    account = world.alpha.clients[0].account
    lines = ["日期,新增粉丝,播放量,点赞数"]
    for day, values in ((d.date, d.metrics) for d in history(jump=True).days):
        lines.append(f"{day},{values['followers_new']},{values['plays']},{values['likes']}")
    job = actions.create_import(
        actor=actor(world.alpha.admin),
        account=account,
        mapping_name="generic",
        filename="history.csv",
        data="\n".join(lines).encode(),
    )
    actions.run_import(job, actor=actor(world.alpha.admin))
    assert list(EngagementFlag.objects.values_list("date", flat=True)) == [JUMP]


def test_a_reviewer_confirms_or_dismisses_with_a_reason(world: World) -> None:
    account = load(world, jump=True)
    actions.detect_engagement(account, dt.date(2026, 10, 1), dt.date(2026, 10, 29))
    flag = EngagementFlag.objects.get()
    supervisor = actor(world.alpha.staff[Role.SUPERVISOR])
    with pytest.raises(ValidationError) as caught:
        actions.review_flag(actor=supervisor, flag=flag, decision="dismissed", note=" ")
    assert "note" in caught.value.message_dict
    reviewed = actions.review_flag(
        actor=supervisor, flag=flag, decision="dismissed", note="当天直播间抽奖引流"
    )
    assert reviewed.status == FlagStatus.DISMISSED
    entry = AuditEntry.objects.get(action="metrics.flag_review")
    assert entry.data["value"] == "2400"
    with pytest.raises(PermissionDenied):
        actions.review_flag(
            actor=actor(world.alpha.staff[Role.EDITOR]), flag=flag, decision="confirmed", note=""
        )


def test_the_page_lists_findings_and_takes_a_review(world: World, login: Any) -> None:
    account = load(world, jump=True)
    actions.detect_engagement(account, dt.date(2026, 10, 1), dt.date(2026, 10, 29))
    flag = EngagementFlag.objects.get()
    client = login(world.alpha.staff[Role.SUPERVISOR])
    body = client.get(reverse("metrics:flags")).content.decode()
    assert html.escape(flag.explanation) in body
    assert f'id="f{flag.pk}_decision_0"' in body
    response = client.post(
        reverse("metrics:flag_review", args=[flag.pk]), {"decision": "confirmed", "note": ""}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED
    for user in (world.beta.admin, world.alpha.clients[0].reviewer):
        other = login(user)
        assert other.post(
            reverse("metrics:flag_review", args=[flag.pk]), {"decision": "dismissed", "note": "x"}
        ).status_code in {403, 404}
        listing = other.get(reverse("metrics:flags")).content.decode()
        assert html.escape(flag.explanation) not in listing
