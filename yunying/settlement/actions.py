"""The write path of settlement: settle, adjust, send, decide, correct, invoice, pay, notify.

Every action takes ``actor=``, checks the policy and the agency, runs in one transaction and
writes its audit entry. The allowed status changes are in ``choices.TRANSITIONS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yunying.audit.actions import record
from yunying.contracts.choices import ContractStatus
from yunying.contracts.models import Contract, ContractAccount, ContractVersion
from yunying.contracts.terms import Terms, TermsError
from yunying.notify.actions import notify
from yunying.notify.choices import NotificationKind
from yunying.settlement import engine
from yunying.tenancy import policy
from yunying.tenancy.actions import client_reviewers
from yunying.tenancy.choices import Role
from yunying.tenancy.models import Agency, User
from yunying.tenancy.scoping import Actor, ensure_same_agency
from yunying.workdays.calendar import MissingCalendarYear
from yunying.workdays.services import add_working_days

from .choices import (
    NEEDS_REF,
    RECORDABLE,
    TRANSITIONS,
    EventKind,
    InvoiceStatus,
    LineOrigin,
    StatementStatus,
)
from .facts import load_facts, versions_in_force
from .models import ContractEvent, Invoice, Payment, Statement, StatementLine

CENT = Decimal("0.01")
DEFAULT_REVIEW_WORKING_DAYS = 3
# Without a payment day in the terms, an invoice is due this many calendar days after issue.
DEFAULT_PAYMENT_DAYS = 30


def month_of(period: dt.date) -> engine.Month:
    return engine.Month(period.year, period.month)


def _check_status(statement: Statement, transition: str) -> None:
    if statement.status not in TRANSITIONS[transition]:
        raise ValidationError(
            {
                "status": _("Not possible while the statement is %(status)s.")
                % {"status": statement.get_status_display()}
            }
        )


def _locked(statement: Statement) -> Statement:
    return Statement.objects.select_for_update().select_related("contract").get(pk=statement.pk)


def _terms(version: ContractVersion) -> Terms:
    try:
        return version.parsed()
    except TermsError as exc:
        raise ValidationError({"contract": str(exc)}) from exc


# --- Building a statement from the engine ------------------------------------------------------


def compute(
    terms: Terms, month: engine.Month, facts: engine.Facts, statement_date: dt.date | None
) -> engine.Statement:
    """Run the engine with the PRC calendar; its refusals become ValidationErrors."""
    try:
        return engine.settle(
            terms, month, facts, statement_date=statement_date, add_working_days=add_working_days
        )
    except (engine.SettlementError, MissingCalendarYear) as exc:
        raise ValidationError({"contract": str(exc)}) from exc


def build_statement(
    *,
    contract: Contract,
    version: ContractVersion,
    month: engine.Month,
    terms: Terms,
    result: engine.Statement,
    statement_date: dt.date,
    created_by: User | None,
) -> tuple[Statement, list[StatementLine]]:
    """Unsaved rows for an engine result (the run saves many of them with bulk_create)."""
    statement = Statement(
        agency_id=contract.agency_id,
        client_id=contract.client_id,
        contract=contract,
        version=version,
        period=month.start,
        status=StatementStatus.DRAFT,
        total=result.total,
        overall_attainment=(
            result.overall_attainment.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
            if result.overall_attainment is not None
            else None
        ),
        notices=list(result.notices),
        statement_date=statement_date,
        review_working_days=terms.windows.review_working_days or DEFAULT_REVIEW_WORKING_DAYS,
        created_by=created_by,
    )
    lines = [
        StatementLine(
            agency_id=contract.agency_id,
            client_id=contract.client_id,
            position=position,
            code=line.code,
            description=line.description,
            amount=line.amount,
            formula=line.formula,
            inputs=dict(line.inputs),
            origin=LineOrigin.ENGINE,
        )
        for position, line in enumerate(result.lines, start=1)
    ]
    return statement, lines


def _review_days(version: ContractVersion) -> int:
    return _terms(version).windows.review_working_days or DEFAULT_REVIEW_WORKING_DAYS


def _save(statement: Statement, lines: Sequence[StatementLine]) -> Statement:
    statement.total = sum((line.amount for line in lines), Decimal(0))
    statement.save()
    for position, line in enumerate(lines, start=1):
        line.pk = None
        line.statement = statement
        line.position = position
    StatementLine.objects.bulk_create(lines)
    return statement


def _carried_adjustments(statement: Statement) -> list[StatementLine]:
    """Adjustments finance made to a statement being replaced, to keep on its successor."""
    return list(statement.lines.filter(origin=LineOrigin.ADJUSTMENT).order_by("position"))


def _supersede(statement: Statement) -> None:
    _check_status(statement, "supersede")
    statement.status = StatementStatus.SUPERSEDED
    statement.save(update_fields=["status"])


# --- Settling ------------------------------------------------------------------------------------


def _settle_from_facts(
    contract: Contract,
    version: ContractVersion,
    month: engine.Month,
    statement_date: dt.date,
    actor: Actor,
) -> tuple[Statement, list[StatementLine]]:
    """One contract's month from its stored facts, unsaved (the callers decide what it replaces)."""
    terms = _terms(version)
    facts = load_facts([contract.pk], month)[contract.pk]
    return build_statement(
        contract=contract,
        version=version,
        month=month,
        terms=terms,
        result=compute(terms, month, facts, statement_date),
        statement_date=statement_date,
        created_by=actor.user,
    )


