"""Pages for contracts: list, detail with readable terms, versions, documents and reminders,
and the forms that create, edit, sign, amend and end them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yunying.core.views import ScopedListView, action_form_page, run_action
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import get_visible_or_404
from yunying.workdays.services import MissingCalendarYear, missing_year_message

from . import actions, texts
from .choices import ContractStatus
from .forms import AmendForm, ContractCreateForm, EndForm, SignForm, TeamForm, TermsForm
from .lint import lint
from .models import Contract, ContractAccount, ContractVersion

VIEW = "contracts.view_contract"


class ContractListView(ScopedListView):
    model = Contract
    permission = VIEW
    template_name = "contracts/contract_list.html"

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("client")
        status = self.request.GET.get("status")
        if status in ContractStatus.values:
            rows = rows.filter(status=status)
        client = self.request.GET.get("client", "")
        if client.isdigit():
            rows = rows.filter(client_id=int(client))
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            statuses=ContractStatus.choices,
            clients=Client.objects.visible_to(self.actor),
            can_add=policy.can(self.actor, "contracts.add_contract"),
            **kwargs,
        )


def contract_url(contract: Contract) -> str:
    return reverse("contracts:detail", args=[contract.pk])


def _versions(contract: Contract) -> list[ContractVersion]:
    return list(contract.versions.select_related("created_by").order_by("number"))


def _version(contract: Contract, number: int) -> ContractVersion:
    found = contract.versions.filter(number=number).first()
    if found is None:
        raise Http404
    return found


@login_required
def contract_detail(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    """The contract, with the terms of one version (the latest unless ``number`` is given)."""
    actor = policy.actor_with(request, VIEW)
    contract = get_visible_or_404(Contract, actor, pk=pk)
    versions = _versions(contract)
    shown = (
        versions[-1] if number is None else next((v for v in versions if v.number == number), None)
    )
    if shown is None:
        raise Http404
    terms = shown.parsed()
    history = []
    for index, version in enumerate(versions):
        previous = versions[index - 1] if index else None
        changed = texts.changed_paths(previous.terms, version.terms) if previous else []
        history.append({"version": version, "changed": changed})
    reminder_list: list[Any] = []
    calendar_problem = ""
    if contract.status == ContractStatus.SIGNED:
        try:
            reminder_list = actions.upcoming_reminders(
                contract, today=timezone.localdate(), versions=versions
            )
        except MissingCalendarYear as exc:
            calendar_problem = missing_year_message(exc.year)
    is_open = contract.status in {ContractStatus.DRAFT, ContractStatus.SIGNED}
    context = {
        "contract": contract,
        "links": ContractAccount.objects.filter(contract=contract).select_related("account"),
        "team": contract.team.select_related("user"),
        "shown": shown,
        "terms": terms,
        "sections": texts.describe(terms),
        "findings": lint(terms),
        "history": history,
        "reminders": reminder_list,
        "calendar_problem": calendar_problem,
        "is_draft": contract.status == ContractStatus.DRAFT,
        "can_edit": contract.status == ContractStatus.DRAFT
        and policy.can(actor, "contracts.change_contract"),
        "can_team": is_open and policy.can(actor, "contracts.change_contract"),
        "can_sign": contract.status == ContractStatus.DRAFT
        and policy.can(actor, "contracts.sign_contract"),
        "can_amend": contract.status == ContractStatus.SIGNED
        and policy.can(actor, "contracts.amend_contract"),
        "can_end": contract.status == ContractStatus.SIGNED
        and policy.can(actor, "contracts.end_contract"),
        # Statements share the contract's agency and client, so the contract's visibility is
        # theirs; the permission still decides whether the section shows.
        "statements": list(contract.statements.order_by("-period", "-id"))
        if policy.can(actor, "settlement.view_statement")
        else None,
    }
    return render(request, "contracts/contract_detail.html", context)


@login_required
def version_yaml(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    actor = policy.actor_with(request, VIEW)
    contract = get_visible_or_404(Contract, actor, pk=pk)
    version = _version(contract, number)
    response = HttpResponse(
        actions.export_yaml(version), content_type="application/yaml; charset=utf-8"
    )
    filename = f"{contract.number}-v{version.number}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def version_document(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    """The contract document of one version, as DOCX or PDF."""
    from . import document

    if fmt not in DOCUMENT_TYPES:
        raise Http404
    actor = policy.actor_with(request, VIEW)
    contract = get_visible_or_404(Contract, actor, pk=pk)
    version = _version(contract, number)
    doc = document.build_document(
        version.parsed(),
        number=contract.number,
        version=version.number,
        effective_from=version.effective_from,
        note=version.note,
    )
    body = document.render_docx(doc) if fmt == "docx" else document.render_pdf(doc)
    response = HttpResponse(body, content_type=DOCUMENT_TYPES[fmt])
    filename = f"{contract.number}-v{version.number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _terms_page(
    request: HttpRequest, form: TermsForm, status: int = 200, **page: Any
) -> HttpResponse:
    return render(request, "contracts/terms_form.html", {"form": form, **page}, status=status)


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, "contracts.add_contract")
    initial = {"client": request.GET.get("client")}
    form = ContractCreateForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        actor=actor,
        initial=initial,
    )
    page = {
        "title": _("New contract"),
        "intro": _(
            "Paste or upload the terms. Once they read correctly, choose which of the client's "
            "accounts each account of the terms is."
        ),
        "cancel_url": reverse("contracts:list"),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, contract = run_action(
            form,
            lambda: actions.create_contract(
                actor=actor,
                client=data["client"],
                number=data["number"],
                title=data["title"],
                terms_yaml=data["terms_yaml"],
                account_links=form.account_links(),
                team=data["team"],
            ),
        )
        if ok:
            messages.success(request, _("Contract created as a draft."))
            return redirect(contract_url(contract))
    return _terms_page(request, form, status=400 if form.is_bound else 200, **page)


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a draft's terms."""
    actor = policy.actor_with(request, "contracts.change_contract")
    contract = get_visible_or_404(Contract, actor, pk=pk)
    bound = set(contract.account_links.values_list("key", flat=True))
    form = TermsForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        actor=actor,
        client=contract.client,
        keep_keys=frozenset(bound),
        initial={"terms_yaml": actions.export_yaml(_version(contract, 1))},
    )
    if request.method == "POST" and form.is_valid():
        ok, _result = run_action(
            form,
            lambda: actions.update_draft_terms(
                contract,
                actor=actor,
                terms_yaml=form.cleaned_data["terms_yaml"],
                account_links={**_bound_links(contract), **form.account_links()},
            ),
        )
        if ok:
            messages.success(request, _("Terms saved."))
            return redirect(contract_url(contract))
    return _terms_page(
        request,
        form,
        status=400 if form.is_bound else 200,
        title=_("Edit the terms of %(contract)s") % {"contract": contract},
        intro=_("A draft's terms change in place. Once signed, changes need an amendment."),
        cancel_url=contract_url(contract),
    )


