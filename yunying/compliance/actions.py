"""The one write path of the compliance app: an agency's own lexicon entries per client."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yunying.audit.actions import record
from yunying.compliance.engine.normalize import normalize_term
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor, ensure_same_agency

from .choices import CATEGORY_CHOICES, EntryKind, Severity
from .models import ClientLexicon, LexiconEntry

_CATEGORIES = {key for key, _label in CATEGORY_CHOICES}


def _bump(client: Client) -> ClientLexicon:
    """The client's lexicon, locked, at its next version (one version per change)."""
    lexicon, _created = ClientLexicon.objects.select_for_update().get_or_create(
        client=client, defaults={"agency_id": client.agency_id}
    )
    lexicon.version += 1
    lexicon.save(update_fields=["version", "changed_at"])
    return lexicon


def _entry_errors(
    client: Client, kind: str, term: str, category: str, severity: str, reason: str
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if kind not in EntryKind.values:
        errors["kind"] = _("Choose what the entry does.")
    if not term:
        errors["term"] = _("Enter the term.")
    elif not normalize_term(term):
        errors["term"] = _("This term has no letters, digits or characters left to match.")
    elif any(
        normalize_term(other.term) == normalize_term(term)
        for other in LexiconEntry.objects.filter(client=client, kind=kind, removed_in=None)
    ):
        errors["term"] = _("This term is already in the client's list.")
    if kind == EntryKind.TERM:
        if category not in _CATEGORIES:
            errors["category"] = _("Choose the category the term belongs to.")
        if severity not in Severity.values:
            errors["severity"] = _("Choose whether the term blocks or warns.")
    if not reason:
        errors["reason"] = _("Say why the term is on the list; the finding shows it.")
    return errors


@transaction.atomic
def add_entry(
    *,
    actor: Actor,
    client: Client,
    kind: str,
    term: str,
    reason: str,
    category: str = "",
    severity: str = "",
) -> LexiconEntry:
    """Add a term to find, or a phrase to allow, to the client's own lexicon."""
    policy.require(actor, "compliance.add_lexiconentry")
    ensure_same_agency(actor, client.agency_id)
    term, reason = term.strip(), reason.strip()
    if kind == EntryKind.WHITELIST:
        category, severity = "", ""
    errors = _entry_errors(client, kind, term, category, severity, reason)
    if errors:
        raise ValidationError(errors)
    lexicon = _bump(client)
    entry = LexiconEntry.objects.create(
        agency_id=client.agency_id,
        client=client,
        kind=kind,
        term=term,
        category=category,
        severity=severity,
        reason=reason,
        added_by=actor.acting_user(),
        added_in=lexicon.version,
    )
    _record(actor, "compliance.lexicon_add", entry, lexicon.version)
    return entry


@transaction.atomic
def remove_entry(*, actor: Actor, entry: LexiconEntry) -> LexiconEntry:
    """Take an entry off the client's list; it stays in the history with who and when."""
    policy.require(actor, "compliance.delete_lexiconentry")
    ensure_same_agency(actor, entry.agency_id)
    entry = LexiconEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.removed_in is not None:
        raise ValidationError(_("This entry was already removed."))
    lexicon = _bump(entry.client)
    entry.removed_by = actor.acting_user()
    entry.removed_at = timezone.now()
    entry.removed_in = lexicon.version
    entry.save(update_fields=["removed_by", "removed_at", "removed_in"])
    _record(actor, "compliance.lexicon_remove", entry, lexicon.version)
    return entry


def _record(actor: Actor, action: str, entry: LexiconEntry, version: int) -> None:
    # Filed under the agency, not the client: the agency's lists are its own working material.
    record(
        actor=actor,
        action=action,
        agency_id=entry.agency_id,
        data={
            "client": entry.client_id,
            "entry": entry.pk,
            "kind": entry.kind,
            "term": entry.term,
            "category": entry.category,
            "severity": entry.severity,
            "reason": entry.reason,
            "version": version,
        },
    )