@transaction.atomic
def settle_contract(
    *,
    actor: Actor,
    contract: Contract,
    month: engine.Month,
    statement_date: dt.date | None = None,
) -> Statement:
    """Settle one contract's month from the stored facts into a draft statement.

    A draft or disputed statement of the same month is superseded (its adjustments are kept);
    a sent or approved one is not touched: send corrections through ``correct_statement``.
    """
    policy.require(actor, "settlement.add_statement")
    ensure_same_agency(actor, contract.agency_id)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status == ContractStatus.DRAFT:
        raise ValidationError({"contract": _("A contract is settled only once it is signed.")})
    live = (
        Statement.objects.filter(contract=contract, period=month.start, corrects__isnull=True)
        .exclude(status=StatementStatus.SUPERSEDED)
        .first()
    )
    if live is not None and live.status not in TRANSITIONS["supersede"]:
        raise ValidationError(
            {
                "period": _(
                    "Statement #%(id)s of this month is already %(status)s; correct it instead."
                )
                % {"id": live.pk, "status": live.get_status_display()}
            }
        )
    version = versions_in_force([contract.pk], month).get(contract.pk)
    if version is None:
        raise ValidationError({"period": _("No version of the terms is in force in this month.")})
    statement, lines = _settle_from_facts(
        contract, version, month, statement_date or month.end, actor
    )
    carried: list[StatementLine] = []
    if live is not None:
        carried = _carried_adjustments(live)
        _supersede(live)
    _save(statement, [*lines, *carried])
    record(
        actor=actor,
        action="statement.settle",
        obj=statement,
        data={
            "period": str(month),
            "total": statement.total,
            "lines": len(lines) + len(carried),
            "supersedes": live.pk if live is not None else None,
        },
    )
    return statement


