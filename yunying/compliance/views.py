"""Pages: check a text (findings marked in place), the rule catalogue, a client's own lexicon."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.compliance.engine import rules as rule_registry
from yunying.compliance.engine.scanner import scan
from yunying.compliance.engine.types import BLOCK, CATEGORIES, Finding
from yunying.core.views import run_action
from yunying.editorial.sanitize import Mark, render_text
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import get_visible_or_404, visible

from . import actions, services
from .forms import CheckForm, EntryForm
from .models import LexiconEntry


def hover_title(finding: Finding) -> str:
    """What the mark says on hover: the rule, the explanation and where the rule comes from."""
    severity = _("blocks") if finding.severity == BLOCK else _("warns")
    return (
        f"{finding.rule} · {CATEGORIES.get(finding.category, finding.category)} · {severity}\n"
        f"{finding.as_dict()['message']}\n{finding.source} · {finding.lexicon_version}"
    )


def marked(text: str, findings: Sequence[Finding]) -> str:
    return render_text(text, marks=[Mark(f.start, f.end, hover_title(f)) for f in findings]).html


@login_required
def check(request: HttpRequest) -> HttpResponse:
    """Paste a text, choose the platform (and the client): every finding, marked where it is."""
    actor = policy.actor_with(request, "compliance.check")
    clients = visible(Client, actor).order_by("name")
    form = CheckForm(request.POST or None, clients=clients)
    findings: list[Finding] | None = None
    shown = ""
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        findings = scan(
            text,
            platform=form.cleaned_data["platform"],
            context=services.scan_context(form.cleaned_data["client"]),
        )
        shown = marked(text, findings)
    return render(
        request,
        "compliance/check.html",
        {
            "form": form,
            "findings": findings,
            "rows": [(f, CATEGORIES.get(f.category, f.category)) for f in findings or []],
            "shown": shown,
            "blocking": [f for f in findings or [] if f.severity == BLOCK],
            "clients": clients,
        },
    )


@login_required
def rule_catalogue(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, "compliance.check")
    return render(
        request,
        "compliance/rules.html",
        {
            "rules": [(r, CATEGORIES[r.category]) for r in rule_registry.all_rules()],
            "clients": visible(Client, actor).order_by("name"),
        },
    )


def lexicon_url(client_pk: int) -> str:
    return reverse("compliance:lexicon", args=[client_pk])


@login_required
def lexicon(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A client's own terms and allowed phrases, and every version of the list."""
    actor = policy.actor_with(request, "compliance.view_lexiconentry")
    client = get_visible_or_404(Client, actor, pk=client_pk)
    entries = list(
        LexiconEntry.objects.visible_to(actor)
        .filter(client=client)
        .select_related("added_by", "removed_by")
    )
    history = sorted(
        [(e.added_in, "add", e) for e in entries]
        + [(e.removed_in, "remove", e) for e in entries if e.removed_in is not None],
        key=lambda row: -int(row[0] or 0),
    )
    form = EntryForm(request.POST or None)
    if request.method == "POST":
        policy.require(actor, "compliance.add_lexiconentry")
        if form.is_valid():
            ok, entry = run_action(
                form,
                lambda: actions.add_entry(actor=actor, client=client, **form.cleaned_data),
            )
            if ok:
                messages.success(request, _("Added “%(term)s” to the list.") % {"term": entry.term})
                return redirect(lexicon_url(client.pk))
    return render(
        request,
        "compliance/lexicon.html",
        {
            "client": client,
            "active": [e for e in entries if e.is_active],
            "history": history,
            "version": services.lexicon_version(client),
            "form": form,
            "can_change": policy.can(actor, "compliance.add_lexiconentry"),
            "clients": visible(Client, actor).order_by("name"),
        },
    )


@require_POST
@login_required
def entry_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "compliance.delete_lexiconentry")
    entry = get_visible_or_404(LexiconEntry, actor, pk=pk)
    actions.remove_entry(actor=actor, entry=entry)
    messages.success(request, _("Removed “%(term)s” from the list.") % {"term": entry.term})
    return redirect(lexicon_url(entry.client_id))
