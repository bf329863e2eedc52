"""Home pages point people at the content waiting for them."""

from __future__ import annotations

from django.urls import reverse

from yunying.editorial import workflow
from yunying.editorial.choices import State
from yunying.editorial.tests.helpers import make_item, walk
from yunying.tenancy.choices import Role


def test_each_role_waits_on_the_states_its_moves_leave():
    assert workflow.waiting_on({Role.EDITOR}) == {State.COLLECTED, State.SCHEDULED}
    assert workflow.waiting_on({Role.COPYWRITER}) == {
        State.SELECTED,
        State.EDITING,
        State.LAYOUT_REVIEW,
        State.TEAM_PREVIEW,
        State.RETURNED,
        State.SCHEDULED,
    }
    assert workflow.waiting_on({Role.SUPERVISOR}) == {
        State.SUPERVISOR_REVIEW,
        State.SCHEDULED,
    }
    assert workflow.waiting_on({Role.CLIENT_REVIEWER}) == {State.CLIENT_REVIEW}
    assert workflow.waiting_on({Role.HOST}) == frozenset()


def test_the_copywriter_sees_the_selected_item_and_the_reviewer_the_one_to_review(world, db, login):
    selected = walk(world, make_item(world, title="等文案接手的稿子"), State.SELECTED)
    waiting = walk(world, make_item(world, title="等甲方审核的稿子"), State.CLIENT_REVIEW)
    writer_home = login(world.alpha.staff[Role.COPYWRITER]).get(reverse("core:home"))
    page = writer_home.content.decode()
    assert selected.title in page
    assert reverse("editorial:item_detail", args=[selected.pk]) in page
    assert waiting.title not in page  # the client has it, not the copywriter
    reviewer_home = login(world.alpha.clients[0].reviewer).get(reverse("core:home"))
    page = reviewer_home.content.decode()
    assert reverse("editorial:review", args=[waiting.pk]) in page
    assert selected.title not in page
    other = login(world.alpha.clients[1].reviewer).get(reverse("core:home")).content.decode()
    assert waiting.title not in other
