"""Pages: statements with every line explained, the client's approval page, invoices, events."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.audit.models import AuditEntry
from yunying.contracts.models import Contract
from yunying.core.views import ScopedListView, action_form_page, run_action
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor, get_visible_or_404

from . import actions
from .choices import TRANSITIONS, InvoiceStatus, StatementStatus
from .engine import Month
from .forms import (
    AdjustForm,
    CorrectForm,
    EventForm,
    NoticeForm,
    PaymentForm,
    ReviewForm,
    SettleForm,
)
from .models import ContractEvent, Invoice, Statement


def statement_url(statement: Statement) -> str:
    return reverse("settlement:statement_detail", args=[statement.pk])


def invoice_url(invoice: Invoice) -> str:
    return reverse("settlement:invoice_detail", args=[invoice.pk])


class StatementListView(ScopedListView):
    model = Statement
    permission = "settlement.view_statement"
    template_name = "settlement/statement_list.html"

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("contract", "client")
        params = self.request.GET
        try:
            month = Month.parse(params.get("period", ""))
            rows = rows.filter(period=month.start)
        except ValueError:
            pass
        if params.get("status") in StatementStatus.values:
            rows = rows.filter(status=params["status"])
        client = params.get("client", "")
        if client.isdigit():
            rows = rows.filter(client_id=int(client))
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            statuses=StatementStatus.choices,
            clients=Client.objects.visible_to(self.actor),
            can_settle=policy.can(self.actor, "settlement.add_statement"),
            **kwargs,
        )


def _may_decide(actor: Actor, statement: Statement) -> bool:
    return (
        statement.status == StatementStatus.SENT
        and policy.can(actor, "settlement.decide_statement")
        and actor.client_ids is not None
        and statement.client_id in actor.client_ids
    )


def _statement(request: HttpRequest, pk: int, permission: str) -> tuple[Actor, Statement]:
    actor = policy.actor_with(request, permission)
    rows = Statement.objects.visible_to(actor).select_related(
        "contract", "client", "version", "corrects", "sent_by", "decided_by", "created_by"
    )
    statement = rows.filter(pk=pk).first()
    if statement is None:
        raise Http404(Statement._meta.verbose_name)
    return actor, statement


def _detail_context(actor: Actor, statement: Statement) -> dict[str, Any]:
    lines = list(statement.lines.select_related("created_by").order_by("position"))
    invoice = Invoice.objects.visible_to(actor).filter(statement=statement).first()
    may_change = policy.can(actor, "settlement.change_statement")
    return {
        "statement": statement,
        "lines": lines,
        "adjustments": [line for line in lines if line.origin == "adjustment"],
        "invoice": invoice,
        "corrections": statement.corrections.order_by("-id"),
        # The statement's own history; the audit log is the record of who did what and when.
        "history": AuditEntry.objects.filter(
            object_type="settlement.statement", object_id=str(statement.pk)
        ).order_by("seq"),
        "can_adjust": may_change and statement.status in TRANSITIONS["adjust"],
        "can_send": may_change and statement.status in TRANSITIONS["send"],
        "can_correct": policy.can(actor, "settlement.add_statement")
        and statement.status in TRANSITIONS["correct"],
        "can_decide": _may_decide(actor, statement),
        "can_see_events": policy.can(actor, "settlement.view_contractevent"),
        "adjust_form": AdjustForm(),
    }


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, statement = _statement(request, pk, "settlement.view_statement")
    return render(request, "settlement/statement_detail.html", _detail_context(actor, statement))


@login_required
def statement_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    actor, statement = _statement(request, pk, "settlement.change_statement")
    return action_form_page(
        request,
        AdjustForm(request.POST or None),
        perform=lambda data: actions.adjust_statement(actor=actor, statement=statement, **data),
        success=_("Adjustment added."),
        redirect_to=lambda line: statement_url(statement),
        title=_("Adjust statement %(statement)s") % {"statement": statement},
        intro=_("The adjustment is a line of its own, with its reason, in the audit log too."),
        cancel_url=statement_url(statement),
    )


@require_POST
@login_required
def statement_send(request: HttpRequest, pk: int) -> HttpResponse:
    actor, statement = _statement(request, pk, "settlement.change_statement")
    try:
        actions.send_statement(actor=actor, statement=statement)
        messages.success(request, _("Statement sent to the client."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(statement_url(statement))


@login_required
def statement_correct(request: HttpRequest, pk: int) -> HttpResponse:
    actor, statement = _statement(request, pk, "settlement.add_statement")
    return action_form_page(
        request,
        CorrectForm(request.POST or None),
        perform=lambda data: actions.correct_statement(actor=actor, statement=statement, **data),
        success=_("Correction drafted."),
        redirect_to=statement_url,
        title=_("Correct statement %(statement)s") % {"statement": statement},
        intro=_(
            "The approved statement stays as it is. The month is settled again from the "
            "current facts; the new statement's total is the difference."
        ),
        cancel_url=statement_url(statement),
    )


@login_required
def statement_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The client reviewer's approval page (made for phones as much as for desks)."""
    actor, statement = _statement(request, pk, "settlement.view_statement")
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        policy.require(actor, "settlement.decide_statement")
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            comment = form.cleaned_data["comment"]
            ok, _result = run_action(
                form,
                lambda: (
                    actions.approve_statement(actor=actor, statement=statement, comment=comment)
                    if approve
                    else actions.dispute_statement(
                        actor=actor, statement=statement, comment=comment
                    )
                ),
            )
            if ok:
                messages.success(request, _("Decision recorded."))
                return redirect("settlement:statement_review", pk=statement.pk)
    context = _detail_context(actor, statement)
    context["review_form"] = form
    return render(
        request,
        "settlement/statement_review.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def settle_create(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, "settlement.add_statement")
    return action_form_page(
        request,
        SettleForm(request.POST or None, actor=actor),
        perform=lambda data: actions.settle_contract(actor=actor, **data),
        success=_("Statement settled."),
        redirect_to=statement_url,
        title=_("Settle a month"),
        intro=_(
            "Settles the month from the stored facts into a draft. A draft or disputed "
            "statement of that month is replaced; its adjustments are kept."
        ),
        submit_label=_("Settle"),
    )


# --- Invoices ------------------------------------------------------------------------------------


class InvoiceListView(ScopedListView):
    model = Invoice
    permission = "settlement.view_invoice"
    template_name = "settlement/invoice_list.html"

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("client", "statement__contract")
        if self.request.GET.get("status") in InvoiceStatus.values:
            rows = rows.filter(status=self.request.GET["status"])
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            statuses=InvoiceStatus.choices, today=timezone.localdate(), **kwargs
        )