@transaction.atomic
def adjust_statement(
    *, actor: Actor, statement: Statement, amount: Decimal, description: str, reason: str
) -> StatementLine:
    """Finance adds an adjustment line (positive or negative) with its reason."""
    policy.require(actor, "settlement.change_statement")
    ensure_same_agency(actor, statement.agency_id)
    statement = _locked(statement)
    _check_status(statement, "adjust")
    errors = {}
    if not description.strip():
        errors["description"] = _("Describe the adjustment.")
    if not reason.strip():
        errors["reason"] = _("Say why the statement is adjusted.")
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount == 0:
        errors["amount"] = _("Enter an amount other than zero.")
    if errors:
        raise ValidationError(errors)
    last = statement.lines.order_by("-position").values_list("position", flat=True).first() or 0
    line = StatementLine.objects.create(
        agency_id=statement.agency_id,
        client_id=statement.client_id,
        statement=statement,
        position=last + 1,
        code="adjustment",
        description=description.strip(),
        amount=amount,
        formula=reason.strip(),
        inputs={},
        origin=LineOrigin.ADJUSTMENT,
        reason=reason.strip(),
        created_by=actor.acting_user(),
    )
    _refresh_total(statement)
    record(
        actor=actor,
        action="statement.adjust",
        obj=statement,
        data={"amount": amount, "description": line.description, "total": statement.total},
        reason=line.reason,
    )
    return line


def _refresh_total(statement: Statement) -> None:
    """The total is always the sum of the lines."""
    statement.total = statement.lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    statement.save(update_fields=["total"])


# --- The client's review -------------------------------------------------------------------------


@transaction.atomic
def send_statement(*, actor: Actor, statement: Statement) -> Statement:
    """Send a draft (or a disputed statement after adjusting) to the client's reviewer."""
    policy.require(actor, "settlement.change_statement")
    ensure_same_agency(actor, statement.agency_id)
    statement = _locked(statement)
    _check_status(statement, "send")
    now = timezone.now()
    statement.review_working_days = _review_days(statement.version)
    try:
        due: dt.date | None = add_working_days(
            timezone.localdate(now), statement.review_working_days
        )
    except MissingCalendarYear:
        due = None  # the page says which year's calendar is missing
    statement.status = StatementStatus.SENT
    statement.sent_at = now
    statement.sent_by = actor.acting_user()
    statement.response_due = due
    statement.save(
        update_fields=["status", "sent_at", "sent_by", "response_due", "review_working_days"]
    )
    record(
        actor=actor,
        action="statement.send",
        obj=statement,
        data={"total": statement.total, "response_due": due},
    )
    notify(
        client_reviewers(statement.client),
        agency_id=statement.agency_id,
        client_id=statement.client_id,
        kind=NotificationKind.STATEMENT_SENT,
        params=_note_params(statement),
        url=reverse("settlement:statement_review", args=[statement.pk]),
        dedupe_key=f"statement-sent:{statement.pk}:{now.isoformat()}",
    )
    return statement


def _note_params(statement: Statement) -> dict[str, Any]:
    return {
        "contract": statement.contract.number,
        "period": statement.period_label,
        "total": str(statement.total),
        "status": statement.status,
        "due": str(statement.response_due or ""),
    }


def _decide(statement: Statement, actor: Actor, transition: str) -> Statement:
    policy.require(actor, "settlement.decide_statement")
    ensure_same_agency(actor, statement.agency_id)
    if actor.client_ids is None or statement.client_id not in actor.client_ids:
        raise PermissionDenied(_("Only the client's own reviewer can decide."))
    statement = _locked(statement)
    _check_status(statement, transition)
    return statement


@transaction.atomic
def approve_statement(*, actor: Actor, statement: Statement, comment: str = "") -> Statement:
    """The client's reviewer approves: the statement is final and its invoice is issued."""
    statement = _decide(statement, actor, "approve")
    statement.status = StatementStatus.APPROVED
    statement.decided_by = actor.acting_user()
    statement.decided_at = timezone.now()
    statement.decision_comment = comment.strip()
    statement.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    invoice = _issue_invoice(statement, timezone.localdate(statement.decided_at))
    record(
        actor=actor,
        action="statement.approve",
        obj=statement,
        data={"total": statement.total, "invoice": invoice.number if invoice else None},
        reason=statement.decision_comment,
    )
    _tell_finance(statement)
    return statement


