"""Pages: the content items — list, create, edit, detail with the workflow buttons, the diff
between versions, and recording a post published by hand.

Client reviewers reach items only from client review on (and the ones they returned): the
internal drafts, findings and team comments are not theirs to read. Their page for an item is
the review page (``review.py``); the detail page sends them there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from yunying.core.views import ScopedListView, add_action_errors, run_action
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor, actor_for
from yunying.workdays.services import missing_year_message

from .. import actions, checking, runs, sanitize, workflow
from ..choices import CLIENT_STATES, EDITABLE_STATES, KIND_PLATFORMS, ContentKind, State
from ..diff import PartDiff, diff_parts
from ..forms import VIDEO_PART_KINDS, ItemForm, PublishedForm, TransitionForm
from ..models import TEXT_PARTS, ContentItem, ContentVersion, Material, StateChange
from ..sanitize import Mark, Rendered
from ..visibility import visible_items

VIEW = "editorial.view_contentitem"


# Button labels for moves whose target name alone would not say what happens.
MOVE_LABELS = {
    State.CLIENT_REVIEW: gettext_lazy("Submit for the client's review"),
    State.RETURNED: gettext_lazy("Return for revision"),
    State.WITHDRAWN: gettext_lazy("Withdraw"),
    State.ARCHIVED: gettext_lazy("Archive"),
    State.SCHEDULED: gettext_lazy("Approve for publishing"),
}


# --- Shared by the item pages and the review page ----------------------------------------------


def get_item(actor: Actor, pk: int) -> ContentItem:
    item = (
        visible_items(actor)
        .select_related("client", "column", "editor", "author", "created_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404(ContentItem._meta.verbose_name)
    return item


def image_prefixes() -> tuple[str, ...]:
    """Where article images may come from: the material library's scoped views (uploaded files
    have no public URL; ``MEDIA_URL`` is not served)."""
    return (reverse("editorial:material_list"),)


def cover_url(material: Material | None) -> str:
    """The cover as the library's re-encoded image (no uploaded bytes reach the page)."""
    if material is None:
        return ""
    return reverse("editorial:material_thumbnail", args=[material.pk])


def is_html(kind: str) -> bool:
    """Only articles have a rich-text body; other kinds' body is plain text."""
    return kind == ContentKind.WECHAT_ARTICLE


PART_LABELS = {
    "title": gettext_lazy("title"),
    "body": gettext_lazy("body"),
    "script": gettext_lazy("script"),
    "subtitles": gettext_lazy("subtitles"),
    "voiceover": gettext_lazy("voice-over"),
    "music": gettext_lazy("music notes"),
    "cover": gettext_lazy("cover"),
}


def part_label(name: str, kind: str) -> str:
    if name == "body" and kind in VIDEO_PART_KINDS:
        return str(gettext_lazy("description"))
    return str(PART_LABELS[name])


@dataclass(frozen=True)
class ShownPart:
    """One text part of a version as the page shows it."""

    name: str
    label: str
    html: SafeString
    rendered: Rendered
    rich: bool


def render_part(
    version: ContentVersion, kind: str, name: str, marks: tuple[Mark, ...] = ()
) -> ShownPart:
    text = getattr(version, name)
    rich = name == "body" and is_html(kind)
    if rich:
        shown = sanitize.render(text, image_prefixes=image_prefixes(), marks=marks)
    else:
        shown = sanitize.render_text(text, marks=marks)
    # Safe: the sanitiser emits only allowed tags and escapes every text and attribute.
    return ShownPart(name, part_label(name, kind), mark_safe(shown.html), shown, rich)  # noqa: S308


def render_parts(
    version: ContentVersion, kind: str, marks: dict[str, tuple[Mark, ...]] | None = None
) -> list[ShownPart]:
    """The non-empty parts after the title, in display order."""
    marks = marks or {}
    return [
        render_part(version, kind, name, marks.get(name, ()))
        for name in TEXT_PARTS
        if getattr(version, name)
    ]


def deadline_explanation(item: ContentItem) -> str:
    """How the review deadline was set, from the rule stored when the review started:
    "2026-09-30 + 3 working days = 2026-10-10 (contract XH-2026-002)"."""
    rule = item.review_rule or {}
    if not rule:
        return ""
    source = (
        _("contract %(number)s") % {"number": rule["contract"]}
        if rule.get("contract")
        else _("agency default")
    )
    if rule.get("due") is None and rule.get("missing_year"):
        return _("%(start)s + %(n)d working days (%(source)s): %(missing)s") % {
            "start": rule["start"],
            "n": rule["working_days"],
            "source": source,
            "missing": missing_year_message(int(rule["missing_year"])),
        }
    return _("%(start)s + %(n)d working days = %(due)s (%(source)s)") % {
        "start": rule.get("start"),
        "n": rule.get("working_days", 0),
        "due": rule.get("due"),
        "source": source,
    }


