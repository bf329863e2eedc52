"""Content requests: the form, the list, and accepting or declining a request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from yunying.editorial import actions
from yunying.editorial.choices import (
    ContentKind,
    IntakeChannel,
    IntakeStatus,
    MaterialKind,
    MaterialOwner,
    State,
)
from yunying.editorial.models import ContentItem, IntakeRequest, Material
from yunying.editorial.tests.helpers import walk
from yunying.editorial.tests.library_samples import png_upload, sample_intake, sample_material
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db

CREATE = reverse("editorial:intake_create")
LIST = reverse("editorial:intake_list")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    """Uploads of a test go to its own folder, never into the data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


def staff(world: World, role: str) -> Any:
    return world.alpha.staff[role]


def a1(world: World) -> Any:
    return world.alpha.clients[0]


def a2(world: World) -> Any:
    return world.alpha.clients[1]


def detail(intake: IntakeRequest) -> str:
    return reverse("editorial:intake_detail", args=[intake.pk])


def request_form(**fields: Any) -> dict[str, Any]:
    return {
        "title": "双十一促销预热",
        "description": "门店满减活动,需要一篇公众号推文",
        "department": "市场部",
        "desired_date": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "channel": IntakeChannel.PAID,
        "kind": ContentKind.WECHAT_ARTICLE,
        **fields,
    }


def submit(world: World, title: str, *, by: Any = None, side: Any = None) -> IntakeRequest:
    side = side or a1(world)
    return actions.submit_intake(
        actor=actor(by or side.reviewer),
        client=side.client,
        title=title,
        kind=ContentKind.WECHAT_ARTICLE,
        channel=IntakeChannel.FREE,
    )


# --- Submitting ------------------------------------------------------------------------------


def test_a_host_asks_for_content_with_material_from_the_library(world: World, login: Any) -> None:
    photo = sample_material(world)
    session = login(staff(world, Role.HOST))
    url = f"{CREATE}?client={a1(world).client.pk}"
    page = session.get(url)
    assert page.status_code == 200
    fields = page.context["form"].fields
    assert [m.pk for m in fields["materials"].queryset] == [photo.pk]
    # Hosts may not file material in the library, so the form offers no upload.
    assert "new_files" not in fields
    response = session.post(url, request_form(materials=[photo.pk]))
    intake = IntakeRequest.objects.get(title="双十一促销预热")
    assert response.status_code == 302
    assert response["Location"] == detail(intake)
    assert intake.status == IntakeStatus.OPEN
    assert intake.channel == IntakeChannel.PAID
    assert intake.department == "市场部"
    assert intake.submitted_by == staff(world, Role.HOST)
    assert list(intake.materials.all()) == [photo]


def test_an_editor_uploads_new_material_in_the_same_form(world: World, login: Any) -> None:
    photo = sample_material(world)
    url = f"{CREATE}?client={a1(world).client.pk}"
    form = request_form(
        materials=[photo.pk],
        new_files=[
            png_upload("活动海报.png"),
            SimpleUploadedFile("规则.pdf", b"%PDF-1.4", content_type="application/pdf"),
        ],
        new_owner=MaterialOwner.AGENCY,
        new_licence_note="自制",
    )
    assert login(staff(world, Role.EDITOR)).post(url, form).status_code == 302
    intake = IntakeRequest.objects.get(title="双十一促销预热")
    uploads = {m.title: m for m in intake.materials.exclude(pk=photo.pk)}
    assert set(uploads) == {"活动海报", "规则"}
    assert uploads["活动海报"].kind == MaterialKind.IMAGE
    assert uploads["规则"].kind == MaterialKind.DOCUMENT
    assert {m.owner for m in uploads.values()} == {MaterialOwner.AGENCY}
    assert {m.licence_note for m in uploads.values()} == {"自制"}
    assert {m.client for m in uploads.values()} == {a1(world).client}
    assert photo in intake.materials.all()


def test_the_request_form_reports_errors_by_field(world: World, login: Any) -> None:
    url = f"{CREATE}?client={a1(world).client.pk}"
    response = login(staff(world, Role.EDITOR)).post(
        url, request_form(title="", channel="", kind="poem")
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "channel", "kind"}
    assert not IntakeRequest.objects.exists()


