"""The state machine: every allowed and every refused transition, per role, through the action."""

from __future__ import annotations

import json
from io import StringIO
from itertools import pairwise, product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from yunying.editorial import actions, workflow
from yunying.editorial.choices import State
from yunying.editorial.models import ContentItem
from yunying.editorial.tests.helpers import make_item
from yunying.tenancy.choices import Role
from yunying.tenancy.scoping import SYSTEM
from yunying.testing import actor

PEOPLE = [*sorted(Role.values), workflow.SYSTEM]
EDGES = [(t.source, t.target) for t in workflow.TRANSITIONS]
NON_EDGES = [(a, b) for a, b in product(State.values, State.values) if (a, b) not in set(EDGES)]


def _actor(world, role):
    if role == workflow.SYSTEM:
        return SYSTEM
    side = world.alpha.clients[0]
    if role == Role.CLIENT_REVIEWER:
        return actor(side.reviewer)
    if role == Role.ASSOCIATION:
        return actor(world.association)
    return actor(world.alpha.staff[role])


def _item_in(world, state):
    item = make_item(world, title="状态机测试", body="<p>普通内容</p>")
    # Fixture shortcut: put the item straight into the state under test (the walk through the
    # real actions is covered by test_smoke_walk and the browser walk).
    ContentItem.objects.filter(pk=item.pk).update(state=state)
    item.refresh_from_db()
    return item


def test_the_table_names_only_known_states_and_roles():
    for t in workflow.TRANSITIONS:
        assert t.source in State.values
        assert t.target in State.values
        assert t.roles <= set(Role.values) | {workflow.SYSTEM}
    assert list(workflow.STATES) == State.values


def test_the_table_follows_seed_002s_line_in_order():
    line = [
        State.COLLECTED,
        State.SELECTED,
        State.EDITING,
        State.LAYOUT_REVIEW,
        State.TEAM_PREVIEW,
        State.SUPERVISOR_REVIEW,
        State.CLIENT_REVIEW,
        State.SCHEDULED,
        State.PUBLISHED,
        State.ARCHIVED,
    ]
    for a, b in pairwise(line):
        assert workflow.find(a, b) is not None, (a, b)


@pytest.mark.parametrize(("source", "target"), EDGES)
@pytest.mark.parametrize("role", PEOPLE)
def test_every_edge_is_open_exactly_to_its_roles(world, db, source, target, role):
    item = _item_in(world, source)
    move = workflow.find(source, target)
    assert move is not None
    kwargs = {"comment": "理由"} if move.needs_comment else {}
    if target == State.PUBLISHED:
        kwargs["published_url"] = "https://mp.weixin.qq.com/s/example"
    if source == State.SUPERVISOR_REVIEW and target == State.CLIENT_REVIEW:
        kwargs["override_reason"] = ""
    who = _actor(world, role)
    if role in move.roles:
        change = actions.transition(actor=who, item=item, target=target, **kwargs)
        item.refresh_from_db()
        assert item.state == target
        assert (change.source, change.target) == (source, target)
    else:
        with pytest.raises(PermissionDenied):
            actions.transition(actor=who, item=item, target=target, **kwargs)
        item.refresh_from_db()
        assert item.state == source


@pytest.mark.parametrize(("source", "target"), NON_EDGES)
def test_every_move_outside_the_table_is_refused_for_everyone(world, db, source, target):
    item = _item_in(world, source)
    for role in (Role.SUPERVISOR, Role.ACCOUNT_MANAGER, workflow.SYSTEM):
        with pytest.raises(ValidationError):
            actions.transition(
                actor=_actor(world, role),
                item=item,
                target=target,
                comment="理由",
                published_url="https://example.com/p",
            )
    item.refresh_from_db()
    assert item.state == source


@pytest.mark.parametrize(
    ("source", "target"), [e for e in EDGES if workflow.find(*e).needs_comment]
)
def test_returns_drops_and_take_downs_need_a_reason(world, db, source, target):
    move = workflow.find(source, target)
    role = sorted(move.roles - {workflow.SYSTEM})[0]
    item = _item_in(world, source)
    with pytest.raises(ValidationError) as caught:
        actions.transition(actor=_actor(world, role), item=item, target=target, comment="  ")
    assert "comment" in caught.value.message_dict


