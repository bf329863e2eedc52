"""The material library pages: uploads, scoped downloads and thumbnails, the monthly archive and
its ZIP."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from yunying.accounts import actions as account_actions
from yunying.editorial import actions
from yunying.editorial.choices import ContentKind, MaterialKind, MaterialOwner, State
from yunying.editorial.models import ContentItem, Material
from yunying.editorial.tests.helpers import make_item, walk
from yunying.editorial.tests.library_samples import png_bytes, png_upload, sample_material
from yunying.editorial.views.materials import manifest_header, shift_month
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db

UPLOAD = reverse("editorial:material_upload")
LIST = reverse("editorial:material_list")
ARCHIVE = reverse("editorial:material_archive")
ZIP = reverse("editorial:material_archive_zip")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> Path:
    """Uploads of a test go to its own folder, never into the data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def staff(world: World, role: str) -> Any:
    return world.alpha.staff[role]


def a1(world: World) -> Any:
    return world.alpha.clients[0]


def a2(world: World) -> Any:
    return world.alpha.clients[1]


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def upload_form(client_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "client": client_id,
        "kind": MaterialKind.IMAGE,
        "title": "门店外景",
        "file": png_upload("storefront.png"),
        "owner": MaterialOwner.AGENCY,
        "licence_note": "摄影师授权,限本账号使用",
        **fields,
    }


def published(world: World, title: str, *, url: str, body: str = "<p>正文</p>") -> ContentItem:
    """An article of a1 published by hand just now, approved at version 2."""
    item = make_item(world, title=title, body="<p>初稿</p>")
    actions.edit_item(
        actor=actor(staff(world, Role.COPYWRITER)),
        item=item,
        draft=actions.Draft(title=title, body=body, note="定稿"),
    )
    walk(world, item, State.SCHEDULED)
    actions.record_publication(
        actor=actor(staff(world, Role.EDITOR)),
        item=item,
        url=url,
        published_at=timezone.now() - dt.timedelta(seconds=1),
    )
    item.refresh_from_db()
    return item


# --- Upload ------------------------------------------------------------------------------------


def test_editor_uploads_an_image_into_this_months_archive(
    world: World, login: Any, settings: Any
) -> None:
    response = login(staff(world, Role.EDITOR)).post(UPLOAD, upload_form(a1(world).client.pk))
    assert response.status_code == 302
    material = Material.objects.get(title="门店外景")
    assert material.client == a1(world).client
    assert material.owner == MaterialOwner.AGENCY
    assert material.licence_note == "摄影师授权,限本账号使用"
    assert material.archive_month == this_month()
    assert material.size == len(png_bytes())
    assert (Path(settings.MEDIA_ROOT) / material.file.name).read_bytes() == png_bytes()


def test_the_title_defaults_to_the_file_name(world: World, login: Any) -> None:
    form = upload_form(a1(world).client.pk, title="", file=png_upload("新品海报.png"))
    assert login(staff(world, Role.EDITOR)).post(UPLOAD, form).status_code == 302
    assert Material.objects.filter(title="新品海报").exists()


def test_upload_errors_are_shown_by_field(world: World, login: Any) -> None:
    form = upload_form(a1(world).client.pk, kind="", owner="nobody")
    del form["file"]
    response = login(staff(world, Role.EDITOR)).post(UPLOAD, form)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"kind", "file", "owner"}
    assert not Material.objects.filter(title="门店外景").exists()


