"""The write path of the editorial pipeline.

Every action takes ``actor=``, checks the policy and the agency, runs in one transaction and
writes its audit entry. State changes go only through :func:`transition`, which asks the one
table in :mod:`yunying.editorial.workflow`; background tasks act as ``SYSTEM`` and hold only the
``system`` pseudo-role of that table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yunying.accounts.models import PlatformAccount
from yunying.audit.actions import record
from yunying.notify.actions import notify
from yunying.notify.choices import NotificationKind
from yunying.settlement.choices import EventKind
from yunying.settlement.models import ContractEvent
from yunying.tenancy import policy
from yunying.tenancy.actions import client_reviewers, team_people
from yunying.tenancy.choices import Role
from yunying.tenancy.models import Client, TeamMember, User
from yunying.tenancy.scoping import Actor, ensure_same_agency
from yunying.workdays.calendar import MissingCalendarYear
from yunying.workdays.services import add_working_days

from . import checking, workflow
from .choices import (
    EDITABLE_STATES,
    KIND_PLATFORMS,
    ContentKind,
    IntakeChannel,
    IntakeStatus,
    MaterialKind,
    MaterialOwner,
    PublicationStatus,
    PublishMode,
    SilencePolicy,
    State,
)
from .models import (
    TEXT_PARTS,
    Column,
    ContentItem,
    ContentVersion,
    EditorialSettings,
    IntakeRequest,
    Material,
    Publication,
    PublisherConfig,
    PushSlot,
    ReviewComment,
    Score,
    StateChange,
)
from .rules import EditorialRules, rules_for, settings_for

CENT = Decimal("0.01")
MAX_UPLOAD_BYTES = 500 * 1024 * 1024


def _roles(actor: Actor) -> frozenset[str]:
    """The roles the workflow table knows this actor by (background work is ``system``)."""
    return actor.roles if actor.user is not None else frozenset({workflow.SYSTEM})


def item_url(item: ContentItem) -> str:
    return reverse("editorial:item_detail", args=[item.pk])


def review_url(item: ContentItem) -> str:
    return reverse("editorial:review", args=[item.pk])


def _item_params(item: ContentItem) -> dict[str, Any]:
    return {"title": item.title, "client": str(item.client), "item": item.pk}


# --- Items and versions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """The text of a version as entered (all parts optional except the title)."""

    title: str
    body: str = ""
    script: str = ""
    subtitles: str = ""
    voiceover: str = ""
    music: str = ""
    cover: Material | None = None
    note: str = ""

    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_PARTS}


def _check_targets(
    client: Client,
    kind: str,
    accounts: Sequence[PlatformAccount],
    column: Column | None,
    article_slot: str,
    attachments: Sequence[Material],
) -> None:
    errors: dict[str, str] = {}
    if kind not in ContentKind.values:
        errors["kind"] = _("Choose a kind.")
    if not accounts:
        errors["accounts"] = _("Choose at least one target account.")
    for account in accounts:
        if account.client_id != client.pk:
            errors["accounts"] = _("%(account)s does not belong to %(client)s.") % {
                "account": account,
                "client": client,
            }
        elif kind in KIND_PLATFORMS and account.platform not in KIND_PLATFORMS[ContentKind(kind)]:
            errors["accounts"] = _("A %(kind)s cannot go to %(account)s.") % {
                "kind": ContentKind(kind).label,
                "account": account,
            }
    if column is not None and column.client_id != client.pk:
        errors["column"] = _("The column belongs to another client.")
    if article_slot and kind != ContentKind.WECHAT_ARTICLE:
        errors["article_slot"] = _("Only WeChat articles have an A/B/C/D slot.")
    if any(m.client_id != client.pk for m in attachments):
        errors["attachments"] = _("Attachments must come from this client's library.")
    if errors:
        raise ValidationError(errors)


def _check_draft(draft: Draft, client: Client) -> None:
    if not draft.title.strip():
        raise ValidationError({"title": _("Enter a title.")})
    if len(draft.title) > 200:
        raise ValidationError({"title": _("The title is longer than 200 characters.")})
    if draft.cover is not None and draft.cover.client_id != client.pk:
        raise ValidationError({"cover": _("The cover must come from this client's library.")})


def _add_version(item: ContentItem, draft: Draft, actor: Actor) -> ContentVersion:
    item.version += 1
    item.title = draft.title.strip()
    return ContentVersion.objects.create(
        agency_id=item.agency_id,
        client_id=item.client_id,
        item=item,
        number=item.version,
        title=item.title,
        body=draft.body,
        script=draft.script,
        subtitles=draft.subtitles,
        voiceover=draft.voiceover,
        music=draft.music,
        cover=draft.cover,
        note=draft.note.strip()[:200],
        created_by=actor.acting_user(),
    )


@transaction.atomic
def create_item(
    *,
    actor: Actor,
    client: Client,
    kind: str,
    draft: Draft,
    accounts: Sequence[PlatformAccount],
    column: Column | None = None,
    article_slot: str = "",
    planned_at: dt.datetime | None = None,
    attachments: Sequence[Material] = (),
) -> ContentItem:
    """Collect a new item (state ``collected``) with its text as version 1."""
    policy.require(actor, "editorial.add_contentitem")
    ensure_same_agency(actor, client.agency_id)
    _check_draft(draft, client)
    _check_targets(client, kind, accounts, column, article_slot, attachments)
    user = actor.acting_user()
    item = ContentItem(
        agency_id=client.agency_id,
        client=client,
        kind=kind,
        title=draft.title.strip(),
        column=column,
        article_slot=article_slot,
        planned_at=planned_at,
        created_by=user,
        editor=user if Role.EDITOR in actor.roles else None,
    )
    item.save()
    item.accounts.set(accounts)
    item.attachments.set(attachments)
    _add_version(item, draft, actor)
    item.save(update_fields=["version", "title"])
    record(
        actor=actor,
        action="content.create",
        obj=item,
        data={"kind": kind, "accounts": [a.pk for a in accounts], "version": item.version},
    )
    return item


@transaction.atomic
def edit_item(
    *,
    actor: Actor,
    item: ContentItem,
    draft: Draft,
    accounts: Sequence[PlatformAccount] | None = None,
    column: Column | None = None,
    article_slot: str | None = None,
    attachments: Sequence[Material] | None = None,
) -> ContentVersion | None:
    """Save an edit as a new version (None when the text did not change).

    Only before supervisor review: from then on the version under review is frozen, so what the
    client approves is exactly what is published; a change needs the item returned first.
    """
    policy.require(actor, "editorial.change_contentitem")
    ensure_same_agency(actor, item.agency_id)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.state not in EDITABLE_STATES:
        raise ValidationError(
            _("%(state)s items cannot be edited; return the item for revision first.")
            % {"state": item.get_state_display()}
        )
    _check_draft(draft, item.client)
    new_accounts = list(item.accounts.all()) if accounts is None else list(accounts)
    new_attachments = list(item.attachments.all()) if attachments is None else list(attachments)
    slot = item.article_slot if article_slot is None else article_slot
    _check_targets(item.client, item.kind, new_accounts, column, slot, new_attachments)
    current = item.versions.get(number=item.version)
    changed_meta = (
        column != item.column
        or slot != item.article_slot
        or {a.pk for a in new_accounts} != set(item.accounts.values_list("pk", flat=True))
        or {m.pk for m in new_attachments} != set(item.attachments.values_list("pk", flat=True))
    )
    same_text = current.parts() == draft.parts() and current.cover_id == (
        draft.cover.pk if draft.cover else None
    )
    version = None
    if not same_text:
        version = _add_version(item, draft, actor)
    if same_text and not changed_meta:
        return None
    item.column, item.article_slot = column, slot
    if Role.COPYWRITER in actor.roles and item.author_id is None:
        item.author = actor.acting_user()
    item.save()
    item.accounts.set(new_accounts)
    item.attachments.set(new_attachments)
    record(
        actor=actor,
        action="content.edit",
        obj=item,
        data={"version": item.version, "text_changed": not same_text},
        reason=draft.note,
    )
    return version


@transaction.atomic
def reschedule(*, actor: Actor, item: ContentItem, planned_at: dt.datetime | None) -> ContentItem:
    """Move the planned publish time (the calendar's drag and drop)."""
    policy.require(actor, "editorial.schedule_contentitem")
    ensure_same_agency(actor, item.agency_id)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.state in {State.PUBLISHED, State.ARCHIVED, State.WITHDRAWN}:
        raise ValidationError({"planned_at": _("A published or withdrawn item keeps its date.")})
    before = item.planned_at
    item.planned_at = planned_at
    item.save(update_fields=["planned_at", "updated_at"])
    record(
        actor=actor,
        action="content.reschedule",
        obj=item,
        data={
            "from": before.isoformat() if before else None,
            "to": planned_at.isoformat() if planned_at else None,
        },
    )
    return item


# --- The workflow ----------------------------------------------------------------------------


def check_compliance(item: ContentItem) -> list[checking.Finding]:
    """Findings of the configured checker on the item's current version, for every platform."""
    version = item.versions.get(number=item.version)
    checker = checking.get_checker()
    platforms = sorted({a.platform for a in item.accounts.all()}) or [""]
    seen: dict[str, checking.Finding] = {}
    for platform in platforms:
        for finding in checker.check(version.parts(), platform=platform, client_id=item.client_id):
            seen.setdefault(f"{finding.fingerprint}:{finding.start}", finding)
    return list(seen.values())


def _overridden(item: ContentItem) -> set[str]:
    """Fingerprints of warnings a supervisor already passed, with a reason, for this item."""
    done: set[str] = set()
    for change in item.changes.exclude(override_reason=""):
        done.update(
            f"{f['rule']}:{f['field']}:{f['text']}"
            for f in change.findings
            if f.get("severity") == checking.WARN
        )
    return done


def _last_findings(item: ContentItem) -> list[dict[str, Any]]:
    last = item.changes.filter(target=State.SUPERVISOR_REVIEW).order_by("-at", "-id").first()
    return list(last.findings) if last else []


class GateBlocked(ValidationError):
    """The compliance gate stopped a move; carries the blocking findings."""

    def __init__(self, findings: list[checking.Finding]) -> None:
        self.findings = findings
        super().__init__(
            {
                "compliance": [
                    _("%(text)s (%(part)s): %(message)s — %(source)s")
                    % {"text": f.text, "part": f.field, "message": f.message, "source": f.source}
                    for f in findings
                ]
            }
        )


def _gate(
    item: ContentItem, actor: Actor, target: str, override_reason: str
) -> tuple[list[checking.Finding], str]:
    findings = check_compliance(item)
    blocking = checking.blocking(findings)
    if blocking:
        raise GateBlocked(blocking)
    passed = _overridden(item)
    open_warnings = [f for f in checking.warnings(findings) if f.fingerprint not in passed]
    if target == State.SCHEDULED and open_warnings and not override_reason:
        raise ValidationError(
            {
                "compliance": _(
                    "New compliance warnings appeared since the supervisor's review; "
                    "the supervisor must look at the item again."
                )
            }
        )
    return findings, override_reason


def _require_reviewer_of(actor: Actor, item: ContentItem) -> None:
    """The client's decision belongs to that client's reviewer (scoping already narrows the
    rows; this is the action's own check). Background work acts under the contract's rule."""
    if actor.user is not None and (
        actor.client_ids is None or item.client_id not in actor.client_ids
    ):
        raise PermissionDenied(_("Only the client's own reviewer can decide."))


def _in_product_language(text: Callable[[], str]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return text()


def _start_client_review(item: ContentItem, rules: EditorialRules) -> None:
    now = timezone.now()
    start = timezone.localdate(now)
    try:
        due: dt.date | None = add_working_days(start, rules.review_working_days)
        missing = None
    except MissingCalendarYear as exc:
        due, missing = None, exc.year
    item.review_requested_at = now
    item.review_due = due
    item.review_rule = {
        "start": start.isoformat(),
        "working_days": rules.review_working_days,
        "due": due.isoformat() if due else None,
        "missing_year": missing,
        # Stored in the product language, like the audit log's descriptions.
        "source": _in_product_language(lambda: rules.source),
        "contract": rules.contract_number,
        "client_silence": rules.client_silence,
        "max_revision_rounds": rules.max_revision_rounds,
    }


def transition(
    *,
    actor: Actor,
    item: ContentItem,
    target: str,
    comment: str = "",
    override_reason: str = "",
    published_url: str = "",
    published_at: dt.datetime | None = None,
) -> StateChange:
    """Move ``item`` to ``target`` if the workflow table allows it for the actor's roles.

    A move the compliance gate stops is rolled back, then audited on its own (with the
    findings), so the weekly review can list what the gate caught.
    """
    try:
        return _transition(
            actor=actor,
            item=item,
            target=target,
            comment=comment,
            override_reason=override_reason,
            published_url=published_url,
            published_at=published_at,
        )
    except GateBlocked as blocked:
        record(
            actor=actor,
            action="content.gate_blocked",
            obj=item,
            data={
                "from": item.state,
                "to": target,
                "version": item.version,
                "findings": [f.as_dict() for f in blocked.findings],
            },
        )
        raise


@transaction.atomic
def _transition(
    *,
    actor: Actor,
    item: ContentItem,
    target: str,
    comment: str,
    override_reason: str,
    published_url: str,
    published_at: dt.datetime | None,
) -> StateChange:
    if actor.user is not None:
        policy.require(actor, "editorial.transition_contentitem")
        ensure_same_agency(actor, item.agency_id)
    item = ContentItem.objects.select_for_update().select_related("client").get(pk=item.pk)
    source = item.state
    try:
        move = workflow.check(source, target, _roles(actor))
    except workflow.TransitionRefused as exc:
        if exc.reason == "no such transition":
            raise ValidationError(
                _("An item cannot go from %(source)s to %(target)s.")
                % {"source": State(source).label, "target": State(target).label}
            ) from None
        raise PermissionDenied(
            _("Your role cannot move an item from %(source)s to %(target)s.")
            % {"source": State(source).label, "target": State(target).label}
        ) from None
    if target in {State.SCHEDULED, State.RETURNED} and source == State.CLIENT_REVIEW:
        _require_reviewer_of(actor, item)
    comment, override_reason = comment.strip(), override_reason.strip()
    if move.needs_comment and not comment:
        raise ValidationError({"comment": _("Say why.")})
    findings: list[checking.Finding] = []
    stored_findings: list[dict[str, Any]] = []
    if move.gate:
        findings, override_reason = _gate(item, actor, target, override_reason)
        stored_findings = [f.as_dict() for f in findings]
    if source == State.SUPERVISOR_REVIEW and target == State.CLIENT_REVIEW:
        # The supervisor passes the warnings found on entering review only with a reason.
        warned = [f for f in _last_findings(item) if f.get("severity") == checking.WARN]
        if warned and not override_reason:
            raise ValidationError(
                {
                    "override_reason": _(
                        "The compliance check warned about %(terms)s; give a reason to pass it."
                    )
                    % {"terms": "、".join(sorted({f["text"] for f in warned}))}
                }
            )
        stored_findings = warned if override_reason else []
    elif override_reason and not move.gate:
        override_reason = ""
    if target == State.PUBLISHED and not published_url:
        raise ValidationError({"published_url": _("Enter the address of the published post.")})

    rules = rules_for(
        item.agency_id, item.accounts.values_list("pk", flat=True), timezone.localdate()
    )
    user = actor.user
    if target == State.EDITING and Role.COPYWRITER in actor.roles and item.author_id is None:
        item.author = user
    if target == State.CLIENT_REVIEW:
        _start_client_review(item, rules)
    if source == State.CLIENT_REVIEW and target == State.SCHEDULED:
        item.approved_version = item.version
    if source == State.CLIENT_REVIEW and target == State.RETURNED:
        item.round += 1
        item.over_rounds = item.round > rules.max_revision_rounds
    if target == State.PUBLISHED:
        item.published_url = published_url
        item.published_at = published_at or timezone.now()
    item.state = target
    item.save()
    change = StateChange.objects.create(
        agency_id=item.agency_id,
        client_id=item.client_id,
        item=item,
        source=source,
        target=target,
        actor=user,
        actor_label=actor.label,
        comment=comment,
        round=item.round,
        version=item.version,
        findings=stored_findings,
        override_reason=override_reason,
    )
    record(
        actor=actor,
        action="content.transition",
        obj=item,
        data={
            "from": source,
            "to": target,
            "round": item.round,
            "version": item.version,
            "findings": len(stored_findings),
            "override": bool(override_reason),
        },
        reason=override_reason or comment,
    )
    _after_transition(item, source, target, rules, comment)
    return change


def _after_transition(
    item: ContentItem, source: str, target: str, rules: EditorialRules, comment: str
) -> None:
    params = _item_params(item)
    url = item_url(item)
    if target == State.TEAM_PREVIEW:
        from .tasks import send_team_preview

        item_id = item.pk
        transaction.on_commit(lambda: send_team_preview.delay(item_id))
    elif target == State.CLIENT_REVIEW:
        notify(
            client_reviewers(item.client),
            agency_id=item.agency_id,
            client_id=item.client_id,
            kind=NotificationKind.CONTENT_REVIEW_REQUESTED,
            params={**params, "due": item.review_rule.get("due")},
            url=review_url(item),
        )
    elif target == State.RETURNED:
        people = [u for u in (item.author, item.editor) if u is not None]
        notify(
            people or team_people(item.client_id, Role.COPYWRITER),
            agency_id=item.agency_id,
            client_id=item.client_id,
            kind=NotificationKind.CONTENT_RETURNED,
            params={**params, "comment": comment[:200], "round": item.round},
            url=url,
        )
        if item.over_rounds:
            notify(
                team_people(item.client_id, Role.ACCOUNT_MANAGER),
                agency_id=item.agency_id,
                client_id=item.client_id,
                kind=NotificationKind.CONTENT_OVER_ROUNDS,
                params={
                    **params,
                    "round": item.round,
                    "max": rules.max_revision_rounds,
                    "source": rules.source,
                },
                url=url,
                dedupe_key=f"content-rounds:{item.pk}:{item.round}",
            )
    elif target == State.SCHEDULED and source == State.CLIENT_REVIEW:
        people = [u for u in (item.author, item.editor) if u is not None]
        notify(
            people,
            agency_id=item.agency_id,
            client_id=item.client_id,
            kind=NotificationKind.CONTENT_APPROVED,
            params=params,
            url=url,
        )
    elif target == State.WITHDRAWN and source == State.PUBLISHED:
        _record_take_down(item, rules, comment)


def _record_take_down(item: ContentItem, rules: EditorialRules, comment: str) -> None:
    """Put the take-down on the contract's record (seed 000: published work is not deleted)."""
    if rules.contract_id is not None:
        ContractEvent.objects.create(
            agency_id=item.agency_id,
            client_id=item.client_id,
            contract_id=rules.contract_id,
            date=timezone.localdate(),
            kind=EventKind.CONTENT_WITHDRAWN,
            ref=f"content:{item.pk}",
            note=comment[:200],
        )
    notify(
        client_reviewers(item.client) + team_people(item.client_id, Role.ACCOUNT_MANAGER),
        agency_id=item.agency_id,
        client_id=item.client_id,
        kind=NotificationKind.CONTENT_WITHDRAWN,
        params={**_item_params(item), "comment": comment[:200]},
        url=item_url(item),
    )


@dataclass(frozen=True)
class Anchor:
    """A comment on a passage: which part, the quoted text and where it starts, and the remark."""

    body: str
    part: str = ""
    quote: str = ""
    start: int | None = None


def _comment(item: ContentItem, actor: Actor, anchor: Anchor) -> ReviewComment:
    body = anchor.body.strip()
    if not body:
        raise ValidationError({"body": _("Write the comment.")})
    start = end = None
    quote = anchor.quote
    if anchor.part or quote:
        if anchor.part not in TEXT_PARTS:
            raise ValidationError({"part": _("Choose the part the comment is about.")})
        text = item.versions.get(number=item.version).parts()[anchor.part]
        if quote:
            # The quote must be in the version under review; the offset picks among repeats.
            start = (
                anchor.start
                if anchor.start is not None
                and text[anchor.start : anchor.start + len(quote)] == quote
                else text.find(quote)
            )
            if start < 0:
                raise ValidationError({"quote": _("The quoted passage is not in this version.")})
            end = start + len(quote)
    return ReviewComment.objects.create(
        agency_id=item.agency_id,
        client_id=item.client_id,
        item=item,
        version=item.version,
        round=item.round,
        part=anchor.part,
        quote=quote,
        start=start,
        end=end,
        body=body,
        author=actor.acting_user(),
    )


@transaction.atomic
def add_comment(*, actor: Actor, item: ContentItem, anchor: Anchor) -> ReviewComment:
    """A remark on the item, optionally anchored to a passage of its current version."""
    policy.require(actor, "editorial.comment_contentitem")
    ensure_same_agency(actor, item.agency_id)
    item = ContentItem.objects.get(pk=item.pk)
    if actor.is_client_reviewer and not actor.is_staff_member and item.state != State.CLIENT_REVIEW:
        raise ValidationError(_("The client comments while the item is in client review."))
    comment = _comment(item, actor, anchor)
    record(
        actor=actor,
        action="content.comment",
        obj=item,
        data={"version": item.version, "part": anchor.part, "anchored": comment.start is not None},
    )
    return comment


@transaction.atomic
def client_return(
    *, actor: Actor, item: ContentItem, summary: str, anchors: Sequence[Anchor] = ()
) -> StateChange:
    """The client's reviewer returns the item with a summary and remarks on passages."""
    policy.require(actor, "editorial.comment_contentitem")
    ensure_same_agency(actor, item.agency_id)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.state != State.CLIENT_REVIEW:
        raise ValidationError(_("The item is not waiting for the client."))
    for anchor in anchors:
        _comment(item, actor, anchor)
    return transition(actor=actor, item=item, target=State.RETURNED, comment=summary)


@transaction.atomic
def record_publication(
    *, actor: Actor, item: ContentItem, url: str, published_at: dt.datetime | None = None
) -> StateChange:
    """The operator published by hand: record where and when."""
    policy.require(actor, "editorial.publish_contentitem")
    ensure_same_agency(actor, item.agency_id)
    if published_at is not None and published_at > timezone.now():
        raise ValidationError({"published_at": _("The publishing time is in the future.")})
    change = transition(
        actor=actor,
        item=item,
        target=State.PUBLISHED,
        published_url=url.strip(),
        published_at=published_at,
    )
    Publication.objects.filter(items=item, status=PublicationStatus.MANUAL).update(
        status=PublicationStatus.PUBLISHED
    )
    return change


# --- Scores ----------------------------------------------------------------------------------


def score_total(criteria: Sequence[Mapping[str, Any]], marks: Mapping[str, Any]) -> Decimal:
    """Weighted score on 0–100: Σ weight × mark ÷ max, over Σ weight (half-up to 0.01)."""
    weights = sum(Decimal(str(c["weight"])) for c in criteria)
    if not weights:
        return Decimal("0.00")
    points = sum(
        Decimal(str(c["weight"])) * Decimal(str(marks[c["key"]])) / Decimal(str(c["max"]))
        for c in criteria
    )
    return (points / weights * 100).quantize(CENT, ROUND_HALF_UP)


@transaction.atomic
def score_item(
    *, actor: Actor, item: ContentItem, marks: Mapping[str, Any], comment: str = ""
) -> Score:
    """The supervisor scores a published item on the agency's rubric (群发后主管评分)."""
    policy.require(actor, "editorial.score_contentitem")
    ensure_same_agency(actor, item.agency_id)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.state not in {State.PUBLISHED, State.ARCHIVED}:
        raise ValidationError(_("Only published items are scored."))
    criteria = settings_for(item.agency_id).criteria()
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for criterion in criteria:
        key = criterion["key"]
        raw = marks.get(key)
        try:
            value = Decimal(str(raw))
        except (ArithmeticError, ValueError):
            errors[key] = _("Enter a number.")
            continue
        if raw in (None, "") or not value.is_finite():
            errors[key] = _("Enter a number.")
        elif not Decimal(0) <= value <= Decimal(str(criterion["max"])):
            errors[key] = _("Between 0 and %(max)s.") % {"max": criterion["max"]}
        else:
            clean[key] = str(value)
    if errors:
        raise ValidationError(errors)
    total = score_total(criteria, clean)
    score, created = Score.objects.update_or_create(
        item=item,
        defaults={
            "agency_id": item.agency_id,
            "client_id": item.client_id,
            "criteria": criteria,
            "marks": clean,
            "total": total,
            "comment": comment.strip(),
            "scored_by": actor.acting_user(),
            "scored_at": timezone.now(),
        },
    )
    record(
        actor=actor,
        action="content.score",
        obj=item,
        data={"total": str(total), "marks": clean, "rescored": not created},
    )
    return score


@transaction.atomic
def update_settings(
    *,
    actor: Actor,
    review_working_days: int,
    max_revision_rounds: int,
    client_silence: str,
    rubric: Sequence[Mapping[str, Any]] | None = None,
) -> EditorialSettings:
    """The agency's defaults (used where a contract is silent) and its scoring rubric."""
    policy.require(actor, "editorial.change_editorialsettings")
    found = settings_for(actor.home_agency())
    errors: dict[str, str] = {}
    if not 1 <= review_working_days <= 30:
        errors["review_working_days"] = _("Between 1 and 30 working days.")
    if not 1 <= max_revision_rounds <= 20:
        errors["max_revision_rounds"] = _("Between 1 and 20 rounds.")
    if client_silence not in SilencePolicy.values:
        errors["client_silence"] = _("Choose what silence means.")
    criteria = [dict(c) for c in rubric] if rubric is not None else found.rubric
    keys = set()
    for c in criteria or []:
        if not str(c.get("key", "")).strip() or not str(c.get("label", "")).strip():
            errors["rubric"] = _("Every criterion needs a key and a label.")
        elif c["key"] in keys:
            errors["rubric"] = _("Criterion “%(key)s” is listed twice.") % {"key": c["key"]}
        else:
            try:
                ok = Decimal(str(c.get("weight"))) > 0 and Decimal(str(c.get("max"))) > 0
            except ArithmeticError:
                ok = False
            if not ok:
                errors["rubric"] = _("Weights and maximum marks must be positive numbers.")
        keys.add(c.get("key"))
    if errors:
        raise ValidationError(errors)
    found.review_working_days = review_working_days
    found.max_revision_rounds = max_revision_rounds
    found.client_silence = client_silence
    found.rubric = criteria or []
    found.save()
    record(
        actor=actor,
        action="editorial.settings",
        obj=found,
        data={
            "review_working_days": review_working_days,
            "max_revision_rounds": max_revision_rounds,
            "client_silence": client_silence,
            "rubric": criteria,
        },
    )
    return found


# --- Material library, columns and push slots --------------------------------------------------


@transaction.atomic
def upload_material(
    *,
    actor: Actor,
    client: Client,
    kind: str,
    title: str,
    file: UploadedFile,
    owner: str,
    licence_note: str = "",
) -> Material:
    """File a material in the client's library, in this month's archive folder."""
    policy.require(actor, "editorial.add_material")
    ensure_same_agency(actor, client.agency_id)
    if actor.client_ids is not None and client.pk not in actor.client_ids:
        raise PermissionDenied(_("You can only add material for your own client."))
    errors: dict[str, str] = {}
    if kind not in MaterialKind.values:
        errors["kind"] = _("Choose a kind.")
    if owner not in MaterialOwner.values:
        errors["owner"] = _("Say who owns the copyright.")
    if not title.strip():
        errors["title"] = _("Enter a title.")
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        errors["file"] = _("The file is larger than 500 MB.")
    if errors:
        raise ValidationError(errors)
    material = Material(
        agency_id=client.agency_id,
        client=client,
        kind=kind,
        title=title.strip(),
        owner=owner,
        licence_note=licence_note.strip(),
        size=file.size or 0,
        archive_month=timezone.localdate().strftime("%Y-%m"),
        uploaded_by=actor.acting_user(),
    )
    material.file.save(file.name or "file", file, save=False)
    material.save()
    record(
        actor=actor,
        action="material.upload",
        obj=material,
        data={"kind": kind, "owner": owner, "size": material.size},
    )
    return material


@transaction.atomic
def save_column(
    *,
    actor: Actor,
    client: Client,
    name: str,
    weekdays: Iterable[int],
    owner: User | None = None,
    description: str = "",
    column: Column | None = None,
) -> Column:
    """Create or change a column planned on weekdays with its owner (the weekday plan)."""
    policy.require(actor, "editorial.change_column")
    ensure_same_agency(actor, client.agency_id)
    days = sorted({int(d) for d in weekdays})
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter a name.")
    elif (
        Column.objects.filter(client=client, name=name.strip())
        .exclude(pk__in=[column.pk] if column else [])
        .exists()
    ):
        errors["name"] = _("The client already has a column with this name.")
    if not days or any(d < 1 or d > 7 for d in days):
        errors["weekdays"] = _("Choose the weekdays the column runs.")
    if (
        owner is not None
        and not TeamMember.objects.filter(client=client, user=owner, left_on__isnull=True).exists()
    ):
        errors["owner"] = _("%(person)s is not on this client's team.") % {"person": owner}
    if errors:
        raise ValidationError(errors)
    target = column or Column(agency_id=client.agency_id, client=client)
    target.name, target.weekdays, target.owner = name.strip(), days, owner
    target.description = description.strip()
    target.save()
    record(
        actor=actor,
        action="column.save",
        obj=target,
        data={"weekdays": days, "owner": owner.pk if owner else None, "new": column is None},
    )
    return target


@transaction.atomic
def save_push_slot(
    *, actor: Actor, client: Client, starts_at: dt.time, ends_at: dt.time | None = None
) -> PushSlot:
    policy.require(actor, "editorial.change_column")
    ensure_same_agency(actor, client.agency_id)
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if PushSlot.objects.filter(client=client, starts_at=starts_at).exists():
        raise ValidationError({"starts_at": _("This slot exists already.")})
    slot = PushSlot.objects.create(
        agency_id=client.agency_id, client=client, starts_at=starts_at, ends_at=ends_at
    )
    record(actor=actor, action="push_slot.save", obj=slot, data={"slot": str(slot)})
    return slot


@transaction.atomic
def delete_push_slot(*, actor: Actor, slot: PushSlot) -> None:
    policy.require(actor, "editorial.change_column")
    ensure_same_agency(actor, slot.agency_id)
    record(actor=actor, action="push_slot.delete", obj=slot, data={"slot": str(slot)})
    slot.delete()


# --- Intake ----------------------------------------------------------------------------------


@transaction.atomic
def submit_intake(
    *,
    actor: Actor,
    client: Client,
    title: str,
    kind: str,
    channel: str,
    description: str = "",
    department: str = "",
    desired_date: dt.date | None = None,
    materials: Sequence[Material] = (),
) -> IntakeRequest:
    """Another department or the client asks for content (the promotion SOP's request form)."""
    policy.require(actor, "editorial.add_intakerequest")
    ensure_same_agency(actor, client.agency_id)
    if actor.client_ids is not None and client.pk not in actor.client_ids:
        raise PermissionDenied(_("You can only ask for your own client."))
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Enter a title.")
    if kind not in ContentKind.values:
        errors["kind"] = _("Choose a kind.")
    if channel not in IntakeChannel.values:
        errors["channel"] = _("Choose free or paid channels.")
    if desired_date is not None and desired_date < timezone.localdate():
        errors["desired_date"] = _("The desired date is in the past.")
    if any(m.client_id != client.pk for m in materials):
        errors["materials"] = _("Materials must come from this client's library.")
    if errors:
        raise ValidationError(errors)
    intake = IntakeRequest.objects.create(
        agency_id=client.agency_id,
        client=client,
        title=title.strip(),
        kind=kind,
        channel=channel,
        description=description.strip(),
        department=department.strip(),
        desired_date=desired_date,
        submitted_by=actor.acting_user(),
    )
    intake.materials.set(materials)
    record(actor=actor, action="intake.submit", obj=intake, data={"kind": kind, "channel": channel})
    notify(
        team_people(client.pk, Role.EDITOR, Role.SUPERVISOR),
        agency_id=client.agency_id,
        client_id=client.pk,
        kind=NotificationKind.INTAKE_SUBMITTED,
        params={"title": intake.title, "client": str(client)},
        url=reverse("editorial:intake_list"),
    )
    return intake


@transaction.atomic
def accept_intake(
    *, actor: Actor, intake: IntakeRequest, accounts: Sequence[PlatformAccount]
) -> ContentItem:
    """Turn a request into a collected item with its materials attached."""
    policy.require(actor, "editorial.decide_intakerequest")
    ensure_same_agency(actor, intake.agency_id)
    intake = IntakeRequest.objects.select_for_update().get(pk=intake.pk)
    if intake.status != IntakeStatus.OPEN:
        raise ValidationError(_("This request was already decided."))
    planned = None
    if intake.desired_date is not None:
        planned = timezone.make_aware(dt.datetime.combine(intake.desired_date, dt.time(20, 0)))
    item = create_item(
        actor=actor,
        client=intake.client,
        kind=intake.kind,
        draft=Draft(title=intake.title, body=intake.description),
        accounts=accounts,
        planned_at=planned,
        attachments=list(intake.materials.all()),
    )
    intake.status = IntakeStatus.ACCEPTED
    intake.item = item
    intake.decided_by = actor.acting_user()
    intake.save()
    record(actor=actor, action="intake.accept", obj=intake, data={"item": item.pk})
    return item


@transaction.atomic
def decline_intake(*, actor: Actor, intake: IntakeRequest, note: str) -> IntakeRequest:
    policy.require(actor, "editorial.decide_intakerequest")
    ensure_same_agency(actor, intake.agency_id)
    intake = IntakeRequest.objects.select_for_update().get(pk=intake.pk)
    if intake.status != IntakeStatus.OPEN:
        raise ValidationError(_("This request was already decided."))
    if not note.strip():
        raise ValidationError({"decision_note": _("Say why.")})
    intake.status = IntakeStatus.DECLINED
    intake.decision_note = note.strip()
    intake.decided_by = actor.acting_user()
    intake.save()
    record(actor=actor, action="intake.decline", obj=intake, reason=intake.decision_note)
    return intake


# --- Publishing set-up -----------------------------------------------------------------------


@transaction.atomic
def configure_publisher(
    *,
    actor: Actor,
    account: PlatformAccount,
    mode: str,
    appid: str = "",
    secret: str = "",
    api_base: str = "",
) -> PublisherConfig:
    """Choose how an account's scheduled items are published; API secrets go to the vault."""
    from yunying.accounts import vault

    policy.require(actor, "editorial.change_publisherconfig")
    ensure_same_agency(actor, account.agency_id)
    config = PublisherConfig.objects.filter(account=account).first() or PublisherConfig(
        agency_id=account.agency_id, client_id=account.client_id, account=account
    )
    errors: dict[str, str] = {}
    if mode not in PublishMode.values:
        errors["mode"] = _("Choose how to publish.")
    elif mode == PublishMode.WECHAT_OA:
        if account.platform != "wechat_oa":
            errors["mode"] = _("Only Official Accounts publish through the WeChat API.")
        if not appid.strip():
            errors["appid"] = _("Enter the AppID.")
        if not secret and not config.secret_ciphertext:
            errors["secret"] = _("Enter the AppSecret.")
        # Whoever may change the address must not be able to send the stored secret elsewhere.
        if api_base and api_base != config.api_base and not secret:
            errors["secret"] = _("Enter the AppSecret again to change the API address.")
    if errors:
        raise ValidationError(errors)
    config.mode, config.appid = mode, appid.strip()
    if api_base:
        config.api_base = api_base
    if secret:
        config.secret_ciphertext = vault.encrypt(secret)
    config.save()
    record(
        actor=actor,
        action="publisher.configure",
        obj=config,
        data={"mode": mode, "appid": config.appid, "secret_changed": bool(secret)},
    )
    return config
