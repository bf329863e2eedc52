"""The content-items API: read scoping and the workflow move."""

from __future__ import annotations

from yunying.editorial.choices import State
from yunying.editorial.tests.helpers import make_item, walk
from yunying.tenancy.choices import Role


def url(item=None, move=False):
    base = "/api/content-items/"
    if item is None:
        return base
    return f"{base}{item.pk}/transition/" if move else f"{base}{item.pk}/"


def test_a_client_reviewer_lists_only_items_that_reached_them(world, db, api):
    draft = make_item(world, title="内部草稿")
    waiting = walk(world, make_item(world, title="等待客户"), State.CLIENT_REVIEW)
    response = api(world.alpha.clients[0].reviewer).get(url())
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert waiting.pk in ids
    assert draft.pk not in ids
    assert api(world.alpha.clients[0].reviewer).get(url(draft)).status_code == 404


def test_the_reviewer_approves_through_the_api(world, db, api):
    item = walk(world, make_item(world), State.CLIENT_REVIEW)
    response = api(world.alpha.clients[0].reviewer).post(
        url(item, move=True), {"target": "scheduled"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "scheduled"
    assert response.json()["changes"][-1]["target"] == "scheduled"


def test_a_refused_move_answers_403_and_a_missing_reason_400_by_field(world, db, api):
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    copywriter = api(world.alpha.staff[Role.COPYWRITER])
    refused = copywriter.post(url(item, move=True), {"target": "client_review"}, format="json")
    assert refused.status_code == 403
    supervisor = api(world.alpha.staff[Role.SUPERVISOR])
    missing = supervisor.post(url(item, move=True), {"target": "returned"}, format="json")
    assert missing.status_code == 400
    assert "comment" in missing.json()


def test_another_agency_cannot_move_the_item(world, db, api):
    item = walk(world, make_item(world), State.SUPERVISOR_REVIEW)
    response = api(world.beta.staff[Role.SUPERVISOR]).post(
        url(item, move=True), {"target": "client_review"}, format="json"
    )
    assert response.status_code == 404