def test_an_image_that_is_not_a_raster_image_is_refused_on_the_file_field(
    world: World, login: Any
) -> None:
    svg = SimpleUploadedFile("logo.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    response = login(staff(world, Role.EDITOR)).post(
        UPLOAD, upload_form(a1(world).client.pk, file=svg)
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file"]


def test_a_document_may_be_any_file(world: World, login: Any) -> None:
    brief = SimpleUploadedFile("brief.pdf", b"%PDF-1.4 brief", content_type="application/pdf")
    form = upload_form(a1(world).client.pk, kind=MaterialKind.DOCUMENT, title="需求", file=brief)
    assert login(staff(world, Role.EDITOR)).post(UPLOAD, form).status_code == 302
    assert Material.objects.get(title="需求").kind == MaterialKind.DOCUMENT


def test_client_reviewer_uploads_for_own_client_and_the_client_owns_the_copyright(
    world: World, login: Any
) -> None:
    reviewer = login(a1(world).reviewer)
    page = reviewer.get(UPLOAD)
    assert page.status_code == 200
    assert "owner" not in page.context["form"].fields
    # Even a forged owner field does not make the client's upload the agency's.
    response = reviewer.post(UPLOAD, upload_form(a1(world).client.pk))
    assert response.status_code == 302
    assert Material.objects.get(title="门店外景").owner == MaterialOwner.CLIENT


def test_client_reviewer_cannot_upload_for_another_client(world: World, login: Any) -> None:
    reviewer = login(a1(world).reviewer)
    for other in (a2(world).client, world.beta.clients[0].client):
        response = reviewer.post(UPLOAD, upload_form(other.pk))
        assert response.status_code == 400
        assert "client" in response.context["form"].errors
    assert not Material.objects.filter(title="门店外景").exists()


def test_the_upload_action_refuses_another_clients_library(world: World) -> None:
    for who, client in (
        (a1(world).reviewer, a2(world).client),
        (world.beta.admin, a1(world).client),
    ):
        with pytest.raises(PermissionDenied):
            actions.upload_material(
                actor=actor(who),
                client=client,
                kind=MaterialKind.IMAGE,
                title="x",
                file=png_upload(),
                owner=MaterialOwner.CLIENT,
            )


@pytest.mark.parametrize("role", [Role.HOST, Role.FINANCE])
def test_staff_outside_the_content_team_cannot_upload(world: World, login: Any, role: str) -> None:
    client = login(staff(world, role))
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, upload_form(a1(world).client.pk)).status_code == 403
    assert not Material.objects.filter(title="门店外景").exists()


# --- Download and thumbnails ----------------------------------------------------------------


