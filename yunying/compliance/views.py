"""Pages: check a text (findings marked in place), the rule catalogue, the clients' own lexicons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.compliance.engine import rules as rule_registry
from yunying.compliance.engine.scanner import scan
from yunying.compliance.engine.types import BLOCK, CATEGORIES, PLATFORMS, WARN, Finding
from yunying.core.views import run_action
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import get_visible_or_404, visible

from . import actions, services
from .forms import PLATFORM_LABELS, CheckForm, EntryForm
from .models import LexiconEntry


def hover_title(finding: Finding) -> str:
    """What the mark says on hover: the rule, the explanation and where the rule comes from."""
    severity = _("blocks") if finding.severity == BLOCK else _("warns")
    return (
        f"{finding.rule} · {CATEGORIES.get(finding.category, finding.category)} · {severity}\n"
        f"{finding.as_dict()['message']}\n{finding.source} · {finding.lexicon_version}"
    )


@dataclass
class _Run:
    """A stretch of the text under one ``<mark>``: overlapping findings share one, so marks
    never nest; it blocks when any of its findings blocks."""

    start: int
    end: int
    first: int  # the number of its first finding in the table (1-based)
    titles: list[str]
    blocks: bool


def marked(text: str, findings: Sequence[Finding]) -> str:
    """``text`` escaped, each finding wrapped in a ``<mark>`` styled by severity with the
    explanation as its title, followed by the finding's number linking to its row of the table
    (a title does not show on a phone). ``findings`` are in table order (by start)."""
    runs: list[_Run] = []
    for number, finding in enumerate(findings, start=1):
        if finding.end <= finding.start:
            continue
        title = hover_title(finding)
        if runs and finding.start < runs[-1].end:
            run = runs[-1]
            run.end = max(run.end, finding.end)
            if title not in run.titles:
                run.titles.append(title)
            run.blocks = run.blocks or finding.severity == BLOCK
        else:
            runs.append(
                _Run(finding.start, finding.end, number, [title], finding.severity == BLOCK)
            )
    out: list[str] = []
    at = 0
    for run in runs:
        severity = BLOCK if run.blocks else WARN
        out.append(escape(text[at : run.start]))
        out.append(
            format_html(
                '<mark class="finding {}" title="{}">{}</mark>'
                '<sup><a href="#finding-{}">{}</a></sup>',
                severity,
                "\n".join(run.titles),
                text[run.start : run.end],
                run.first,
                run.first,
            )
        )
        at = run.end
    out.append(escape(text[at:]))
    return "".join(out)


def _by_place(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.start, -f.end, f.rule))


@login_required
def check(request: HttpRequest) -> HttpResponse:
    """Paste a text, choose the platform (and the client): every finding, marked where it is."""
    actor = policy.actor_with(request, "compliance.check")
    form = CheckForm(request.POST or None, clients=visible(Client, actor).order_by("name"))
    findings: list[Finding] | None = None
    shown = ""
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        findings = _by_place(
            scan(
                text,
                platform=form.cleaned_data["platform"],
                context=services.scan_context(form.cleaned_data["client"]),
            )
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
        },
    )


@login_required
def rule_catalogue(request: HttpRequest) -> HttpResponse:
    """Every built-in rule with its examples, optionally of one category."""
    policy.actor_with(request, "compliance.check")
    category = request.GET.get("category", "")
    rules = [
        r for r in rule_registry.all_rules() if category not in CATEGORIES or r.category == category
    ]
    return render(
        request,
        "compliance/rules.html",
        {
            "rules": [
                (
                    r,
                    CATEGORIES[r.category],
                    [PLATFORM_LABELS[p] for p in PLATFORMS if p in r.platforms],
                )
                for r in rules
            ],
            "categories": list(CATEGORIES.items()),
            "category": category if category in CATEGORIES else "",
        },
    )


@login_required
def lexicon_list(request: HttpRequest) -> HttpResponse:
    """The clients whose lists the user may open, with each list's version and size."""
    actor = policy.actor_with(request, "compliance.view_lexiconentry")
    clients = (
        visible(Client, actor)
        .annotate(
            version=F("lexicon__version"),
            active_entries=Count(
                "lexicon_entries", filter=Q(lexicon_entries__removed_in__isnull=True)
            ),
        )
        .order_by("name")
    )
    return render(request, "compliance/lexicon_list.html", {"clients": clients})


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
        },
    )


@require_POST
@login_required
def entry_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "compliance.delete_lexiconentry")
    entry = get_visible_or_404(LexiconEntry, actor, pk=pk)
    try:
        actions.remove_entry(actor=actor, entry=entry)
    except ValidationError as exc:
        # A second click on the same button, or two people removing the same entry.
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed “%(term)s” from the list.") % {"term": entry.term})
    return redirect(lexicon_url(entry.client_id))