def _invoice(request: HttpRequest, pk: int, permission: str) -> tuple[Actor, Invoice]:
    actor = policy.actor_with(request, permission)
    return actor, get_visible_or_404(Invoice, actor, pk=pk)


@login_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, invoice = _invoice(request, pk, "settlement.view_invoice")
    today = timezone.localdate()
    interest, why_none = actions.accrued_interest(invoice, today)
    terms = invoice.statement.version.parsed()
    return render(
        request,
        "settlement/invoice_detail.html",
        {
            "invoice": invoice,
            "statement": invoice.statement,
            "payments": invoice.payments.select_related("recorded_by"),
            "notice": actions.payment_notice(invoice),
            "interest": interest,
            "why_no_interest": why_none,
            "payment_day": terms.windows.payment_day,
            "default_payment_days": actions.DEFAULT_PAYMENT_DAYS,
            "overdue": invoice.is_overdue(today),
            "today": today,
            "can_pay": policy.can(actor, "settlement.add_payment") and invoice.open_amount > 0,
            "can_notice": policy.can(actor, "settlement.change_invoice")
            and invoice.is_overdue(today),
        },
    )


@login_required
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor, invoice = _invoice(request, pk, "settlement.add_payment")
    return action_form_page(
        request,
        PaymentForm(
            request.POST or None,
            initial={"amount": invoice.open_amount, "paid_on": timezone.localdate()},
        ),
        perform=lambda data: actions.record_payment(actor=actor, invoice=invoice, **data),
        success=_("Payment recorded."),
        redirect_to=lambda payment: invoice_url(invoice),
        title=_("Record a payment on %(invoice)s") % {"invoice": invoice},
        cancel_url=invoice_url(invoice),
    )


@login_required
def notice_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor, invoice = _invoice(request, pk, "settlement.change_invoice")
    return action_form_page(
        request,
        NoticeForm(request.POST or None, initial={"notice_date": timezone.localdate()}),
        perform=lambda data: actions.send_payment_notice(actor=actor, invoice=invoice, **data),
        success=_("Written notice recorded."),
        redirect_to=lambda event: invoice_url(invoice),
        title=_("Record the written payment notice for %(invoice)s") % {"invoice": invoice},
        intro=_(
            "Late-payment interest counts from the day the contract names after the notice "
            "date, on the amount in the notice."
        ),
        cancel_url=invoice_url(invoice),
    )


# --- Contract events -----------------------------------------------------------------------------


@login_required
def event_list(request: HttpRequest, contract_pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "settlement.view_contractevent")
    contract = get_visible_or_404(Contract, actor, pk=contract_pk)
    return render(
        request,
        "settlement/event_list.html",
        {
            "contract": contract,
            "events": ContractEvent.objects.visible_to(actor)
            .filter(contract=contract)
            .select_related("recorded_by")[:500],
            "can_add": policy.can(actor, "settlement.add_contractevent"),
        },
    )


@login_required
def event_create(request: HttpRequest, contract_pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "settlement.add_contractevent")
    contract = get_visible_or_404(Contract, actor, pk=contract_pk)
    back = reverse("settlement:event_list", args=[contract.pk])
    return action_form_page(
        request,
        EventForm(request.POST or None, initial={"date": timezone.localdate()}),
        perform=lambda data: actions.record_event(actor=actor, contract=contract, **data),
        success=_("Event recorded."),
        redirect_to=lambda event: back,
        title=_("Record an event of %(contract)s") % {"contract": contract},
        cancel_url=back,
    )
