"""The pipeline's rules beyond the table: gate, versions, rounds, deadlines, silence, take-downs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from yunying.editorial import actions, runs
from yunying.editorial.choices import SilencePolicy, State
from yunying.editorial.models import ContentItem, EditorialSettings
from yunying.editorial.tests.helpers import make_item, walk
from yunying.notify.choices import NotificationKind
from yunying.notify.models import Notification
from yunying.settlement.choices import EventKind
from yunying.settlement.models import ContractEvent
from yunying.settlement.tests.helpers import make_contract
from yunying.tenancy.choices import Role
from yunying.tenancy.scoping import SYSTEM
from yunying.testing import actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=SHANGHAI)


def _who(world, role):
    return actor(world.alpha.staff[role])


def _reviewer(world):
    return actor(world.alpha.clients[0].reviewer)


# --- Versions -----------------------------------------------------------------------------------


def test_every_edit_is_a_new_version_and_an_unchanged_save_adds_none(world, db):
    item = make_item(world)
    writer = _who(world, Role.COPYWRITER)
    v2 = actions.edit_item(
        actor=writer, item=item, draft=actions.Draft(title="秋季新品上市（修订）", body="<p>新</p>")
    )
    assert v2 is not None
    assert v2.number == 2
    again = actions.edit_item(
        actor=writer, item=item, draft=actions.Draft(title="秋季新品上市（修订）", body="<p>新</p>")
    )
    assert again is None
    item.refresh_from_db()
    assert item.version == 2
    assert item.title == "秋季新品上市（修订）"
    assert list(item.versions.values_list("number", flat=True)) == [1, 2]
    assert item.author == world.alpha.staff[Role.COPYWRITER]


def test_the_version_under_review_is_frozen(world, db):
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    with pytest.raises(ValidationError):
        actions.edit_item(
            actor=_who(world, Role.COPYWRITER), item=item, draft=actions.Draft(title="偷偷改")
        )


def test_targets_must_be_the_clients_accounts_on_a_fitting_platform(world, db):
    other = world.alpha.clients[1]
    with pytest.raises(ValidationError) as caught:
        actions.create_item(
            actor=_who(world, Role.EDITOR),
            client=world.alpha.clients[0].client,
            kind="douyin_video",
            draft=actions.Draft(title="视频"),
            accounts=[world.alpha.clients[0].account, other.account],
        )
    assert "accounts" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        actions.create_item(
            actor=_who(world, Role.EDITOR),
            client=world.alpha.clients[0].client,
            kind="wechat_article",
            draft=actions.Draft(title=" "),
            accounts=[],
        )
    assert {"title"} <= set(caught.value.message_dict)


# --- Compliance gate ------------------------------------------------------------------------


def test_a_blocking_finding_stops_entering_supervisor_review(world, db):
    item = walk(world, make_item(world, body="<p>国家级品质</p>"), State.TEAM_PREVIEW)
    with pytest.raises(ValidationError) as caught:
        actions.transition(
            actor=_who(world, Role.COPYWRITER), item=item, target=State.SUPERVISOR_REVIEW
        )
    assert "国家级" in " ".join(caught.value.message_dict["compliance"])
    item.refresh_from_db()
    assert item.state == State.TEAM_PREVIEW
    # The stopped attempt is on the record with what stopped it.
    from yunying.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="content.gate_blocked", object_id=str(item.pk))
    assert entry.data["to"] == State.SUPERVISOR_REVIEW
    assert [f["text"] for f in entry.data["findings"]] == ["国家级"]


def test_a_warning_passes_to_the_supervisor_who_overrides_it_with_a_reason(world, db):
    item = walk(world, make_item(world, body="<p>本店销量第一</p>"), State.SUPERVISOR_REVIEW)
    entered = item.changes.get(target=State.SUPERVISOR_REVIEW)
    assert [f["text"] for f in entered.findings] == ["第一"]
    supervisor = _who(world, Role.SUPERVISOR)
    with pytest.raises(ValidationError) as caught:
        actions.transition(actor=supervisor, item=item, target=State.CLIENT_REVIEW)
    assert "override_reason" in caught.value.message_dict
    change = actions.transition(
        actor=supervisor,
        item=item,
        target=State.CLIENT_REVIEW,
        override_reason="有第三方销量排名证明",
    )
    assert change.override_reason == "有第三方销量排名证明"
    assert change.findings[0]["text"] == "第一"
    # The client's approval re-runs the gate; the overridden warning no longer stops it.
    actions.transition(actor=_reviewer(world), item=item, target=State.SCHEDULED)
    item.refresh_from_db()
    assert item.state == State.SCHEDULED


# --- Client review: deadlines, rounds, silence ---------------------------------------------


def test_the_review_deadline_counts_working_days_across_national_day(world, db):
    # Sent on Wednesday 30 September 2026: 1-7 October are holidays and Saturday 10 October is
    # a make-up working day, so the three working days are 8 (Thu), 9 (Fri) and 10 (Sat).
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    with time_machine.travel(at("2026-09-30"), tick=False):
        actions.transition(
            actor=_who(world, Role.SUPERVISOR), item=item, target=State.CLIENT_REVIEW
        )
    item.refresh_from_db()
    assert item.review_due == dt.date(2026, 10, 10)
    assert item.review_rule["start"] == "2026-09-30"
    assert item.review_rule["working_days"] == 3
    assert item.review_rule["source"] == "机构默认"


def test_the_contracts_window_overrides_the_agency_default(world, db):
    side = world.alpha.clients[0]
    make_contract(
        world.alpha,
        side,
        "ED-2026-001",
        windows={"review_working_days": 5, "max_revision_rounds": 2, "payment_day": 10},
    )
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    with time_machine.travel(at("2026-09-29"), tick=False):
        actions.transition(
            actor=_who(world, Role.SUPERVISOR), item=item, target=State.CLIENT_REVIEW
        )
    item.refresh_from_db()
    # 29 Sep + 5 working days: 30 Sep, 8, 9, 10 (make-up Saturday), 12 October.
    assert item.review_due == dt.date(2026, 10, 12)
    assert item.review_rule["source"] == "合同 ED-2026-001"
    assert item.review_rule["max_revision_rounds"] == 2


def test_each_client_return_starts_a_round_and_past_the_maximum_flags_the_manager(world, db):
    side = world.alpha.clients[0]
    make_contract(
        world.alpha,
        side,
        "ED-2026-002",
        windows={"review_working_days": 3, "max_revision_rounds": 2, "payment_day": 10},
    )
    item = make_item(world)
    for expected_round in (2, 3):
        item = walk(world, item, State.CLIENT_REVIEW)
        actions.client_return(
            actor=_reviewer(world),
            item=item,
            summary="请换封面",
            anchors=[actions.Anchor(body="这句不准确", part="body", quote="新品")],
        )
        item.refresh_from_db()
        assert item.state == State.RETURNED
        assert item.round == expected_round
        actions.transition(actor=_who(world, Role.COPYWRITER), item=item, target=State.EDITING)
        item = walk_from_editing(world, item)
    assert item.over_rounds is True
    flagged = Notification.objects.filter(kind=NotificationKind.CONTENT_OVER_ROUNDS)
    assert list(flagged.values_list("recipient", flat=True)) == [
        world.alpha.staff[Role.ACCOUNT_MANAGER].pk
    ]
    comment = item.comments.first()
    assert (comment.part, comment.quote, comment.start, comment.end) == ("body", "新品", 3, 5)


def walk_from_editing(world, item):
    for target in (State.LAYOUT_REVIEW, State.TEAM_PREVIEW, State.SUPERVISOR_REVIEW):
        actions.transition(actor=_who(world, Role.COPYWRITER), item=item, target=target)
    item.refresh_from_db()
    return item


def test_an_anchor_must_quote_the_version_under_review(world, db):
    item = walk(world, make_item(world), State.CLIENT_REVIEW)
    with pytest.raises(ValidationError) as caught:
        actions.client_return(
            actor=_reviewer(world),
            item=item,
            summary="改",
            anchors=[actions.Anchor(body="?", part="body", quote="不存在的句子")],
        )
    assert "quote" in caught.value.message_dict
    item.refresh_from_db()
    assert item.state == State.CLIENT_REVIEW
    assert item.comments.count() == 0


def test_silence_past_the_window_escalates_by_default(world, db):
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    with time_machine.travel(at("2026-09-30"), tick=False):
        actions.transition(
            actor=_who(world, Role.SUPERVISOR), item=item, target=State.CLIENT_REVIEW
        )
    assert runs.sweep_client_reviews(dt.date(2026, 10, 10)) == {
        "deemed_approved": 0,
        "escalated": 0,
        "silence_trigger": 0,
    }
    counts = runs.sweep_client_reviews(dt.date(2026, 10, 12))
    assert counts["escalated"] == 1
    assert runs.sweep_client_reviews(dt.date(2026, 10, 13))["escalated"] == 0  # told once
    item.refresh_from_db()
    assert item.state == State.CLIENT_REVIEW


def test_silence_counts_toward_the_contracts_termination_trigger(world, db):
    side = world.alpha.clients[0]
    make_contract(world.alpha, side, "ED-2026-003", termination={"client_silent_working_days": 5})
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    with time_machine.travel(at("2026-09-30"), tick=False):
        actions.transition(
            actor=_who(world, Role.SUPERVISOR), item=item, target=State.CLIENT_REVIEW
        )
    item.refresh_from_db()
    # 30 Sep → 14 Oct: 8, 9, 10 (make-up), 12, 13, 14 = 6 working days of silence.
    assert runs.silence_days(item, dt.date(2026, 10, 14)) == 6
    assert runs.silence_trigger(item, dt.date(2026, 10, 14)) == (6, 5)
    assert runs.sweep_client_reviews(dt.date(2026, 10, 14))["silence_trigger"] == 1


def test_deemed_approval_schedules_the_item_when_the_contract_says_so(world, db):
    side = world.alpha.clients[0]
    make_contract(
        world.alpha,
        side,
        "ED-2026-004",
        windows={"review_working_days": 3, "client_silence": "deemed_approval", "payment_day": 10},
    )
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    with time_machine.travel(at("2026-09-30"), tick=False):
        actions.transition(
            actor=_who(world, Role.SUPERVISOR), item=item, target=State.CLIENT_REVIEW
        )
    assert runs.sweep_client_reviews(dt.date(2026, 10, 10))["deemed_approved"] == 0
    assert runs.sweep_client_reviews(dt.date(2026, 10, 12))["deemed_approved"] == 1
    item.refresh_from_db()
    assert item.state == State.SCHEDULED
    assert item.approved_version == item.version
    change = item.changes.last()
    assert change.actor is None
    assert change.actor_label == "system"


def test_the_agency_default_for_silence_applies_without_a_contract(world, db):
    EditorialSettings.objects.update_or_create(
        agency=world.alpha.agency, defaults={"client_silence": SilencePolicy.DEEMED_APPROVAL}
    )
    item = walk(world, make_item(world), State.CLIENT_REVIEW)
    item.refresh_from_db()
    assert item.review_rule["client_silence"] == SilencePolicy.DEEMED_APPROVAL


# --- Publishing and taking down ---------------------------------------------------------------


def test_the_manual_publisher_asks_a_person_and_the_recorded_url_publishes(world, db):
    item = walk(
        world,
        make_item(world, planned_at=timezone.now() - dt.timedelta(minutes=1)),
        State.SCHEDULED,
    )
    assert runs.publish_due() == 1
    assert runs.publish_due() == 0  # waiting for the person; not asked twice
    due = Notification.objects.filter(kind=NotificationKind.CONTENT_PUBLISH_DUE)
    assert set(due.values_list("recipient", flat=True)) == {
        world.alpha.staff[Role.EDITOR].pk,
        world.alpha.staff[Role.COPYWRITER].pk,
    }
    assert due.count() == 2
    actions.record_publication(
        actor=_who(world, Role.EDITOR), item=item, url="https://mp.weixin.qq.com/s/abc"
    )
    item.refresh_from_db()
    assert item.state == State.PUBLISHED
    assert item.published_url == "https://mp.weixin.qq.com/s/abc"
    assert item.publications.get().status == "published"


def test_withdrawing_published_work_records_who_why_and_the_contract_event(world, db):
    side = world.alpha.clients[0]
    contract = make_contract(world.alpha, side, "ED-2026-005")
    item = walk(world, make_item(world), State.SCHEDULED)
    actions.record_publication(
        actor=_who(world, Role.EDITOR), item=item, url="https://mp.weixin.qq.com/s/x"
    )
    with pytest.raises(ValidationError):
        actions.transition(actor=_who(world, Role.SUPERVISOR), item=item, target=State.WITHDRAWN)
    actions.transition(
        actor=_who(world, Role.SUPERVISOR),
        item=item,
        target=State.WITHDRAWN,
        comment="客户要求下架",
    )
    event = ContractEvent.objects.get(contract=contract, kind=EventKind.CONTENT_WITHDRAWN)
    assert event.ref == f"content:{item.pk}"
    assert event.note == "客户要求下架"
    assert ContentItem.objects.filter(pk=item.pk).exists()  # recorded, never deleted
    told = Notification.objects.filter(kind=NotificationKind.CONTENT_WITHDRAWN)
    assert side.reviewer.pk in set(told.values_list("recipient", flat=True))


def test_system_cannot_take_down_or_return_work(world, db):
    item = walk(world, make_item(world), State.SCHEDULED)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.transition(actor=SYSTEM, item=item, target=State.RETURNED, comment="x")


# --- Scores --------------------------------------------------------------------------------


def test_score_total_is_the_weighted_share_of_the_maximum():
    criteria = [
        {"key": "content", "label": "内容", "weight": 40, "max": 10},
        {"key": "layout", "label": "排版", "weight": 20, "max": 10},
        {"key": "timeliness", "label": "时效", "weight": 20, "max": 10},
        {"key": "compliance", "label": "合规", "weight": 20, "max": 10},
    ]
    marks = {"content": 8, "layout": 9, "timeliness": 7, "compliance": 10}
    # (40×0.8 + 20×0.9 + 20×0.7 + 20×1.0) ÷ 100 × 100 = 84.00
    assert str(actions.score_total(criteria, marks)) == "84.00"


def test_only_published_items_are_scored_and_marks_stay_in_range(world, db):
    item = walk(world, make_item(world), State.SCHEDULED)
    supervisor = _who(world, Role.SUPERVISOR)
    marks = {"content": 8, "layout": 9, "timeliness": 7, "compliance": 10}
    with pytest.raises(ValidationError):
        actions.score_item(actor=supervisor, item=item, marks=marks)
    actions.record_publication(
        actor=_who(world, Role.EDITOR), item=item, url="https://mp.weixin.qq.com/s/y"
    )
    with pytest.raises(ValidationError) as caught:
        actions.score_item(actor=supervisor, item=item, marks={**marks, "layout": 11})
    assert "layout" in caught.value.message_dict
    score = actions.score_item(actor=supervisor, item=item, marks=marks, comment="好")
    assert str(score.total) == "84.00"


def test_the_weekly_review_lists_moves_the_gate_stopped(world, db, login):
    from django.urls import reverse

    item = walk(world, make_item(world, body="<p>最佳口感</p>"), State.TEAM_PREVIEW)
    with time_machine.travel(at("2026-11-10"), tick=False), pytest.raises(ValidationError):
        actions.transition(
            actor=_who(world, Role.COPYWRITER), item=item, target=State.SUPERVISOR_REVIEW
        )
    page = login(world.alpha.staff[Role.SUPERVISOR]).get(
        reverse("editorial:weekly") + "?date=2026-11-17"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-blocked" in html
    assert "最佳" in html