def test_another_clients_reviewer_cannot_decide(world, db):
    item = _item_in(world, State.CLIENT_REVIEW)
    other = actor(world.alpha.clients[1].reviewer)
    with pytest.raises(PermissionDenied):
        actions.transition(actor=other, item=item, target=State.SCHEDULED)


def test_another_agencys_supervisor_cannot_move_an_item(world, db):
    item = _item_in(world, State.SUPERVISOR_REVIEW)
    with pytest.raises(PermissionDenied):
        actions.transition(
            actor=actor(world.beta.staff[Role.SUPERVISOR]), item=item, target=State.CLIENT_REVIEW
        )


def test_every_move_is_logged_and_audited_with_who_when_and_comment(world, db):
    from yunying.audit.models import AuditEntry

    item = _item_in(world, State.SUPERVISOR_REVIEW)
    supervisor = world.alpha.staff[Role.SUPERVISOR]
    change = actions.transition(
        actor=actor(supervisor), item=item, target=State.RETURNED, comment="标题太长"
    )
    assert change.actor == supervisor
    assert change.comment == "标题太长"
    assert change.at is not None
    entry = AuditEntry.objects.filter(action="content.transition", object_id=str(item.pk)).last()
    assert entry.data["from"] == State.SUPERVISOR_REVIEW
    assert entry.data["to"] == State.RETURNED
    assert entry.reason == "标题太长"
    assert entry.actor_id == supervisor.pk


def test_workflow_command_prints_the_enforced_table_as_json():
    out = StringIO()
    call_command("workflow", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows == workflow.as_table()
    assert {"from": "collected", "to": "selected", "roles": ["editor"]} in rows
    client_approval = next(
        r for r in rows if (r["from"], r["to"]) == ("client_review", "scheduled")
    )
    assert client_approval["roles"] == ["client_reviewer", "system"]
    assert all(set(r) == {"from", "to", "roles"} for r in rows)


# Written from the seeds independently of workflow.py, so a role slipping into the table fails:
# editors collect and pre-select; copywriters edit text and review layout and confirm the preview;
# the supervisor approves for the client; the client's reviewer approves or returns.
SEED_ROLES = {
    ("collected", "selected"): {"editor"},
    ("selected", "collected"): {"editor"},
    ("selected", "editing"): {"copywriter"},
    ("editing", "layout_review"): {"copywriter"},
    ("layout_review", "editing"): {"copywriter"},
    ("layout_review", "team_preview"): {"copywriter"},
    ("team_preview", "editing"): {"copywriter"},
    ("team_preview", "supervisor_review"): {"copywriter"},
    ("supervisor_review", "client_review"): {"supervisor"},
    ("supervisor_review", "returned"): {"supervisor"},
    ("client_review", "scheduled"): {"client_reviewer", "system"},
    ("client_review", "returned"): {"client_reviewer"},
    ("returned", "editing"): {"copywriter"},
    ("scheduled", "published"): {"editor", "copywriter", "supervisor", "system"},
    ("scheduled", "returned"): {"supervisor"},
    ("published", "archived"): {"editor", "supervisor", "system"},
    ("published", "withdrawn"): {"supervisor", "account_manager"},
    ("collected", "withdrawn"): {"editor", "supervisor", "account_manager"},
    **{
        (state, "withdrawn"): {"supervisor", "account_manager"}
        for state in (
            "selected",
            "editing",
            "layout_review",
            "team_preview",
            "supervisor_review",
            "client_review",
            "returned",
            "scheduled",
        )
    },
}


def test_each_step_is_open_to_the_roles_the_seed_gives_it():
    assert {(t.source, t.target): set(t.roles) for t in workflow.TRANSITIONS} == SEED_ROLES


def test_gates_sit_before_supervisor_review_and_before_scheduling():
    gated = {(t.source, t.target) for t in workflow.TRANSITIONS if t.gate}
    assert gated == {("team_preview", "supervisor_review"), ("client_review", "scheduled")}