def review_overdue(item: ContentItem, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    due = item.review_due
    return item.state == State.CLIENT_REVIEW and due is not None and today > due


# --- List ------------------------------------------------------------------------------------


class ItemListView(ScopedListView):
    """The Content menu's landing page."""

    model = ContentItem
    permission = VIEW
    template_name = "editorial/items/item_list.html"

    def get_queryset(self) -> Any:
        actor = self.actor
        rows = (
            visible_items(actor)
            .select_related("client")
            .prefetch_related("accounts")
            .order_by("-updated_at", "-id")
        )
        params = self.request.GET
        if params.get("client", "").isdigit():
            rows = rows.filter(client_id=int(params["client"]))
        if params.get("state") in State.values:
            rows = rows.filter(state=params["state"])
        if params.get("kind") in ContentKind.values:
            rows = rows.filter(kind=params["kind"])
        if params.get("mine") and actor.user is not None:
            rows = rows.filter(Q(author=actor.user) | Q(editor=actor.user))
        query = params.get("q", "").strip()
        if query:
            rows = rows.filter(title__icontains=query)
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        actor = self.actor
        staff = actor.client_ids is None
        to_review: list[ContentItem] = []
        if not staff:
            to_review = list(
                visible_items(actor)
                .filter(state=State.CLIENT_REVIEW)
                .select_related("client")
                .prefetch_related("accounts")
                .order_by("review_due", "id")
            )
        params = self.request.GET
        return super().get_context_data(
            staff=staff,
            to_review=to_review,
            clients=Client.objects.visible_to(actor),
            states=State.choices if staff else [(s, s.label) for s in State if s in CLIENT_STATES],
            kinds=ContentKind.choices,
            filtered=any(params.get(k) for k in ("client", "state", "kind", "mine", "q")),
            can_add=policy.can(actor, "editorial.add_contentitem"),
            today=timezone.localdate(),
            **kwargs,
        )


item_list = ItemListView.as_view()


# --- Create and edit -------------------------------------------------------------------------


def _form_page(
    request: HttpRequest, form: ItemForm, *, item: ContentItem | None, status: int
) -> HttpResponse:
    return render(
        request,
        "editorial/items/item_form.html",
        {
            "form": form,
            "item": item,
            "kind_platforms": {str(k): sorted(v) for k, v in KIND_PLATFORMS.items()},
            "video_kinds": sorted(str(k) for k in VIDEO_PART_KINDS),
            "article_kind": ContentKind.WECHAT_ARTICLE.value,
        },
        status=status,
    )


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, "editorial.add_contentitem")
    initial = {k: request.GET[k] for k in ("client", "kind") if request.GET.get(k)}
    form = ItemForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, item = run_action(
            form,
            lambda: actions.create_item(
                actor=actor,
                client=data["client"],
                kind=data["kind"],
                draft=form.draft(),
                planned_at=data.get("planned_at"),
                **form.targets(),
            ),
        )
        if ok:
            messages.success(request, _("Item created as version 1."))
            return redirect(actions.item_url(item))
    return _form_page(request, form, item=None, status=400 if request.method == "POST" else 200)