@transaction.atomic
def dispute_statement(*, actor: Actor, statement: Statement, comment: str) -> Statement:
    """The client's reviewer disputes, saying why; finance adjusts and sends again."""
    statement = _decide(statement, actor, "dispute")
    if not comment.strip():
        raise ValidationError({"comment": _("Say what you dispute.")})
    statement.status = StatementStatus.DISPUTED
    statement.decided_by = actor.acting_user()
    statement.decided_at = timezone.now()
    statement.decision_comment = comment.strip()
    statement.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    record(
        actor=actor,
        action="statement.dispute",
        obj=statement,
        data={"total": statement.total},
        reason=statement.decision_comment,
    )
    _tell_finance(statement)
    return statement


def finance_people(agency_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__agency_id=agency_id,
            memberships__role=Role.FINANCE,
            memberships__is_active=True,
        ).distinct()
    )


def _tell_finance(statement: Statement) -> None:
    notify(
        finance_people(statement.agency_id),
        agency_id=statement.agency_id,
        client_id=statement.client_id,
        kind=NotificationKind.STATEMENT_DECIDED,
        params=_note_params(statement),
        url=reverse("settlement:statement_detail", args=[statement.pk]),
    )


# --- Corrections ---------------------------------------------------------------------------------


def approved_chain(statement: Statement) -> list[Statement]:
    """The approved statement and every approved statement it corrects, oldest first."""
    chain = [statement]
    while chain[-1].corrects_id is not None:
        chain.append(Statement.objects.get(pk=chain[-1].corrects_id))
    return list(reversed(chain))


@transaction.atomic
def correct_statement(*, actor: Actor, statement: Statement, reason: str) -> Statement:
    """A new draft that re-settles an approved statement's month from the current facts.

    The approved statement stays as it is. The correction keeps the adjustments finance made
    to it and ends with a line taking off what the approved statements of this month already
    billed, so its total is the difference still to invoice (negative: owed back to the client).
    """
    policy.require(actor, "settlement.add_statement")
    ensure_same_agency(actor, statement.agency_id)
    statement = _locked(statement)
    _check_status(statement, "correct")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the statement is corrected.")})
    pending = statement.corrections.exclude(status=StatementStatus.SUPERSEDED).first()
    if pending is not None and pending.status not in TRANSITIONS["supersede"]:
        raise ValidationError(
            {
                "status": _("Statement #%(id)s already corrects it; correct that one instead.")
                % {"id": pending.pk}
            }
        )
    month = month_of(statement.period)
    contract = statement.contract
    version = versions_in_force([contract.pk], month).get(contract.pk, statement.version)
    correction, lines = _settle_from_facts(
        contract, version, month, statement.statement_date, actor
    )
    correction.corrects = statement
    correction.correction_reason = reason.strip()
    carried = _carried_adjustments(pending or statement)
    if pending is not None:
        _supersede(pending)
    chain = approved_chain(statement)
    billed = sum((s.total for s in chain), Decimal(0))
    with translation.override(settings.LANGUAGE_CODE):
        # Lines are stored in the product language, like the engine's own descriptions.
        names = ", ".join(f"#{s.pk}" for s in chain)
        less = StatementLine(
            agency_id=contract.agency_id,
            client_id=contract.client_id,
            code="less_approved",
            description=_("Less the amount of approved statement %(ids)s") % {"ids": names},
            amount=-billed,
            formula=" + ".join(f"#{s.pk} {s.total:,.2f}" for s in chain)
            + f" = {billed:,.2f}; −{billed:,.2f}",
            inputs={f"#{s.pk}": str(s.total) for s in chain},
            origin=LineOrigin.CORRECTION,
            reason=reason.strip(),
            created_by=actor.user,
        )
    _save(correction, [*lines, *carried, less])
    record(
        actor=actor,
        action="statement.correct",
        obj=correction,
        data={"corrects": statement.pk, "billed": billed, "total": correction.total},
        reason=correction.correction_reason,
    )
    return correction