def test_download_serves_the_file_as_an_attachment_named_after_the_title(
    world: World, login: Any
) -> None:
    material = sample_material(world)
    response = login(a1(world).reviewer).get(
        reverse("editorial:material_download", args=[material.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Disposition"] == (
        'attachment; filename="material of alpha client a1.png"'
    )
    # Whatever the file is, the browser must not run it in our origin.
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("route", ["material_download", "material_thumbnail"])
def test_other_agencies_and_other_clients_get_404_for_files(
    world: World, login: Any, route: str
) -> None:
    url = reverse(f"editorial:{route}", args=[sample_material(world).pk])
    for who in (world.beta.admin, world.beta.staff[Role.EDITOR], a2(world).reviewer):
        assert login(who).get(url).status_code == 404
    assert login(staff(world, Role.EDITOR)).get(url).status_code == 200


def test_stored_files_have_no_public_address(world: World, login: Any) -> None:
    material = sample_material(world)
    response = login(world.beta.admin).get(f"/media/{material.file.name}")
    assert response.status_code == 404


def test_the_thumbnail_is_a_small_jpeg(world: World, login: Any) -> None:
    material = actions.upload_material(
        actor=actor(staff(world, Role.EDITOR)),
        client=a1(world).client,
        kind=MaterialKind.IMAGE,
        title="big",
        file=png_upload("big.png", size=(1200, 800)),
        owner=MaterialOwner.CLIENT,
    )
    response = login(staff(world, Role.EDITOR)).get(
        reverse("editorial:material_thumbnail", args=[material.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "JPEG"
        assert image.size == (320, 213)


def test_documents_have_no_thumbnail(world: World, login: Any) -> None:
    material = actions.upload_material(
        actor=actor(staff(world, Role.EDITOR)),
        client=a1(world).client,
        kind=MaterialKind.DOCUMENT,
        title="doc",
        file=SimpleUploadedFile("doc.txt", b"text"),
        owner=MaterialOwner.CLIENT,
    )
    url = reverse("editorial:material_thumbnail", args=[material.pk])
    assert login(staff(world, Role.EDITOR)).get(url).status_code == 404


# --- The list ----------------------------------------------------------------------------------


def titles(response: Any) -> set[str]:
    return {m.title for m in response.context["object_list"]}


def test_list_filters_by_client_kind_owner_and_month(world: World, login: Any) -> None:
    photo = sample_material(world)
    other = sample_material(world, 1)
    editor = actor(staff(world, Role.EDITOR))
    agency_doc = actions.upload_material(
        actor=editor,
        client=a1(world).client,
        kind=MaterialKind.DOCUMENT,
        title="agency doc",
        file=SimpleUploadedFile("d.txt", b"d"),
        owner=MaterialOwner.AGENCY,
    )
    client = login(staff(world, Role.EDITOR))
    everything = {photo.title, other.title, agency_doc.title}
    assert titles(client.get(LIST)) == everything
    a1_id = a1(world).client.pk
    assert titles(client.get(LIST, {"client": a1_id})) == {photo.title, agency_doc.title}
    assert titles(client.get(LIST, {"kind": "document"})) == {agency_doc.title}
    assert titles(client.get(LIST, {"owner": "client"})) == {photo.title, other.title}
    assert titles(client.get(LIST, {"month": this_month()})) == everything
    assert titles(client.get(LIST, {"month": shift_month(this_month(), -1)})) == set()


def test_client_reviewer_lists_only_own_clients_library(world: World, login: Any) -> None:
    mine, theirs = sample_material(world), sample_material(world, 1)
    page = login(a1(world).reviewer).get(LIST)
    assert titles(page) == {mine.title}
    assert theirs.title not in page.content.decode()


def test_the_list_shows_thumbnails_of_images(world: World, login: Any) -> None:
    material = sample_material(world)
    page = login(staff(world, Role.EDITOR)).get(LIST).content.decode()
    assert reverse("editorial:material_thumbnail", args=[material.pk]) in page
    assert reverse("editorial:material_download", args=[material.pk]) in page


# --- The monthly archive ---------------------------------------------------------------------


def test_archive_page_shows_the_months_materials_and_published_items(
    world: World, login: Any
) -> None:
    material = sample_material(world)
    item = published(world, "国庆活动回顾", url="https://mp.weixin.qq.com/s/review")
    page = login(a1(world).reviewer).get(
        ARCHIVE, {"month": this_month(), "client": a1(world).client.pk}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert material.title in body
    assert item.title in body
    assert "https://mp.weixin.qq.com/s/review" in body
    assert [(i.pk, v.number) for i, v in page.context["archive"].entries()] == [(item.pk, 2)]


def test_archive_of_another_month_is_empty(world: World, login: Any) -> None:
    sample_material(world)
    published(world, "国庆活动回顾", url="https://mp.weixin.qq.com/s/review")
    page = login(staff(world, Role.EDITOR)).get(ARCHIVE, {"month": shift_month(this_month(), 1)})
    archive = page.context["archive"]
    assert archive.materials == []
    assert archive.items == []


def test_archive_of_another_agencys_client_is_404(world: World, login: Any) -> None:
    for who in (world.beta.admin, a2(world).reviewer):
        client = login(who)
        query = {"month": this_month(), "client": a1(world).client.pk}
        assert client.get(ARCHIVE, query).status_code == 404
        assert client.get(ZIP, query).status_code == 404


def read_zip(response: Any) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def manifest(bundle: zipfile.ZipFile) -> list[list[str]]:
    text = bundle.read("manifest.csv").decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_archive_zip_holds_the_files_the_items_approved_versions_and_a_manifest(
    world: World, login: Any
) -> None:
    material = sample_material(world)
    item = published(
        world, "国庆活动回顾", url="https://mp.weixin.qq.com/s/review", body="<p>定稿正文</p>"
    )
    response = login(staff(world, Role.ACCOUNT_MANAGER)).get(
        ZIP, {"month": this_month(), "client": a1(world).client.pk}
    )
    bundle = read_zip(response)
    assert "attachment;" in response["Content-Disposition"]
    rows = manifest(bundle)
    with translation.override("zh-hans"):
        assert rows[0] == manifest_header()
        kinds = {gettext("Material"), gettext("Published item")}
    by_title = {row[1]: row for row in rows[1:]}
    assert set(by_title) == {material.title, item.title}
    assert {row[0] for row in rows[1:]} == kinds
    assert bundle.read(by_title[material.title][9]) == png_bytes()
    item_row = by_title[item.title]
    assert item_row[7] == "https://mp.weixin.qq.com/s/review"
    assert item_row[8] == "v2"
    page = bundle.read(item_row[9]).decode()
    assert "定稿正文" in page
    assert "初稿" not in page
    assert "https://mp.weixin.qq.com/s/review" in page
    assert timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M") in page


def test_an_articles_page_is_sanitised_and_shows_its_library_images_from_the_zip(
    world: World, login: Any
) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=40), tick=True):
        earlier = actions.upload_material(
            actor=actor(staff(world, Role.EDITOR)),
            client=a1(world).client,
            kind=MaterialKind.IMAGE,
            title="上月的图",
            file=png_upload("earlier.png"),
            owner=MaterialOwner.CLIENT,
        )
    assert earlier.archive_month != this_month()
    src = reverse("editorial:material_thumbnail", args=[earlier.pk])
    item = published(
        world,
        "图文回顾",
        url="https://mp.weixin.qq.com/s/img",
        body=f'<p>看图</p><img src="{src}" alt="门店"><script>alert(1)</script>',
    )
    archive_page = login(staff(world, Role.EDITOR)).get(ARCHIVE, {"month": this_month()})
    assert [m.pk for m in archive_page.context["archive"].used] == [earlier.pk]
    bundle = read_zip(login(staff(world, Role.EDITOR)).get(ZIP, {"month": this_month()}))
    rows = {row[1]: row for row in manifest(bundle)[1:]}
    image_path = rows["上月的图"][9]
    assert bundle.read(image_path) == png_bytes()
    page = bundle.read(rows[item.title][9]).decode()
    assert f'src="../{image_path}"' in page
    assert "<script>" not in page
    assert "alert(1)" not in page


def test_a_published_videos_page_holds_script_subtitles_voiceover_and_music(
    world: World, login: Any
) -> None:
    douyin = account_actions.create_account(
        actor=actor(world.alpha.admin),
        client=a1(world).client,
        platform="douyin",
        platform_id="dy-a1-archive",
        display_name="alpha douyin a1",
        login="dy-a1",
        password="Douyin-pass-1",
    )
    item = actions.create_item(
        actor=actor(staff(world, Role.EDITOR)),
        client=a1(world).client,
        kind=ContentKind.DOUYIN_VIDEO,
        draft=actions.Draft(
            title="探店视频",
            script="镜头一:门头",
            subtitles="欢迎光临",
            voiceover="旁白一句",
            music="轻快吉他",
        ),
        accounts=[douyin],
    )
    walk(world, item, State.SCHEDULED)
    actions.record_publication(
        actor=actor(staff(world, Role.EDITOR)), item=item, url="https://v.douyin.com/abc/"
    )
    bundle = read_zip(login(a1(world).reviewer).get(ZIP, {"month": this_month()}))
    (name,) = [n for n in bundle.namelist() if n.startswith("items/")]
    page = bundle.read(name).decode()
    for text in (
        "镜头一:门头",
        "欢迎光临",
        "旁白一句",
        "轻快吉他",
        "https://v.douyin.com/abc/",
        "v1",
    ):
        assert text in page


def test_another_agency_downloads_an_archive_without_alpha_content(
    world: World, login: Any
) -> None:
    sample_material(world)
    published(world, "国庆活动回顾", url="https://mp.weixin.qq.com/s/review")
    bundle = read_zip(login(world.beta.admin).get(ZIP, {"month": this_month()}))
    assert manifest(bundle)[1:] == []
    assert bundle.namelist() == ["manifest.csv"]


# --- Query counts ----------------------------------------------------------------------------


def count_queries(client: Any, url: str, query: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def grow_library(world: World, n: int) -> None:
    editor = actor(staff(world, Role.EDITOR))
    for i in range(n):
        actions.upload_material(
            actor=editor,
            client=a1(world).client if i % 2 else a2(world).client,
            kind=MaterialKind.IMAGE,
            title=f"growth {i}",
            file=png_upload(f"g{i}.png"),
            owner=MaterialOwner.AGENCY,
        )


@pytest.mark.parametrize("route", [LIST, ARCHIVE, ZIP])
def test_library_pages_cost_the_same_queries_for_1_or_20_materials(
    world: World, login: Any, route: str
) -> None:
    sample_material(world)
    published(world, "月度篇目 1", url="https://mp.weixin.qq.com/s/1")
    client = login(staff(world, Role.EDITOR))
    query = {"month": this_month()}
    before = count_queries(client, route, query)
    grow_library(world, 19)
    for i in range(3):
        published(world, f"月度篇目 {i + 2}", url=f"https://mp.weixin.qq.com/s/{i + 2}")
    assert count_queries(client, route, query) == before