def _bound_links(contract: Contract) -> dict[str, Any]:
    return {link.key: link.account for link in contract.account_links.select_related("account")}


@login_required
def contract_amend(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "contracts.amend_contract")
    contract = get_visible_or_404(Contract, actor, pk=pk)
    latest = contract.versions.order_by("-number").first()
    form = AmendForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        actor=actor,
        client=contract.client,
        keep_keys=frozenset(_bound_links(contract)),
        initial={"terms_yaml": actions.export_yaml(latest) if latest else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _result = run_action(
            form,
            lambda: actions.amend_contract(
                contract,
                actor=actor,
                effective_from=data["effective_from"],
                terms_yaml=data["terms_yaml"],
                note=data["note"],
                account_links=form.account_links(),
            ),
        )
        if ok:
            messages.success(request, _("Amendment recorded."))
            return redirect(contract_url(contract))
    return _terms_page(
        request,
        form,
        status=400 if form.is_bound else 200,
        title=_("Amend %(contract)s") % {"contract": contract},
        intro=_(
            "An amendment is a new version of the terms from the first day of a month; earlier "
            "months keep the terms they were settled under."
        ),
        cancel_url=contract_url(contract),
    )


@login_required
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Signing shows the linter's findings: errors block it, warnings are for a last look."""
    actor = policy.actor_with(request, "contracts.sign_contract")
    contract = get_visible_or_404(Contract, actor, pk=pk)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _result = run_action(
            form, lambda: actions.sign_contract(contract, actor=actor, **form.cleaned_data)
        )
        if ok:
            messages.success(request, _("Contract signed."))
            return redirect(contract_url(contract))
    return render(
        request,
        "contracts/sign.html",
        {
            "contract": contract,
            "form": form,
            "findings": lint(_version(contract, 1).parsed()),
            "cancel_url": contract_url(contract),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def contract_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "contracts.end_contract")
    contract = get_visible_or_404(Contract, actor, pk=pk)

    def perform(data: dict[str, Any]) -> Contract:
        if data["how"] == EndForm.TERMINATE:
            return actions.terminate_contract(
                contract, actor=actor, ended_on=data["ended_on"], reason=data["reason"]
            )
        return actions.end_contract(
            contract, actor=actor, ended_on=data["ended_on"], reason=data["reason"]
        )

    return action_form_page(
        request,
        EndForm(request.POST or None),
        perform=perform,
        success=_("Contract ended."),
        redirect_to=contract_url,
        title=_("End %(contract)s") % {"contract": contract},
        cancel_url=contract_url(contract),
    )


@login_required
def contract_team(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "contracts.change_contract")
    contract = get_visible_or_404(Contract, actor, pk=pk)
    return action_form_page(
        request,
        TeamForm(
            request.POST or None,
            contract=contract,
            initial={"team": list(contract.team.all())},
        ),
        perform=lambda data: actions.set_contract_team(contract, actor=actor, team=data["team"]),
        success=_("Team saved."),
        redirect_to=contract_url,
        title=_("Team of %(contract)s") % {"contract": contract},
        cancel_url=contract_url(contract),
    )
