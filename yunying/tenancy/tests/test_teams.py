"""Dedicated teams: adding is direct; replacing or removing waits for the client's approval."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yunying.audit.models import AuditEntry
from yunying.notify.models import Notification
from yunying.tenancy import actions
from yunying.tenancy.choices import ChangeRequestStatus, Role
from yunying.tenancy.models import TeamChangeRequest, TeamMember
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db


def a1(world: World) -> Any:
    return world.alpha.clients[0]


def current_team(client: Any) -> set[tuple[str, str]]:
    return {
        (m.user.username, m.role)
        for m in TeamMember.objects.filter(client=client, left_on__isnull=True)
    }


def test_replacement_waits_for_the_client(world: World) -> None:
    side = a1(world)
    change = side.team_change
    assert change.status == ChangeRequestStatus.PENDING
    assert ("alpha_editor", "editor") in current_team(side.client)
    assert ("alpha_editor2", "editor") not in current_team(side.client)
    assert Notification.objects.filter(
        recipient=side.reviewer, kind="team_change_requested"
    ).exists()


def test_client_approval_makes_the_replacement_take_effect(world: World) -> None:
    side = a1(world)
    actions.decide_team_change(side.team_change, actor=actor(side.reviewer), approve=True)
    team = current_team(side.client)
    assert ("alpha_editor", "editor") not in team
    assert ("alpha_editor2", "editor") in team
    left = TeamMember.objects.get(pk=side.team_member.pk)
    assert left.left_on is not None
    entry = AuditEntry.objects.filter(action="team.change_approved").latest("id")
    assert entry.actor_id == side.reviewer.pk
    assert entry.data["incoming"] == "alpha_editor2"
    assert Notification.objects.filter(
        recipient=world.alpha.staff[Role.ACCOUNT_MANAGER], kind="team_change_decided"
    ).exists()


def test_rejection_keeps_the_team_and_needs_a_reason(world: World) -> None:
    side = a1(world)
    before = current_team(side.client)
    with pytest.raises(ValidationError) as caught:
        actions.decide_team_change(side.team_change, actor=actor(side.reviewer), approve=False)
    assert "comment" in caught.value.message_dict
    actions.decide_team_change(
        side.team_change, actor=actor(side.reviewer), approve=False, comment="请保留原编辑"
    )
    assert current_team(side.client) == before
    assert TeamChangeRequest.objects.get(pk=side.team_change.pk).status == "rejected"


@pytest.mark.parametrize(
    "who", ["role:agency_admin", "role:account_manager", "reviewer_a2", "beta_reviewer"]
)
def test_only_the_clients_own_reviewer_decides(world: World, who: str) -> None:
    side = a1(world)
    user = {
        "reviewer_a2": world.alpha.clients[1].reviewer,
        "beta_reviewer": world.beta.clients[0].reviewer,
    }.get(who) or world.alpha.staff[who.split(":")[1]]
    with pytest.raises(PermissionDenied):
        actions.decide_team_change(side.team_change, actor=actor(user), approve=True)
    assert TeamChangeRequest.objects.get(pk=side.team_change.pk).status == "pending"


def test_a_decided_request_cannot_be_decided_again(world: World) -> None:
    side = a1(world)
    actions.decide_team_change(side.team_change, actor=actor(side.reviewer), approve=True)
    with pytest.raises(ValidationError):
        actions.decide_team_change(
            side.team_change, actor=actor(side.reviewer), approve=False, comment="changed my mind"
        )


def test_removal_without_successor(world: World) -> None:
    side = a1(world)
    host_seat = TeamMember.objects.get(client=side.client, role=Role.HOST)
    change = actions.request_team_change(
        host_seat, actor=actor(world.alpha.admin), kind="remove", reason="直播项目结束"
    )
    actions.decide_team_change(change, actor=actor(side.reviewer), approve=True)
    assert ("alpha_host", "host") not in current_team(side.client)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "replace", "reason": "x"}, "incoming"),
        ({"kind": "replace", "reason": "", "incoming": "alpha_editor2"}, "reason"),
        ({"kind": "swap", "reason": "x"}, "kind"),
        ({"kind": "replace", "reason": "x", "incoming": "alpha_finance"}, "incoming"),
        ({"kind": "replace", "reason": "x", "incoming": "beta_editor"}, "incoming"),
    ],
)
def test_bad_team_change_names_the_field(world: World, kwargs: dict[str, Any], field: str) -> None:
    from yunying.tenancy.models import User

    host_seat = TeamMember.objects.get(client=a1(world).client, role=Role.HOST)
    if "incoming" in kwargs:
        kwargs["incoming"] = User.objects.get(username=kwargs["incoming"])
    before = TeamChangeRequest.objects.count()
    with pytest.raises(ValidationError) as caught:
        actions.request_team_change(host_seat, actor=actor(world.alpha.admin), **kwargs)
    assert field in caught.value.message_dict
    assert TeamChangeRequest.objects.count() == before


def test_second_pending_request_for_the_same_member_is_refused(world: World) -> None:
    side = a1(world)
    with pytest.raises(ValidationError) as caught:
        actions.request_team_change(
            side.team_member, actor=actor(world.alpha.admin), kind="remove", reason="again"
        )
    assert "outgoing" in caught.value.message_dict


def test_withdrawn_request_changes_nothing(world: World, api: Any) -> None:
    side = a1(world)
    response = api(world.alpha.staff[Role.ACCOUNT_MANAGER]).delete(
        reverse("team-change-detail", args=[side.team_change.pk])
    )
    assert response.status_code == 204
    assert TeamChangeRequest.objects.get(pk=side.team_change.pk).status == "withdrawn"
    assert ("alpha_editor", "editor") in current_team(side.client)


def test_adding_a_member_needs_the_role(world: World) -> None:
    side = a1(world)
    with pytest.raises(ValidationError) as caught:
        actions.add_team_member(
            side.client,
            actor=actor(world.alpha.admin),
            user=world.alpha.staff[Role.FINANCE],
            role=Role.EDITOR,
        )
    assert "user" in caught.value.message_dict


def test_reviewer_approves_through_the_page(world: World, login: Any) -> None:
    side = a1(world)
    client = login(side.reviewer)
    page = client.get(reverse("tenancy:team_change_detail", args=[side.team_change.pk]))
    assert page.status_code == 200
    assert 'name="decision"' in page.content.decode()
    bad = client.post(
        reverse("tenancy:team_change_decide", args=[side.team_change.pk]), {"decision": "reject"}
    )
    assert bad.status_code == 200
    assert 'data-field="comment"' in bad.content.decode()
    ok = client.post(
        reverse("tenancy:team_change_decide", args=[side.team_change.pk]), {"decision": "approve"}
    )
    assert ok.status_code == 302
    assert ("alpha_editor2", "editor") in current_team(side.client)


def test_answer_deadline_counts_working_days_across_national_day(world: World) -> None:
    """Filed on 30 September 2026, a 3-working-day answer is due on 10 October (调休 Saturday)."""
    with time_machine.travel("2026-09-30 10:00 +0800", tick=False):
        change = actions.request_team_change(
            TeamMember.objects.get(client=a1(world).client, role=Role.HOST),
            actor=actor(world.alpha.admin),
            kind="remove",
            reason="节前调整",
        )
    deadline = change.response_deadline
    assert str(deadline.due) == "2026-10-10"
    assert "2026-09-30" in deadline.explanation
    assert "2026-10-10" in deadline.explanation
    with time_machine.travel("2026-10-12 09:00 +0800", tick=False):
        assert change.response_deadline.overdue


def test_deadline_in_a_year_without_calendar_says_which_year(world: World) -> None:
    with time_machine.travel("2026-12-30 10:00 +0800", tick=False):
        change = actions.request_team_change(
            TeamMember.objects.get(client=a1(world).client, role=Role.HOST),
            actor=actor(world.alpha.admin),
            kind="remove",
            reason="年底调整",
        )
    deadline = change.response_deadline
    assert deadline.due is None
    assert deadline.missing_year == 2027
    assert "2027" in deadline.explanation


def test_staff_of_two_agencies_switch_between_them(world: World, login: Any) -> None:
    from yunying.tenancy.models import Membership

    editor = world.alpha.staff[Role.EDITOR]
    Membership.objects.create(user=editor, agency=world.beta.agency, role=Role.EDITOR)
    client = login(editor)
    assert "alpha client a1" in client.get(reverse("tenancy:client_list")).content.decode()
    response = client.post(reverse("tenancy:switch_agency"), {"agency": world.beta.agency.pk})
    assert response.status_code == 302
    body = client.get(reverse("tenancy:client_list")).content.decode()
    assert "beta client b1" in body
    assert "alpha client a1" not in body
    # A person cannot switch into an agency they do not belong to.
    outsider = login(world.alpha.staff[Role.HOST])
    denied = outsider.post(reverse("tenancy:switch_agency"), {"agency": world.beta.agency.pk})
    assert denied.status_code == 403
    assert "beta client" not in outsider.get(reverse("tenancy:client_list")).content.decode()


def test_operator_registers_an_agency_with_its_admin(world: World, login: Any) -> None:
    from yunying.tenancy.models import Agency

    response = login(world.operator).post(
        reverse("tenancy:agency_register"),
        {
            "name": "gamma agency",
            "slug": "gamma",
            "admin_username": "gamma_admin",
            "admin_password": "gamma-pass-1",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(slug="gamma")
    assert agency.memberships.get().user.username == "gamma_admin"
    assert AuditEntry.objects.filter(action="agency.create", agency_id=agency.pk).exists()
    taken = login(world.operator).post(
        reverse("tenancy:agency_register"),
        {
            "name": "delta agency",
            "slug": "delta",
            "admin_username": "alpha_admin",
            "admin_password": "delta-pass-1",
        },
    )
    assert 'data-field="admin_username"' in taken.content.decode()
    assert not Agency.objects.filter(slug="delta").exists()  # nothing half-written
    assert login(world.alpha.admin).get(reverse("tenancy:agency_register")).status_code == 403
