"""The competitor page of a client: whom the agency watches for it, how they compare this
month, and what the team noticed on their accounts.

Competitors' accounts are platform accounts with the competitor role (see
:class:`yunying.accounts.models.OperatedAccountManager`): their figures are imported and
entered on the same metrics pages as the client's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.accounts import actions as account_actions
from yunying.accounts.choices import AccountRole, AccountStatus
from yunying.accounts.forms import CompetitorForm, CompetitorNoteForm
from yunying.accounts.models import CompetitorNote, PlatformAccount
from yunying.core.views import run_action
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor, get_visible_or_404

from . import echarts
from .actions import month_key
from .dashboards import month_asked
from .figures import client_figures

RECENT_NOTES = 30


def _competitors(actor: Actor, client: Client) -> Any:
    return PlatformAccount.tracked.visible_to(actor).filter(
        client=client, role=AccountRole.COMPETITOR
    )


def _page(
    request: HttpRequest,
    actor: Actor,
    client: Client,
    *,
    form: CompetitorForm | None = None,
    note_form: CompetitorNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    month, until = month_asked(request)
    figures = client_figures(client, month, until=until)
    watched = _competitors(actor, client).order_by("status", "platform", "display_name")
    active = watched.filter(status=AccountStatus.ACTIVE)
    can_add = policy.can(actor, "accounts.add_platformaccount")
    can_note = policy.can(actor, "accounts.add_competitornote")
    notes = (
        CompetitorNote.objects.visible_to(actor)
        .filter(client=client, removed_at__isnull=True)
        .select_related("account", "written_by")[:RECENT_NOTES]
    )
    charts = [
        (f"compare-{c.platform}", echarts.line(f"{c.label} 粉丝总数", figures.days, series))
        for c in figures.comparisons
        if (series := c.follower_series())
    ]
    context = {
        "client": client,
        "figures": figures,
        "month_key": month_key(month),
        "until": until,
        "watched": watched,
        "notes": notes,
        "charts": charts,
        "form": form or (CompetitorForm() if can_add else None),
        "note_form": note_form
        or (
            CompetitorNoteForm(
                competitors=active,
                initial={"noted_on": timezone.localdate(), "account": first.pk},
            )
            if can_note and (first := active.first()) is not None
            else None
        ),
        "can_stop": policy.can(actor, "accounts.change_platformaccount"),
        "can_remove_notes": policy.can(actor, "accounts.delete_competitornote"),
    }
    return render(request, "reports/competitors.html", context, status=status)


def _back(client: Client) -> HttpResponse:
    return redirect(reverse("reports:competitors", args=[client.pk]))


@login_required
def competitors(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = policy.actor_with(request, "metrics.view_dailymetric")
    client = get_visible_or_404(Client, actor, pk=client_id)
    return _page(request, actor, client)


@login_required
@require_POST
def add_competitor(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.add_platformaccount")
    client = get_visible_or_404(Client, actor, pk=client_id)
    form = CompetitorForm(request.POST)
    if form.is_valid():
        ok, account = run_action(
            form,
            lambda: account_actions.track_competitor(
                actor=actor, client=client, **form.cleaned_data
            ),
        )
        if ok:
            messages.success(
                request,
                _("Now watching %(name)s. Import its figures on its data page.")
                % {"name": account.display_name},
            )
            return _back(client)
    return _page(request, actor, client, form=form, status=400)


@login_required
@require_POST
def add_note(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.add_competitornote")
    client = get_visible_or_404(Client, actor, pk=client_id)
    active = _competitors(actor, client).filter(status=AccountStatus.ACTIVE)
    form = CompetitorNoteForm(request.POST, competitors=active)
    if form.is_valid():
        data = form.cleaned_data
        ok, _note = run_action(
            form,
            lambda: account_actions.add_competitor_note(
                actor=actor, account=data["account"], noted_on=data["noted_on"], text=data["text"]
            ),
        )
        if ok:
            messages.success(request, _("Note saved."))
            return _back(client)
    return _page(request, actor, client, note_form=form, status=400)


@login_required
@require_POST
def remove_note(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.delete_competitornote")
    note = get_visible_or_404(CompetitorNote, actor, pk=pk)
    account_actions.remove_competitor_note(note, actor=actor)
    messages.success(request, _("Note removed."))
    return _back(note.client)


@login_required
@require_POST
def stop_watching(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.change_platformaccount")
    account = get_object_or_404(
        PlatformAccount.tracked.visible_to(actor), pk=account_id, role=AccountRole.COMPETITOR
    )
    account_actions.archive_account(account, actor=actor)
    messages.success(
        request,
        _("%(name)s is no longer watched; its figures stay on record.")
        % {"name": account.display_name},
    )
    return _back(account.client)
