"""Pages of the material library: the list, uploads, downloads and thumbnails through scoped
views, and the monthly archive (存档) with its ZIP.

Files are never reachable by a public URL: ``MEDIA_URL`` is not served, and every byte goes out
through a view that first finds the row with ``get_visible_or_404``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import mimetypes
import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunying.core.views import ScopedListView, run_action
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor, get_visible_or_404

from .. import actions, sanitize
from ..choices import ContentKind, MaterialKind, MaterialOwner
from ..models import ContentItem, ContentVersion, Material

VIEW = "editorial.view_material"
ADD = "editorial.add_material"
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
THUMBNAIL_PX = 320
# Uploaded files are the client's or the agency's, not ours: a browser must never run them in
# our origin (an SVG or HTML "image" would otherwise be stored cross-site scripting).
UNTRUSTED_FILE_CSP = "default-src 'none'; sandbox"
# A month's archive is assembled in memory up to this size, then on disk.
SPOOL_BYTES = 16 * 1024 * 1024
COPY_CHUNK = 1024 * 1024


# --- Helpers ---------------------------------------------------------------------------------


def parse_month(value: str | None) -> str | None:
    """``"YYYY-MM"`` when ``value`` is one, else None."""
    return value if value and MONTH.match(value) else None


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The month's start and the next month's start, in the local time zone."""
    year, number = int(month[:4]), int(month[5:])
    start = dt.datetime(year, number, 1)
    end = dt.datetime(year + (number == 12), number % 12 + 1, 1)
    return timezone.make_aware(start), timezone.make_aware(end)