# --- Invoices and payments -----------------------------------------------------------------------


def invoice_due(period: dt.date, issued_on: dt.date, payment_day: int | None) -> dt.date:
    """The terms' payment day in the month after the period; if the statement was approved
    after that day, the next such day after approval. Without a payment day: 30 days after issue.
    """
    if payment_day is None:
        return issued_on + dt.timedelta(days=DEFAULT_PAYMENT_DAYS)
    year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
    due = dt.date(year, month, payment_day)
    while due < issued_on:
        year, month = (due.year + 1, 1) if due.month == 12 else (due.year, due.month + 1)
        due = dt.date(year, month, payment_day)
    return due


def _issue_invoice(statement: Statement, issued_on: dt.date) -> Invoice | None:
    if statement.total <= 0:
        return None  # nothing to collect: a correction that gives money back is not an invoice
    # The agency row is the lock that keeps invoice numbers gap-free and unique.
    Agency.objects.select_for_update().filter(pk=statement.agency_id).first()
    prefix = f"INV-{issued_on.year}-"
    issued = Invoice.objects.filter(agency_id=statement.agency_id, number__startswith=prefix)
    number = f"{prefix}{issued.count() + 1:04d}"
    payment_day = _terms(statement.version).windows.payment_day
    return Invoice.objects.create(
        agency_id=statement.agency_id,
        client_id=statement.client_id,
        statement=statement,
        number=number,
        amount=statement.total,
        issued_on=issued_on,
        due_on=invoice_due(statement.period, issued_on, payment_day),
    )