def test_a_desired_date_in_the_past_is_refused_and_uploads_are_undone(
    world: World, login: Any, settings: Any
) -> None:
    url = f"{CREATE}?client={a1(world).client.pk}"
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = login(staff(world, Role.EDITOR)).post(
        url, request_form(desired_date=yesterday, new_files=[png_upload("x.png")])
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["desired_date"]
    assert not IntakeRequest.objects.exists()
    assert not Material.objects.filter(title="x").exists()
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []


def test_material_of_another_client_cannot_be_attached(world: World, login: Any) -> None:
    theirs = sample_material(world, 1)
    url = f"{CREATE}?client={a1(world).client.pk}"
    response = login(staff(world, Role.EDITOR)).post(url, request_form(materials=[theirs.pk]))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["materials"]


def test_a_reviewer_with_one_client_goes_straight_to_the_form_and_submits(
    world: World, login: Any
) -> None:
    reviewer = login(a1(world).reviewer)
    page = reviewer.get(CREATE)
    assert page.status_code == 200
    assert page.context["client"] == a1(world).client
    # The client answers for the copyright of what it uploads.
    assert "new_owner" not in page.context["form"].fields
    response = reviewer.post(CREATE, request_form(new_files=[png_upload("门店.png")]))
    assert response.status_code == 302
    intake = IntakeRequest.objects.get(title="双十一促销预热")
    assert intake.client == a1(world).client
    assert intake.submitted_by == a1(world).reviewer
    assert [m.owner for m in intake.materials.all()] == [MaterialOwner.CLIENT]


def test_staff_serving_several_clients_choose_the_client_first(world: World, login: Any) -> None:
    page = login(staff(world, Role.EDITOR)).get(CREATE)
    assert page.status_code == 200
    assert "form" not in page.context
    assert set(page.context["clients"]) == {a1(world).client, a2(world).client}


def test_nobody_asks_for_another_clients_content(world: World, login: Any) -> None:
    cases = [
        (a1(world).reviewer, a2(world).client),
        (world.beta.staff[Role.EDITOR], a1(world).client),
        (staff(world, Role.EDITOR), world.beta.clients[0].client),
    ]
    for who, client in cases:
        url = f"{CREATE}?client={client.pk}"
        session = login(who)
        assert session.get(url).status_code == 404
        assert session.post(url, request_form()).status_code == 404
    assert not IntakeRequest.objects.exists()


# --- The list --------------------------------------------------------------------------------


def test_open_requests_come_first(world: World, login: Any) -> None:
    old_open = submit(world, "最早的请求")
    declined = submit(world, "第二个请求")
    accepted = submit(world, "第三个请求")
    supervisor = actor(staff(world, Role.SUPERVISOR))
    actions.decline_intake(actor=supervisor, intake=declined, note="与品牌调性不符")
    actions.accept_intake(actor=supervisor, intake=accepted, accounts=[a1(world).account])
    newest_open = submit(world, "最新的请求")
    rows = list(login(staff(world, Role.EDITOR)).get(LIST).context["object_list"])
    assert [r.pk for r in rows] == [newest_open.pk, old_open.pk, accepted.pk, declined.pk]


def test_the_list_filters_by_client_and_status(world: World, login: Any) -> None:
    mine = submit(world, "a1 的请求")
    theirs = submit(world, "a2 的请求", side=a2(world))
    session = login(staff(world, Role.EDITOR))
    rows = session.get(LIST, {"client": a2(world).client.pk}).context["object_list"]
    assert [r.pk for r in rows] == [theirs.pk]
    actions.decline_intake(actor=actor(staff(world, Role.EDITOR)), intake=mine, note="本月排期已满")
    rows = session.get(LIST, {"status": IntakeStatus.DECLINED}).context["object_list"]
    assert [r.pk for r in rows] == [mine.pk]


def test_the_reviewer_sees_own_requests_their_status_and_the_item_once_it_is_shown_to_them(
    world: World, login: Any
) -> None:
    mine = submit(world, "a1 的请求")
    theirs = submit(world, "a2 的请求", side=a2(world))
    item = actions.accept_intake(
        actor=actor(staff(world, Role.EDITOR)), intake=mine, accounts=[a1(world).account]
    )
    reviewer = login(a1(world).reviewer)
    page = reviewer.get(LIST)
    body = page.content.decode()
    assert [r.pk for r in page.context["object_list"]] == [mine.pk]
    assert theirs.title not in body
    item_url = reverse("editorial:item_detail", args=[item.pk])
    # While the team drafts it, the reviewer sees that it became an item, not the draft.
    assert item.title in body
    assert item_url not in body
    walk(world, item, State.CLIENT_REVIEW)
    assert item_url in reviewer.get(LIST).content.decode()
    assert item_url in reviewer.get(detail(mine)).content.decode()


# --- Deciding ----------------------------------------------------------------------------------


def test_an_editor_accepts_a_request_into_a_collected_item(world: World, login: Any) -> None:
    photo = sample_material(world)
    intake = actions.submit_intake(
        actor=actor(a1(world).reviewer),
        client=a1(world).client,
        title="门店开业",
        kind=ContentKind.WECHAT_ARTICLE,
        channel=IntakeChannel.FREE,
        description="开业活动介绍",
        desired_date=timezone.localdate() + dt.timedelta(days=5),
        materials=[photo],
    )
    session = login(staff(world, Role.EDITOR))
    page = session.get(detail(intake))
    assert page.context["can_decide"]
    # The client's only Official Account is chosen already.
    assert list(page.context["accept_form"].initial["accounts"]) == [a1(world).account]
    response = session.post(
        detail(intake), {"decision": "accept", "accounts": [a1(world).account.pk]}
    )
    intake.refresh_from_db()
    item = ContentItem.objects.get(pk=intake.item_id)
    assert response.status_code == 302
    assert response["Location"] == reverse("editorial:item_detail", args=[item.pk])
    assert intake.status == IntakeStatus.ACCEPTED
    assert intake.decided_by == staff(world, Role.EDITOR)
    assert item.state == State.COLLECTED
    assert item.title == "门店开业"
    assert list(item.accounts.all()) == [a1(world).account]
    assert list(item.attachments.all()) == [photo]
    assert timezone.localdate(item.planned_at) == intake.desired_date


def test_accepting_needs_a_target_account(world: World, login: Any) -> None:
    intake = sample_intake(world)
    response = login(staff(world, Role.EDITOR)).post(detail(intake), {"decision": "accept"})
    assert response.status_code == 400
    assert list(response.context["accept_form"].errors) == ["accounts"]
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.OPEN


def test_an_account_of_another_client_is_not_offered_nor_accepted(world: World, login: Any) -> None:
    intake = sample_intake(world)
    response = login(staff(world, Role.EDITOR)).post(
        detail(intake), {"decision": "accept", "accounts": [a2(world).account.pk]}
    )
    assert response.status_code == 400
    assert "accounts" in response.context["accept_form"].errors
    assert not ContentItem.objects.filter(title=intake.title).exists()


def test_a_supervisor_declines_with_a_note(world: World, login: Any) -> None:
    intake = sample_intake(world)
    session = login(staff(world, Role.SUPERVISOR))
    response = session.post(detail(intake), {"decision": "decline", "decision_note": " "})
    assert response.status_code == 400
    assert list(response.context["decline_form"].errors) == ["decision_note"]
    response = session.post(
        detail(intake), {"decision": "decline", "decision_note": "与本月主题重复"}
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DECLINED
    assert intake.decision_note == "与本月主题重复"
    assert "与本月主题重复" in login(a1(world).reviewer).get(LIST).content.decode()


def test_a_decided_request_cannot_be_decided_again(world: World, login: Any) -> None:
    intake = sample_intake(world)
    actions.decline_intake(actor=actor(staff(world, Role.EDITOR)), intake=intake, note="重复")
    session = login(staff(world, Role.SUPERVISOR))
    assert not session.get(detail(intake)).context["can_decide"]
    response = session.post(
        detail(intake), {"decision": "accept", "accounts": [a1(world).account.pk]}, follow=True
    )
    assert response.redirect_chain == [(detail(intake), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        gettext("This request was already decided.")
    ]
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DECLINED
    assert intake.item is None


@pytest.mark.parametrize("who", ["host", "copywriter", "finance", "reviewer"])
def test_people_who_may_not_decide_are_refused(world: World, login: Any, who: str) -> None:
    intake = sample_intake(world)
    user = a1(world).reviewer if who == "reviewer" else staff(world, who)
    session = login(user)
    page = session.get(detail(intake))
    assert page.status_code == 200
    assert not page.context["can_decide"]
    for data in (
        {"decision": "accept", "accounts": [a1(world).account.pk]},
        {"decision": "decline", "decision_note": "no"},
    ):
        assert session.post(detail(intake), data).status_code == 403
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.OPEN


def test_other_agencies_and_clients_cannot_see_or_decide_a_request(
    world: World, login: Any
) -> None:
    intake = sample_intake(world)
    for who in (world.beta.staff[Role.EDITOR], world.beta.admin, a2(world).reviewer):
        session = login(who)
        assert session.get(detail(intake)).status_code == 404
        response = session.post(detail(intake), {"decision": "decline", "decision_note": "x"})
        assert response.status_code == 404
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.OPEN


# --- Query counts ----------------------------------------------------------------------------


def count(session: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = session.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["editor", "reviewer"])
def test_the_list_costs_the_same_queries_for_1_or_20_requests(
    world: World, login: Any, persona: str
) -> None:
    first = submit(world, "请求 0")
    actions.accept_intake(
        actor=actor(staff(world, Role.EDITOR)), intake=first, accounts=[a1(world).account]
    )
    session = login(a1(world).reviewer if persona == "reviewer" else staff(world, Role.EDITOR))
    before = count(session, LIST)
    for i in range(1, 20):
        intake = submit(world, f"请求 {i}", by=staff(world, Role.HOST))
        if i % 3 == 0:
            actions.accept_intake(
                actor=actor(staff(world, Role.EDITOR)), intake=intake, accounts=[a1(world).account]
            )
        elif i % 3 == 1:
            actions.decline_intake(
                actor=actor(staff(world, Role.EDITOR)), intake=intake, note="不做"
            )
    assert count(session, LIST) == before