@transaction.atomic
def _save_edit(
    actor: Actor, item: ContentItem, form: ItemForm, current: ContentVersion
) -> tuple[ContentVersion | None, bool]:
    """Edit, and move the planned time if it changed; one transaction, so a refused edit moves
    nothing. Returns the new version (if the text changed) and whether anything changed."""
    targets = form.targets()
    meta_changed = (
        targets["column"] != item.column
        or targets["article_slot"] != item.article_slot
        or {a.pk for a in targets["accounts"]} != {a.pk for a in item.accounts.all()}
        or {m.pk for m in targets["attachments"]} != {m.pk for m in item.attachments.all()}
    )
    version = actions.edit_item(actor=actor, item=item, draft=form.draft(current), **targets)
    planned_at = form.cleaned_data.get("planned_at")
    moved = planned_at != item.planned_at
    if moved:
        actions.reschedule(actor=actor, item=item, planned_at=planned_at)
    return version, version is not None or meta_changed or moved


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "editorial.change_contentitem")
    item = get_item(actor, pk)
    current = item.versions.select_related("cover").get(number=item.version)
    if request.method != "POST" and item.state not in EDITABLE_STATES:
        messages.error(
            request,
            _("%(state)s items cannot be edited; return the item for revision first.")
            % {"state": item.get_state_display()},
        )
        return redirect(actions.item_url(item))
    form = ItemForm(request.POST or None, actor=actor, item=item, version=current)
    if request.method == "POST" and form.is_valid():
        ok, result = run_action(form, lambda: _save_edit(actor, item, form, current))
        if ok:
            version, changed = result
            if version is not None:
                messages.success(
                    request, _("Saved as version %(number)d.") % {"number": version.number}
                )
            elif changed:
                messages.success(request, _("Saved. The text did not change, so no new version."))
            else:
                messages.info(request, _("Nothing changed; nothing was saved."))
            return redirect(actions.item_url(item))
    return _form_page(request, form, item=item, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def item_preview(request: HttpRequest) -> HttpResponse:
    """The article body as readers will see it (sanitised), for the form's live preview."""
    actor = actor_for(request)
    if not (
        policy.can(actor, "editorial.add_contentitem")
        or policy.can(actor, "editorial.change_contentitem")
    ):
        raise PermissionDenied
    return HttpResponse(
        sanitize.sanitize(request.POST.get("body", ""), image_prefixes=image_prefixes())
    )


# --- Detail, moves and manual publishing ---------------------------------------------------


def _gate_marks(change: StateChange | None) -> dict[str, tuple[Mark, ...]]:
    marks: dict[str, list[Mark]] = {}
    for finding in change.findings if change is not None else []:
        title = f"{finding.get('message', '')} — {finding.get('source', '')}".strip(" —")
        marks.setdefault(finding.get("field", ""), []).append(
            Mark(int(finding.get("start", 0)), int(finding.get("end", 0)), title)
        )
    return {part: tuple(found) for part, found in marks.items()}


def _last_gate(changes: list[StateChange]) -> StateChange | None:
    for change in reversed(changes):
        move = workflow.find(change.source, change.target)
        if move is not None and move.gate:
            return change
    return None


def _warnings_to_pass(item: ContentItem, changes: list[StateChange]) -> list[str]:
    """Terms the check warned about when the item entered supervisor review: the supervisor
    passes them to the client only with a reason."""
    if item.state != State.SUPERVISOR_REVIEW:
        return []
    entered = next((c for c in reversed(changes) if c.target == State.SUPERVISOR_REVIEW), None)
    if entered is None:
        return []
    return sorted(
        {str(f.get("text")) for f in entered.findings if f.get("severity") == checking.WARN}
    )


def _moves(actor: Actor, item: ContentItem, warned: list[str]) -> list[dict[str, Any]]:
    if not policy.can(actor, "editorial.transition_contentitem"):
        return []
    moves = []
    for move in workflow.moves_from(item.state, actor.roles):
        if move.target == State.PUBLISHED:
            continue  # recorded with its address by the "published by hand" form
        target = State(move.target)
        label = MOVE_LABELS.get(target) or _("Move to %(state)s") % {"state": target.label}
        moves.append(
            {
                "target": target.value,
                "label": label,
                "needs_comment": move.needs_comment,
                "needs_override": bool(warned)
                and item.state == State.SUPERVISOR_REVIEW
                and target == State.CLIENT_REVIEW,
            }
        )
    return moves


def _detail_context(actor: Actor, item: ContentItem) -> dict[str, Any]:
    versions = list(item.versions.select_related("created_by", "cover").order_by("-number"))
    current = next(v for v in versions if v.number == item.version)
    changes = list(item.changes.select_related("actor"))
    gate = _last_gate(changes)
    # Findings point into the text they were found in; a later version would mark wrong places.
    marks = _gate_marks(gate) if gate is not None and gate.version == item.version else {}
    warned = _warnings_to_pass(item, changes)
    comments = list(item.comments.select_related("author"))
    for comment in comments:
        comment.part_label = part_label(comment.part, item.kind) if comment.part else ""  # type: ignore[attr-defined]
    findings = [
        {**f, "part": part_label(f["field"], item.kind) if f.get("field") in PART_LABELS else ""}
        for f in (gate.findings if gate is not None else [])
    ]
    may_publish = (
        item.state == State.SCHEDULED
        and policy.can(actor, "editorial.publish_contentitem")
        and any(m.target == State.PUBLISHED for m in workflow.moves_from(item.state, actor.roles))
    )
    silence = runs.silence_days(item) if item.state == State.CLIENT_REVIEW else None
    return {
        "item": item,
        "current": current,
        "title_html": render_part(current, item.kind, "title", marks.get("title", ())).html,
        "parts": [p for p in render_parts(current, item.kind, marks) if p.name != "title"],
        "cover_url": cover_url(current.cover),
        "accounts": list(item.accounts.all()),
        "attachments": list(item.attachments.all()),
        "versions": versions,
        "changes": changes,
        "gate": gate,
        "gate_stale": gate is not None and gate.version != item.version,
        "warned": warned,
        "comments": comments,
        "findings": findings,
        "publications": list(item.publications.select_related("account")),
        "moves": _moves(actor, item, warned),
        "may_edit": item.state in EDITABLE_STATES
        and policy.can(actor, "editorial.change_contentitem"),
        "may_publish": may_publish,
        "published_form": PublishedForm(),
        "deadline": deadline_explanation(item),
        "overdue": review_overdue(item),
        "silence_days": silence,
        "silence_text": ngettext("%(n)d working day", "%(n)d working days", silence or 0)
        % {"n": silence or 0},
        "max_rounds": (item.review_rule or {}).get("max_revision_rounds"),
    }


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, VIEW)
    item = get_item(actor, pk)
    if actor.client_ids is not None:
        return redirect(actions.review_url(item))
    return render(request, "editorial/items/item_detail.html", _detail_context(actor, item))