def shift_month(month: str, delta: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def original_name(material: Material) -> str:
    """The uploaded file's name, without the folder and the random prefix the storage added."""
    base = posixpath.basename(material.file.name or "")
    prefix, sep, rest = base.partition("-")
    return rest if sep and len(prefix) == 32 else base


def safe_name(text: str, limit: int = 80) -> str:
    """A file name made from a title: no path separators, control or reserved characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", text).strip(" ._")
    return cleaned[:limit] or "file"


def download_name(material: Material) -> str:
    extension = posixpath.splitext(original_name(material))[1][:10]
    return safe_name(material.title) + extension


def _client_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("client", "")
    return int(value) if value.isdigit() else None


def _open(material: Material) -> Any:
    try:
        return material.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("The file is missing from storage.")) from exc


# --- The library -----------------------------------------------------------------------------


class MaterialListView(ScopedListView):
    """The client's library, filtered by client, kind, copyright owner and archive month."""

    model = Material
    permission = VIEW
    template_name = "editorial/materials/material_list.html"

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("client", "uploaded_by")
        query = self.request.GET
        client = _client_filter(self.request)
        if client is not None:
            rows = rows.filter(client_id=client)
        if query.get("kind") in MaterialKind.values:
            rows = rows.filter(kind=query["kind"])
        if query.get("owner") in MaterialOwner.values:
            rows = rows.filter(owner=query["owner"])
        month = parse_month(query.get("month"))
        if month:
            rows = rows.filter(archive_month=month)
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        months = (
            Material.objects.visible_to(self.actor)
            .order_by("-archive_month")
            .values_list("archive_month", flat=True)
            .distinct()
        )
        month = parse_month(self.request.GET.get("month")) or this_month()
        archive = {"month": month}
        client = _client_filter(self.request)
        if client is not None:
            archive["client"] = str(client)
        return super().get_context_data(
            clients=Client.objects.visible_to(self.actor),
            kinds=MaterialKind.choices,
            owners=MaterialOwner.choices,
            months=list(months),
            can_upload=policy.can(self.actor, ADD),
            archive_url=f"{reverse('editorial:material_archive')}?{urlencode(archive)}",
            **kwargs,
        )


class MaterialForm(forms.Form):
    """One file for the library with who owns its copyright."""

    client = forms.ModelChoiceField(label=gettext_lazy("client"), queryset=Client.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=MaterialKind.choices)
    title = forms.CharField(
        label=gettext_lazy("title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Empty: the file's name."),
    )
    file = forms.FileField(label=gettext_lazy("file"))
    owner = forms.ChoiceField(
        label=gettext_lazy("copyright owner"),
        choices=MaterialOwner.choices,
        widget=forms.RadioSelect,
    )
    licence_note = forms.CharField(
        label=gettext_lazy("licence note"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Where it comes from and what its use is limited to."),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        clients = Client.objects.visible_to(actor)
        client_field = self.fields["client"]
        set_queryset(client_field, clients)
        if actor.client_ids is not None:
            # The client answers for the rights of what it provides (seed: 甲方提供的图片
            # 由甲方负责), so its reviewer's uploads are always the client's own.
            del self.fields["owner"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        image = cleaned.get("kind") == MaterialKind.IMAGE
        if upload is not None and image and not is_readable_image(upload):
            self.add_error("file", _("This file is not an image (JPEG, PNG, GIF or WebP)."))
        return cleaned

    def owner_value(self) -> str:
        return str(self.cleaned_data.get("owner") or MaterialOwner.CLIENT)

    def title_or_name(self) -> str:
        upload: UploadedFile = self.cleaned_data["file"]
        given = self.cleaned_data.get("title", "").strip()
        return given or posixpath.splitext(upload.name or "")[0][:200] or str(_("Untitled"))


def set_queryset(field: forms.Field, rows: QuerySet[Any]) -> None:
    """Give a choice field its scoped rows (a typed helper: ``Field`` has no ``queryset``)."""
    if isinstance(field, forms.ModelChoiceField):
        field.queryset = rows


def is_readable_image(upload: UploadedFile) -> bool:
    """Whether Pillow can identify the upload as a raster image; the file is rewound after."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)


@login_required
def material_upload(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, ADD)
    initial: dict[str, Any] = {"client": _client_filter(request)}
    if actor.client_ids is not None and len(actor.client_ids) == 1:
        initial["client"] = next(iter(actor.client_ids))
    form = MaterialForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        actor=actor,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, material = run_action(
            form,
            lambda: actions.upload_material(
                actor=actor,
                client=data["client"],
                kind=data["kind"],
                title=form.title_or_name(),
                file=data["file"],
                owner=form.owner_value(),
                licence_note=data.get("licence_note", ""),
            ),
        )
        if ok:
            messages.success(request, _("“%(title)s” is in the library.") % {"title": material})
            return redirect(f"{reverse('editorial:material_list')}?client={material.client_id}")
    return render(
        request,
        "editorial/materials/material_upload.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file itself, always as an attachment, after the row is found in the actor's scope."""
    actor = policy.actor_with(request, VIEW)
    material = get_visible_or_404(Material, actor, pk=pk)
    name = download_name(material)
    response = FileResponse(
        _open(material),
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    response["Content-Security-Policy"] = UNTRUSTED_FILE_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def material_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    """A small JPEG of an image material, re-encoded so that no uploaded bytes reach the page."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    actor = policy.actor_with(request, VIEW)
    material = get_visible_or_404(Material, actor, pk=pk)
    if material.kind != MaterialKind.IMAGE:
        raise Http404
    out = io.BytesIO()
    try:
        with _open(material) as handle, Image.open(handle) as image:
            image.draft("RGB", (THUMBNAIL_PX, THUMBNAIL_PX))  # JPEG: decode at a smaller scale
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            small.save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise Http404 from exc
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    # A material's file never changes; the browser may keep the thumbnail, but only for itself.
    response["Cache-Control"] = "private, max-age=604800, immutable"
    return response


# --- The monthly archive ---------------------------------------------------------------------

# Text parts of a version other than an article's rich text, in the order the client reviews
# them (seed 000: subtitles, voice-over and music of every video).
PLAIN_PARTS = (
    ("body", gettext_lazy("text")),
    ("script", gettext_lazy("script")),
    ("subtitles", gettext_lazy("subtitles")),
    ("voiceover", gettext_lazy("voice-over")),
    ("music", gettext_lazy("music notes")),
)


@dataclass(frozen=True)
class Archive:
    """What a month's archive holds: the materials filed in it and the items published in it."""

    month: str
    client: Client | None
    materials: list[Material]
    items: list[ContentItem]
    # The version that was published (the approved one) of each item, by item id.
    versions: dict[int, ContentVersion]
    # Material of earlier months that the items use (covers, article images), so that each
    # item's page in the ZIP is complete.
    used: list[Material]

    def entries(self) -> list[tuple[ContentItem, ContentVersion | None]]:
        return [(item, self.versions.get(item.pk)) for item in self.items]


def load_archive(actor: Actor, month: str, client_id: int | None) -> Archive:
    """The month's archive as the actor may see it, in a fixed number of queries."""
    client = get_visible_or_404(Client, actor, pk=client_id) if client_id is not None else None
    materials = Material.objects.visible_to(actor).filter(archive_month=month)
    start, end = month_bounds(month)
    # Every item published in the month, including ones taken down later: the archive is the
    # record of what went out, and a take-down never erases that (seed 000 part 1).
    items = ContentItem.objects.visible_to(actor).filter(
        published_at__gte=start, published_at__lt=end
    )
    if client is not None:
        materials = materials.filter(client=client)
        items = items.filter(client=client)
    item_list = list(
        items.select_related("client").prefetch_related("accounts").order_by("published_at", "pk")
    )
    versions = list(
        ContentVersion.objects.visible_to(actor).filter(
            item__in=[item.pk for item in item_list],
            number=Coalesce(F("item__approved_version"), F("item__version")),
        )
    )
    filed = list(materials.select_related("client", "uploaded_by").order_by("uploaded_at"))
    wanted = {pk for version in versions for pk in used_material_ids(version)}
    wanted -= {material.pk for material in filed}
    used = (
        Material.objects.visible_to(actor)
        .filter(pk__in=wanted, client_id__in={item.client_id for item in item_list})
        .select_related("client", "uploaded_by")
        .order_by("uploaded_at")
    )
    return Archive(
        month=month,
        client=client,
        materials=filed,
        items=item_list,
        versions={version.item_id: version for version in versions},
        used=list(used),
    )


def library_prefix() -> str:
    """Where an article's images may point: the library's own (scoped) file addresses."""
    return reverse("editorial:material_list")


def _library_image() -> re.Pattern[str]:
    return re.compile(r'src="' + re.escape(library_prefix()) + r'(\d+)/(?:download|thumbnail)/"')


def used_material_ids(version: ContentVersion) -> set[int]:
    """The library materials a version shows: its cover and the images in its body."""
    shown = sanitize.sanitize(version.body, image_prefixes=(library_prefix(),))
    found = {int(pk) for pk in _library_image().findall(shown)}
    if version.cover_id is not None:
        found.add(version.cover_id)
    return found


def archived_body(version: ContentVersion, paths: dict[int, str]) -> str:
    """The article's body as shown (sanitised), its library images pointing into the ZIP."""
    body = sanitize.sanitize(version.body, image_prefixes=(library_prefix(),))

    def inside(match: re.Match[str]) -> str:
        name = paths.get(int(match.group(1)))
        return f'src="../{name}"' if name else match.group(0)

    return _library_image().sub(inside, body)


@login_required
def material_archive(request: HttpRequest) -> HttpResponse:
    """A month of one client (or all the actor's clients): materials and published items."""
    actor = policy.actor_with(request, VIEW)
    month = parse_month(request.GET.get("month")) or this_month()
    archive = load_archive(actor, month, _client_filter(request))
    query = {"client": str(archive.client.pk)} if archive.client else {}
    return render(
        request,
        "editorial/materials/archive.html",
        {
            "archive": archive,
            "month": month,
            "clients": Client.objects.visible_to(actor),
            "previous_query": urlencode({**query, "month": shift_month(month, -1)}),
            "next_query": urlencode({**query, "month": shift_month(month, 1)}),
            "zip_query": urlencode({**query, "month": month}),
        },
    )


def _material_path(material: Material) -> str:
    return f"materials/{material.pk}-{safe_name(original_name(material), 120)}"


def _item_path(item: ContentItem) -> str:
    day = timezone.localtime(item.published_at).strftime("%Y-%m-%d") if item.published_at else ""
    return f"items/{day}-{item.pk}-{safe_name(item.title)}.html"


def _zip_time(moment: dt.datetime | None) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(moment) if moment else timezone.localtime()
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def item_document(item: ContentItem, version: ContentVersion | None, paths: dict[int, str]) -> str:
    """One published item as a standalone HTML page: its approved version and where it went."""
    is_article = item.kind == ContentKind.WECHAT_ARTICLE
    parts = []
    if version is not None:
        parts = [
            (label, text)
            for name, label in PLAIN_PARTS
            if (text := getattr(version, name)) and not (is_article and name == "body")
        ]
    cover_id = version.cover_id if version is not None else None
    return render_to_string(
        "editorial/materials/archive_item.html",
        {
            "item": item,
            "version": version,
            "body": archived_body(version, paths) if version is not None and is_article else "",
            "parts": parts,
            "cover_path": paths.get(cover_id) if cover_id is not None else None,
            "published_at": _local(item.published_at),
        },
    )


def _write_file(archive: zipfile.ZipFile, name: str, material: Material) -> bool:
    """Copy a material into the ZIP in chunks; False when storage has lost the file."""
    info = zipfile.ZipInfo(name, date_time=_zip_time(material.uploaded_at))
    # Photos and videos are compressed already; deflating them again costs time for nothing.
    info.compress_type = zipfile.ZIP_STORED
    try:
        with material.file.open("rb") as source, archive.open(info, "w", force_zip64=True) as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
    except (FileNotFoundError, OSError):
        return False
    return True


def manifest_header() -> list[str]:
    return [
        _("type"),
        _("title"),
        _("client"),
        _("kind"),
        _("copyright owner"),
        _("licence note"),
        _("time"),
        _("published URL"),
        _("approved version"),
        _("file in the archive"),
        _("size (bytes)"),
    ]


def write_archive(target: Any, archive: Archive) -> None:
    """The ZIP: every material's file, one HTML page per published item, and ``manifest.csv``."""
    rows: list[list[Any]] = []
    paths: dict[int, str] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for material in [*archive.materials, *archive.used]:
            name = _material_path(material)
            stored = _write_file(bundle, name, material)
            if stored:
                paths[material.pk] = name
            rows.append(
                [
                    _("Material"),
                    material.title,
                    str(material.client),
                    material.get_kind_display(),
                    material.get_owner_display(),
                    material.licence_note,
                    _local(material.uploaded_at),
                    "",
                    "",
                    name if stored else _("missing from storage"),
                    material.size,
                ]
            )
        for item, version in archive.entries():
            name = _item_path(item)
            info = zipfile.ZipInfo(name, date_time=_zip_time(item.published_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, item_document(item, version, paths))
            rows.append(
                [
                    _("Published item"),
                    version.title if version else item.title,
                    str(item.client),
                    item.get_kind_display(),
                    "",
                    "",
                    _local(item.published_at),
                    item.published_url,
                    f"v{version.number}" if version else "",
                    name,
                    "",
                ]
            )
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(manifest_header())
        writer.writerows(rows)
        # With a byte-order mark, Excel and WPS open the Chinese text as UTF-8.
        bundle.writestr("manifest.csv", text.getvalue().encode("utf-8-sig"))


def archive_filename(archive: Archive) -> str:
    who = safe_name(str(archive.client)) if archive.client else _("all clients")
    return f"{_('archive')}-{archive.month}-{who}.zip"


@login_required
def material_archive_zip(request: HttpRequest) -> FileResponse:
    """The month's archive as one ZIP, assembled in a spooled temporary file and streamed."""
    actor = policy.actor_with(request, VIEW)
    month = parse_month(request.GET.get("month"))
    if month is None:
        raise Http404
    archive = load_archive(actor, month, _client_filter(request))
    spool = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    # The archive is a record kept and handed to the client; it reads the same in the product
    # language whoever downloads it.
    with translation.override(settings.LANGUAGE_CODE):
        write_archive(spool, archive)
        filename = archive_filename(archive)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type="application/zip"
    )


urls: list[URLPattern] = [
    path("materials/", MaterialListView.as_view(), name="material_list"),
    path("materials/new/", material_upload, name="material_upload"),
    path("materials/<int:pk>/download/", material_download, name="material_download"),
    path("materials/<int:pk>/thumbnail/", material_thumbnail, name="material_thumbnail"),
    path("materials/archive/", material_archive, name="material_archive"),
    path("materials/archive/zip/", material_archive_zip, name="material_archive_zip"),
]