def _locked_invoice(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


@transaction.atomic
def record_payment(
    *,
    actor: Actor,
    invoice: Invoice,
    amount: Decimal,
    paid_on: dt.date,
    reference: str = "",
    allow_overpayment: bool = False,
) -> Payment:
    """Record money received. More than the open amount only with ``allow_overpayment``."""
    policy.require(actor, "settlement.add_payment")
    ensure_same_agency(actor, invoice.agency_id)
    invoice = _locked_invoice(invoice)
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
    if amount > invoice.open_amount and not allow_overpayment:
        raise ValidationError(
            {
                "amount": _(
                    "Only %(open)s is open on %(number)s. To record %(amount)s, confirm that "
                    "the client paid more than invoiced."
                )
                % {"open": invoice.open_amount, "number": invoice.number, "amount": amount}
            }
        )
    payment = Payment.objects.create(
        agency_id=invoice.agency_id,
        client_id=invoice.client_id,
        invoice=invoice,
        amount=amount,
        paid_on=paid_on,
        reference=reference.strip(),
        recorded_by=actor.acting_user(),
    )
    invoice.paid_amount += amount
    invoice.status = (
        InvoiceStatus.PAID
        if invoice.paid_amount >= invoice.amount
        else InvoiceStatus.PARTIALLY_PAID
    )
    invoice.save(update_fields=["paid_amount", "status"])
    # The engine reads payments as events paired with the notice by the invoice number, so a
    # payment stops (or lowers) late-payment interest in the next settlement.
    _event(invoice, actor, kind=EventKind.PAYMENT, date=paid_on, amount=amount)
    record(
        actor=actor,
        action="invoice.payment",
        obj=invoice,
        data={
            "amount": amount,
            "paid_on": paid_on,
            "reference": payment.reference,
            "overpaid": invoice.paid_amount > invoice.amount,
        },
    )
    return payment


def _event(invoice: Invoice, actor: Actor, **fields: Any) -> ContractEvent:
    return ContractEvent.objects.create(
        agency_id=invoice.agency_id,
        client_id=invoice.client_id,
        contract_id=Statement.objects.values_list("contract_id", flat=True).get(
            pk=invoice.statement_id
        ),
        ref=invoice.number,
        recorded_by=actor.user,
        **fields,
    )


def payment_notice(invoice: Invoice) -> ContractEvent | None:
    return ContractEvent.objects.filter(
        agency_id=invoice.agency_id, kind=EventKind.PAYMENT_NOTICE, ref=invoice.number
    ).first()


@transaction.atomic
def send_payment_notice(
    *, actor: Actor, invoice: Invoice, notice_date: dt.date, amount: Decimal | None = None
) -> ContractEvent:
    """Record the written notice of an overdue amount; late-payment interest counts from it."""
    policy.require(actor, "settlement.change_invoice")
    ensure_same_agency(actor, invoice.agency_id)
    invoice = _locked_invoice(invoice)
    if invoice.open_amount <= 0:
        raise ValidationError({"amount": _("Nothing is open on this invoice.")})
    if notice_date <= invoice.due_on:
        raise ValidationError(
            {
                "notice_date": _("The invoice is due on %(due)s; a notice can follow only after.")
                % {"due": invoice.due_on}
            }
        )
    if notice_date > timezone.localdate():
        raise ValidationError({"notice_date": _("A notice cannot be dated in the future.")})
    if payment_notice(invoice) is not None:
        raise ValidationError({"notice_date": _("A written notice was already recorded.")})
    amount = invoice.open_amount if amount is None else Decimal(amount).quantize(CENT)
    if amount <= 0 or amount > invoice.open_amount:
        raise ValidationError(
            {"amount": _("Between 0.01 and %(open)s.") % {"open": invoice.open_amount}}
        )
    event = _event(invoice, actor, kind=EventKind.PAYMENT_NOTICE, date=notice_date, amount=amount)
    record(
        actor=actor,
        action="invoice.notice",
        obj=invoice,
        data={"amount": amount, "notice_date": notice_date},
    )
    return event


def accrued_interest(invoice: Invoice, today: dt.date) -> tuple[engine.Line | None, str]:
    """Late-payment interest accrued on an invoice so far, and why there is none when None."""
    rule = _terms(invoice.statement.version).penalties.late_payment
    if rule is None:
        return None, "no_clause"
    notice = payment_notice(invoice)
    if notice is None:
        return None, "no_notice"
    payments = [(p.paid_on, p.amount) for p in invoice.payments.all() if p.paid_on >= notice.date]
    line = engine.late_payment_interest(
        rule,
        unpaid=notice.amount or Decimal(0),
        notice_date=notice.date,
        until=today,
        payments=payments,
        ref=invoice.number,
    )
    return line, "" if line is not None else "not_yet"


# --- Events --------------------------------------------------------------------------------------


@transaction.atomic
def record_event(
    *,
    actor: Actor,
    contract: Contract,
    date: dt.date,
    kind: str,
    account: str = "",
    ref: str = "",
    note: str = "",
) -> ContractEvent:
    """Record a session held, a late check-in, or a delivery falling due or handed over."""
    policy.require(actor, "settlement.add_contractevent")
    ensure_same_agency(actor, contract.agency_id)
    errors = {}
    if kind not in RECORDABLE:
        errors["kind"] = _("Record payments and notices on the invoice.")
    account = account.strip()
    if account and not ContractAccount.objects.filter(contract=contract, key=account).exists():
        errors["account"] = _("The contract has no account %(key)s.") % {"key": account}
    ref = ref.strip()
    if kind in NEEDS_REF and not ref:
        errors["ref"] = _("Name the deliverable, so that due and delivered pair up.")
    if errors:
        raise ValidationError(errors)
    event = ContractEvent.objects.create(
        agency_id=contract.agency_id,
        client_id=contract.client_id,
        contract=contract,
        date=date,
        kind=kind,
        account=account,
        ref=ref,
        note=note.strip(),
        recorded_by=actor.acting_user(),
    )
    record(
        actor=actor,
        action="contract_event.record",
        obj=event,
        data={"contract": contract.number, "kind": kind, "date": date, "ref": ref},
    )
    return event