def _refused(request: HttpRequest, actor: Actor, item: ContentItem, **forms: Any) -> HttpResponse:
    """The item page again, with the refused form and its errors (400)."""
    context = _detail_context(actor, item)
    context.update(forms)
    return render(request, "editorial/items/item_detail.html", context, status=400)


@require_POST
@login_required
def item_transition(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "editorial.transition_contentitem")
    item = get_item(actor, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ok, change = run_action(
            form,
            lambda: actions.transition(
                actor=actor,
                item=item,
                target=data["target"],
                comment=data["comment"],
                override_reason=data["override_reason"],
            ),
        )
        if ok:
            messages.success(
                request, _("Moved to %(state)s.") % {"state": State(change.target).label}
            )
            if actor.client_ids is not None:
                return redirect(actions.review_url(item))
            return redirect(actions.item_url(item))
    if actor.client_ids is not None:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(actions.review_url(item))
    return _refused(
        request, actor, item, move_form=form, move_target=request.POST.get("target", "")
    )


@require_POST
@login_required
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a post the operator published by hand (address and time)."""
    actor = policy.actor_with(request, "editorial.publish_contentitem")
    item = get_item(actor, pk)
    form = PublishedForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_publication(
                actor=actor, item=item, url=data["url"], published_at=data.get("published_at")
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Publication recorded."))
            return redirect(actions.item_url(item))
    return _refused(request, actor, item, published_form=form, published_failed=True)


# --- Diff ------------------------------------------------------------------------------------

DIFF_PARTS = ("title", "body", "script", "subtitles", "voiceover", "music", "cover")


def _version_text(version: ContentVersion) -> dict[str, str]:
    parts = version.parts()
    parts["cover"] = version.cover.title if version.cover is not None else ""
    return parts


@login_required
def item_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two versions (``?a=1&b=3``; by default the last two)."""
    actor = policy.actor_with(request, VIEW)
    if actor.client_ids is not None:
        raise Http404(ContentItem._meta.verbose_name)  # the team's drafts are not the client's
    item = get_item(actor, pk)
    versions = {v.number: v for v in item.versions.select_related("cover", "created_by")}

    def number(key: str, default: int) -> int:
        raw = request.GET.get(key, "")
        return int(raw) if raw.isdigit() else default

    b = number("b", item.version)
    a = number("a", max(b - 1, 1))
    if a not in versions or b not in versions:
        raise Http404(_("No such version."))
    old, new = versions[a], versions[b]
    html_parts = ("body",) if is_html(item.kind) else ()
    diffs: list[PartDiff] = diff_parts(
        _version_text(old), _version_text(new), DIFF_PARTS, html_parts=html_parts
    )
    shown = [
        {"name": d.name, "label": part_label(d.name, item.kind), "html": mark_safe(d.html)}  # noqa: S308 - escaped by diff.render
        for d in diffs
        if d.changed
    ]
    unchanged = [
        part_label(d.name, item.kind)
        for d in diffs
        if not d.changed and (_version_text(old)[d.name] or _version_text(new)[d.name])
    ]
    return render(
        request,
        "editorial/items/item_diff.html",
        {
            "item": item,
            "old": old,
            "new": new,
            "versions": sorted(versions.values(), key=lambda v: v.number),
            "diffs": shown,
            "unchanged": unchanged,
        },
    )


urls: list[URLPattern] = [
    path("", item_list, name="item_list"),
    path("new/", item_create, name="item_create"),
    path("preview/", item_preview, name="item_preview"),
    path("<int:pk>/", item_detail, name="item_detail"),
    path("<int:pk>/edit/", item_edit, name="item_edit"),
    path("<int:pk>/move/", item_transition, name="item_transition"),
    path("<int:pk>/published/", item_publish, name="item_publish"),
    path("<int:pk>/diff/", item_diff, name="item_diff"),
]
