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


def test_the_admin_shows_items_read_only_and_never_deletes_them(world, db, login):
    from django.urls import reverse

    item = walk(world, make_item(world, title="后台只读"), State.SCHEDULED)
    admin = login(world.alpha.admin)
    listing = admin.get(reverse("admin:editorial_contentitem_changelist"))
    assert listing.status_code == 200
    assert "后台只读" in listing.content.decode()
    delete = admin.post(
        reverse("admin:editorial_contentitem_delete", args=[item.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert item.__class__.objects.filter(pk=item.pk).exists()
    other = login(world.beta.admin).get(reverse("admin:editorial_contentitem_changelist"))
    assert "后台只读" not in other.content.decode()
    # The API has no delete either.
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.alpha.admin)
    assert client.delete(url(item)).status_code == 405
