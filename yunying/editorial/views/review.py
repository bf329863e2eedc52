"""Page: the client's review of an item, made for a phone.

The reviewer reads the whole item (for a video: cover, script, subtitles, voice-over and music
notes), selects passages and remarks on them, then approves or returns it with a summary; the
remarks and the decision go in one request. Staff open the same page to see what the client
sees, without the decision form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from yunying.core.views import run_action
from yunying.tenancy import policy
from yunying.tenancy.scoping import Actor

from .. import actions, sanitize
from ..choices import State
from ..diff import diff_parts
from ..forms import AnchorFormSet, DecisionForm
from ..models import ContentItem, ContentVersion, StateChange
from .items import (
    VIEW,
    ShownPart,
    cover_url,
    deadline_explanation,
    get_item,
    is_html,
    part_label,
    render_parts,
    review_overdue,
)


def is_items_reviewer(actor: Actor, item: ContentItem) -> bool:
    """The decision belongs to the reviewer of the item's own client."""
    return (
        actor.client_ids is not None
        and item.client_id in actor.client_ids
        and policy.can(actor, "editorial.transition_contentitem")
    )


def _locate(formset: Any, version: ContentVersion, shown: dict[str, ShownPart]) -> list[Any] | None:
    """The remarks as anchors, each quote found in the stored text of its part; a quote that is
    not there is put on its row as an error (and None is returned)."""
    anchors = []
    failed = False
    for form in formset.forms:
        if form.is_blank:
            continue
        data = form.cleaned_data
        part, quote = data["part"], data["quote"]
        start = None
        if quote:
            found = shown.get(part)
            if found is None:
                form.add_error("part", _("This part is empty in the version under review."))
                failed = True
                continue
            start = sanitize.locate(found.rendered, getattr(version, part), quote, data["start"])
            if start is None:
                if quote in found.rendered.text:
                    form.add_error(
                        "quote",
                        _(
                            "The passage runs across formatting (bold, a link, a new paragraph); "
                            "select a shorter passage inside it."
                        ),
                    )
                else:
                    form.add_error("quote", _("The quoted passage is not in this version."))
                failed = True
                continue
        anchors.append(form.anchor(start))
    return None if failed else anchors


@transaction.atomic
def _decide(
    actor: Actor, item: ContentItem, decision: str, summary: str, anchors: list[Any]
) -> StateChange:
    """Approve (remarks are kept as comments) or return with the remarks, all or nothing."""
    if decision == DecisionForm.RETURN:
        return actions.client_return(actor=actor, item=item, summary=summary, anchors=anchors)
    for anchor in anchors:
        actions.add_comment(actor=actor, item=item, anchor=anchor)
    return actions.transition(actor=actor, item=item, target=State.SCHEDULED, comment=summary)


def _decision(item: ContentItem) -> tuple[StateChange | None, list[Any]]:
    """The client's last answer on the item (when it is no longer waiting) and its remarks."""
    if item.state == State.CLIENT_REVIEW:
        return None, []
    change = (
        item.changes.filter(source=State.CLIENT_REVIEW)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if change is None:
        return None, []
    # A return opens the next round; its remarks belong to the round it closed.
    round_ = change.round - 1 if change.target == State.RETURNED else change.round
    remarks = list(
        item.comments.filter(round=round_, version=change.version).select_related("author")
    )
    return change, remarks


def _last_round(item: ContentItem, version: ContentVersion) -> dict[str, Any]:
    """What the client asked for in the previous round, and what changed since."""
    if item.round < 2:
        return {}
    asked = (
        item.changes.filter(source=State.CLIENT_REVIEW, target=State.RETURNED, round=item.round)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if asked is None:
        return {}
    remarks = list(
        item.comments.filter(round=item.round - 1, version=asked.version).select_related("author")
    )
    changes: list[dict[str, Any]] = []
    before = item.versions.select_related("cover").filter(number=asked.version).first()
    if before is not None and before.number != version.number:
        old, new = before.parts(), version.parts()
        old["cover"] = before.cover.title if before.cover else ""
        new["cover"] = version.cover.title if version.cover else ""
        html_parts = ("body",) if is_html(item.kind) else ()
        changes = [
            {
                "label": part_label(d.name, item.kind),
                "html": mark_safe(d.html),  # noqa: S308 - diff.render escapes every text
            }
            for d in diff_parts(old, new, [*old], html_parts=html_parts)
            if d.changed
        ]
    return {"asked": asked, "asked_remarks": remarks, "since": changes}


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, VIEW)
    item = get_item(actor, pk)
    version = item.versions.select_related("cover").get(number=item.version)
    parts = render_parts(version, item.kind)
    shown = {part.name: part for part in parts}
    choices = [(part.name, part.label) for part in parts]
    may_decide = is_items_reviewer(actor, item)
    decision = DecisionForm(request.POST or None)
    remarks = AnchorFormSet(request.POST or None, parts=choices, prefix="remark")
    status = 200
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied(_("Only the client's own reviewer can decide."))
        status = 400
        if item.state != State.CLIENT_REVIEW:
            decision.add_error(None, _("This item is no longer waiting for your review."))
        elif all([decision.is_valid(), remarks.is_valid()]):
            anchors = _locate(remarks, version, shown)
            if anchors is not None:
                data = decision.cleaned_data
                ok, _change = run_action(
                    decision,
                    lambda: _decide(actor, item, data["decision"], data["summary"], anchors),
                )
                if ok:
                    messages.success(request, _("Thank you, your answer is recorded."))
                    return redirect(actions.review_url(item))
    decided, decided_remarks = _decision(item)
    return render(
        request,
        "editorial/review/review.html",
        {
            "item": item,
            "version": version,
            "title_part": shown.get("title"),
            "parts": [part for part in parts if part.name != "title"],
            "cover": version.cover,
            "cover_url": cover_url(version.cover),
            "accounts": list(item.accounts.all()),
            "deadline": deadline_explanation(item),
            "overdue": review_overdue(item),
            "may_decide": may_decide and item.state == State.CLIENT_REVIEW,
            "decision_form": decision,
            "remarks": remarks,
            "decided": decided,
            "decided_remarks": decided_remarks,
            **_last_round(item, version),
        },
        status=status,
    )


urls: list[URLPattern] = [
    path("<int:pk>/review/", review, name="review"),
]
