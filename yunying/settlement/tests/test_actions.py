"""The settlement write path: who may do what, in which state, and the arithmetic it leaves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from yunying.audit.models import AuditEntry
from yunying.contracts.choices import ContractStatus
from yunying.notify.choices import NotificationKind
from yunying.notify.models import Notification
from yunying.settlement import actions
from yunying.settlement.choices import EventKind, InvoiceStatus, LineOrigin, StatementStatus
from yunying.settlement.engine import Month
from yunying.settlement.models import Statement
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

from .helpers import KPI, growth, make_contract

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCT = Month(2026, 10)


def at(day: str) -> time_machine.travel:
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI))


def finance(world: World) -> actions.Actor:
    return actor(world.alpha.staff[Role.FINANCE])


def reviewer(world: World, index: int = 0) -> actions.Actor:
    return actor(world.alpha.clients[index].reviewer)


def settled(world: World, number: str = "C-1", **extra: object) -> Statement:
    contract = make_contract(world.alpha, world.alpha.clients[0], number, **extra)
    return actions.settle_contract(actor=finance(world), contract=contract, month=OCT)


def approved(world: World, number: str = "C-1") -> Statement:
    statement = settled(world, number)
    with at("2026-11-02"):
        actions.send_statement(actor=finance(world), statement=statement)
    with at("2026-11-03"):
        return actions.approve_statement(actor=reviewer(world), statement=statement)


def codes(statement: Statement) -> list[tuple[str, Decimal]]:
    return list(statement.lines.order_by("position").values_list("code", "amount"))


# --- settling -------------------------------------------------------------------------------------


def test_finance_settles_a_month_into_a_draft_with_explained_lines(world: World) -> None:
    statement = settled(world)
    assert statement.status == StatementStatus.DRAFT
    assert codes(statement) == [("fixed", Decimal("3000.00")), ("per_session", Decimal("0.00"))]
    assert statement.total == Decimal("3000.00")
    fixed = statement.lines.get(code="fixed")
    assert "3,000.00" in fixed.formula
    assert fixed.inputs["fixed_monthly"] == "3000.00"
    assert AuditEntry.objects.filter(
        action="statement.settle", object_id=str(statement.pk)
    ).exists()


def test_settlement_reads_stored_sessions_and_metrics(world: World) -> None:
    side = world.alpha.clients[0]
    contract = make_contract(world.alpha, side, "C-KPI", **KPI)
    growth(side, dt.date(2026, 10, 5), new=350, lost=50)
    for day in (3, 17):
        actions.record_event(
            actor=finance(world), contract=contract, date=dt.date(2026, 10, day), kind="session"
        )
    statement = actions.settle_contract(actor=finance(world), contract=contract, month=OCT)
    lines = dict(codes(statement))
    # Growth 300 of 400: attainment 0.75 > 0.70, so full fixed fee plus 300 × 0.75.
    assert lines["fixed"] == Decimal("3000.00")
    assert lines["performance:a_growth"] == Decimal("225.00")
    assert lines["per_session"] == Decimal("1000.00")
    assert statement.overall_attainment == Decimal("0.75")
    assert statement.total == Decimal("4225.00")


def test_only_finance_and_the_admin_settle(world: World) -> None:
    contract = make_contract(world.alpha, world.alpha.clients[0], "C-2")
    for who in (world.alpha.staff[Role.ACCOUNT_MANAGER], world.alpha.clients[0].reviewer):
        with pytest.raises(PermissionDenied):
            actions.settle_contract(actor=actor(who), contract=contract, month=OCT)
    with pytest.raises(PermissionDenied):
        actions.settle_contract(
            actor=actor(world.beta.staff[Role.FINANCE]), contract=contract, month=OCT
        )


def test_a_draft_contract_is_not_settled(world: World) -> None:
    contract = make_contract(
        world.alpha, world.alpha.clients[0], "C-D", status=ContractStatus.DRAFT
    )
    with pytest.raises(ValidationError):
        actions.settle_contract(actor=finance(world), contract=contract, month=OCT)


def test_settling_again_supersedes_the_draft_and_keeps_its_adjustments(world: World) -> None:
    first = settled(world)
    actions.adjust_statement(
        actor=finance(world),
        statement=first,
        amount=Decimal("-100"),
        description="goodwill",
        reason="late report",
    )
    second = actions.settle_contract(actor=finance(world), contract=first.contract, month=OCT)
    first.refresh_from_db()
    assert first.status == StatementStatus.SUPERSEDED
    assert second.lines.filter(origin=LineOrigin.ADJUSTMENT, reason="late report").exists()
    assert second.total == Decimal("2900.00")


def test_a_sent_statement_is_not_settled_again(world: World) -> None:
    statement = settled(world)
    actions.send_statement(actor=finance(world), statement=statement)
    with pytest.raises(ValidationError, match="更正"):
        actions.settle_contract(actor=finance(world), contract=statement.contract, month=OCT)


# --- adjusting and sending -----------------------------------------------------------------------


def test_an_adjustment_needs_a_reason_and_the_total_stays_the_sum_of_lines(world: World) -> None:
    statement = settled(world)
    with pytest.raises(ValidationError) as error:
        actions.adjust_statement(
            actor=finance(world),
            statement=statement,
            amount=Decimal(50),
            description="x",
            reason=" ",
        )
    assert "reason" in error.value.message_dict
    line = actions.adjust_statement(
        actor=finance(world),
        statement=statement,
        amount=Decimal("123.456"),
        description="extra video",
        reason="client asked for one more",
    )
    statement.refresh_from_db()
    assert line.amount == Decimal("123.46")
    assert statement.total == sum(statement.lines.values_list("amount", flat=True))
    assert statement.total == Decimal("3123.46")
    entry = AuditEntry.objects.get(action="statement.adjust", object_id=str(statement.pk))
    assert entry.reason == "client asked for one more"
    assert entry.data["amount"] == "123.46"


def test_the_account_manager_cannot_adjust(world: World) -> None:
    statement = settled(world)
    with pytest.raises(PermissionDenied):
        actions.adjust_statement(
            actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]),
            statement=statement,
            amount=Decimal(1),
            description="x",
            reason="y",
        )


def test_sending_tells_the_reviewer_and_sets_the_answer_date_in_working_days(
    world: World,
) -> None:
    statement = settled(world)
    # 2026-09-30 + 3 working days skips the National Day holiday: 10-08, 10-09 and the
    # make-up working Saturday 10-10 (a calendar-day guess would say 10-03).
    with at("2026-09-30"):
        actions.send_statement(actor=finance(world), statement=statement)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT
    assert statement.response_due == dt.date(2026, 10, 10)
    deadline = statement.response_deadline
    assert deadline is not None
    assert "2026-10-10" in deadline.explanation
    note = Notification.objects.get(
        recipient=world.alpha.clients[0].reviewer, kind=NotificationKind.STATEMENT_SENT
    )
    assert note.params["contract"] == "C-1"
    assert not Notification.objects.filter(
        recipient=world.alpha.clients[1].reviewer, kind=NotificationKind.STATEMENT_SENT
    ).exists()


# --- the client's decision -----------------------------------------------------------------------


def test_only_that_clients_reviewer_decides(world: World) -> None:
    statement = settled(world)
    actions.send_statement(actor=finance(world), statement=statement)
    for who in (
        reviewer(world, 1),
        finance(world),
        actor(world.alpha.admin),
        actor(world.beta.clients[0].reviewer),
    ):
        with pytest.raises(PermissionDenied):
            actions.approve_statement(actor=who, statement=statement)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT


def test_a_draft_cannot_be_approved(world: World) -> None:
    statement = settled(world)
    with pytest.raises(ValidationError):
        actions.approve_statement(actor=reviewer(world), statement=statement)


def test_a_dispute_needs_a_comment_and_returns_the_statement_to_finance(world: World) -> None:
    statement = settled(world)
    actions.send_statement(actor=finance(world), statement=statement)
    with pytest.raises(ValidationError) as error:
        actions.dispute_statement(actor=reviewer(world), statement=statement, comment="  ")
    assert "comment" in error.value.message_dict
    actions.dispute_statement(
        actor=reviewer(world), statement=statement, comment="only two sessions"
    )
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DISPUTED
    assert Notification.objects.filter(
        recipient=world.alpha.staff[Role.FINANCE], kind=NotificationKind.STATEMENT_DECIDED
    ).exists()
    actions.adjust_statement(
        actor=finance(world),
        statement=statement,
        amount=Decimal("-500"),
        description="one session less",
        reason="client's log shows two",
    )
    actions.send_statement(actor=finance(world), statement=statement)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT


def test_approval_issues_the_invoice_due_on_the_payment_day_after_the_period(
    world: World,
) -> None:
    statement = approved(world)
    invoice = statement.invoice
    assert statement.status == StatementStatus.APPROVED
    assert invoice.number == "INV-2026-0001"
    assert invoice.amount == Decimal("3000.00")
    assert invoice.issued_on == dt.date(2026, 11, 3)
    assert invoice.due_on == dt.date(2026, 11, 10)
    assert invoice.status == InvoiceStatus.OPEN


def test_invoice_due_date_moves_to_the_next_payment_day_when_approved_late() -> None:
    october = dt.date(2026, 10, 1)
    assert actions.invoice_due(october, dt.date(2026, 11, 3), 10) == dt.date(2026, 11, 10)
    assert actions.invoice_due(october, dt.date(2026, 11, 20), 10) == dt.date(2026, 12, 10)
    assert actions.invoice_due(dt.date(2026, 12, 1), dt.date(2027, 1, 5), 10) == dt.date(
        2027, 1, 10
    )
    assert actions.invoice_due(october, dt.date(2026, 11, 3), None) == dt.date(2026, 12, 3)


def test_invoice_numbers_count_up_per_agency(world: World) -> None:
    first = approved(world, "C-1").invoice
    second = approved(world, "C-2").invoice
    assert (first.number, second.number) == ("INV-2026-0001", "INV-2026-0002")


def test_an_approved_statement_cannot_be_adjusted_sent_or_settled_again(world: World) -> None:
    statement = approved(world)
    with pytest.raises(ValidationError):
        actions.adjust_statement(
            actor=finance(world),
            statement=statement,
            amount=Decimal(1),
            description="x",
            reason="y",
        )
    with pytest.raises(ValidationError):
        actions.send_statement(actor=finance(world), statement=statement)
    with pytest.raises(ValidationError):
        actions.settle_contract(actor=finance(world), contract=statement.contract, month=OCT)


# --- corrections ---------------------------------------------------------------------------------


def test_a_correction_bills_only_the_difference_and_leaves_the_approved_one(
    world: World,
) -> None:
    original = approved(world)
    actions.record_event(
        actor=finance(world),
        contract=original.contract,
        date=dt.date(2026, 10, 20),
        kind=EventKind.SESSION,
    )
    correction = actions.correct_statement(
        actor=finance(world), statement=original, reason="a session was not recorded"
    )
    assert correction.corrects == original
    assert correction.status == StatementStatus.DRAFT
    assert codes(correction) == [
        ("fixed", Decimal("3000.00")),
        ("per_session", Decimal("500.00")),
        ("less_approved", Decimal("-3000.00")),
    ]
    assert correction.total == Decimal("500.00")
    original.refresh_from_db()
    assert original.status == StatementStatus.APPROVED
    assert original.total == Decimal("3000.00")


def test_a_second_correction_subtracts_everything_already_approved(world: World) -> None:
    original = approved(world)
    first = actions.correct_statement(actor=finance(world), statement=original, reason="recount")
    actions.adjust_statement(
        actor=finance(world),
        statement=first,
        amount=Decimal("200"),
        description="extra article",
        reason="agreed on the phone",
    )
    actions.send_statement(actor=finance(world), statement=first)
    actions.approve_statement(actor=reviewer(world), statement=first)
    with pytest.raises(ValidationError, match=f"#{first.pk}"):
        actions.correct_statement(actor=finance(world), statement=original, reason="again")
    second = actions.correct_statement(actor=finance(world), statement=first, reason="again")
    # 3,000 fixed + 0 sessions + the 200 adjustment carried over − (3,000 + 200) already billed.
    assert codes(second)[-1] == ("less_approved", Decimal("-3200.00"))
    assert second.total == Decimal("0.00")


def test_only_an_approved_statement_is_corrected(world: World) -> None:
    statement = settled(world)
    with pytest.raises(ValidationError):
        actions.correct_statement(actor=finance(world), statement=statement, reason="x")


# --- payments, notices, interest -----------------------------------------------------------------


def test_payments_close_the_invoice_and_overpayment_needs_confirmation(world: World) -> None:
    invoice = approved(world).invoice
    with at("2026-11-05"):
        actions.record_payment(
            actor=finance(world),
            invoice=invoice,
            amount=Decimal(1000),
            paid_on=dt.date(2026, 11, 5),
        )
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.PARTIALLY_PAID
        assert invoice.open_amount == Decimal("2000.00")
        with pytest.raises(ValidationError, match=r"2000\.00") as error:
            actions.record_payment(
                actor=finance(world),
                invoice=invoice,
                amount=Decimal(2500),
                paid_on=dt.date(2026, 11, 5),
            )
        assert "amount" in error.value.message_dict
        actions.record_payment(
            actor=finance(world),
            invoice=invoice,
            amount=Decimal(2500),
            paid_on=dt.date(2026, 11, 5),
            allow_overpayment=True,
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.paid_amount == Decimal("3500.00")


def test_only_finance_records_payments(world: World) -> None:
    invoice = approved(world).invoice
    with pytest.raises(PermissionDenied):
        actions.record_payment(
            actor=reviewer(world), invoice=invoice, amount=Decimal(1), paid_on=dt.date(2026, 11, 5)
        )


def test_a_notice_waits_for_the_due_date(world: World) -> None:
    invoice = approved(world).invoice
    with at("2026-11-10"), pytest.raises(ValidationError) as error:
        actions.send_payment_notice(
            actor=finance(world), invoice=invoice, notice_date=dt.date(2026, 11, 10)
        )
    assert "notice_date" in error.value.message_dict


def test_the_invoice_accrues_interest_from_day_16_after_the_notice(world: World) -> None:
    invoice = approved(world).invoice
    assert actions.accrued_interest(invoice, dt.date(2026, 12, 5)) == (None, "no_notice")
    with at("2026-11-12"):
        actions.send_payment_notice(
            actor=finance(world), invoice=invoice, notice_date=dt.date(2026, 11, 12)
        )
    assert actions.accrued_interest(invoice, dt.date(2026, 11, 27)) == (None, "not_yet")
    line, _why = actions.accrued_interest(invoice, dt.date(2026, 12, 5))
    # 2026-11-28 … 2026-12-05 is 8 days × 0.05 % × 3,000.
    assert line is not None
    assert line.amount == Decimal("12.00")
    assert "3,000.00 × 0.05% × 8" in line.formula


def test_next_months_statement_charges_late_payment_until_the_payment(world: World) -> None:
    original = approved(world)
    invoice = original.invoice
    with at("2026-11-12"):
        actions.send_payment_notice(
            actor=finance(world), invoice=invoice, notice_date=dt.date(2026, 11, 12)
        )
    with at("2026-12-05"):
        actions.record_payment(
            actor=finance(world),
            invoice=invoice,
            amount=Decimal(3000),
            paid_on=dt.date(2026, 12, 5),
        )
    november = actions.settle_contract(
        actor=finance(world), contract=original.contract, month=Month(2026, 11)
    )
    december = actions.settle_contract(
        actor=finance(world), contract=original.contract, month=Month(2026, 12)
    )
    # November: 11-28 … 11-30, 3 days; December: 12-01 … 12-05 (the payment day counts), 5 days.
    assert dict(codes(november))[f"late_payment:{invoice.number}"] == Decimal("4.50")
    assert dict(codes(december))[f"late_payment:{invoice.number}"] == Decimal("7.50")


# --- events --------------------------------------------------------------------------------------


def test_events_name_a_known_account_and_deliveries_a_reference(world: World) -> None:
    contract = make_contract(world.alpha, world.alpha.clients[0], "C-E")
    with pytest.raises(ValidationError) as error:
        actions.record_event(
            actor=finance(world),
            contract=contract,
            date=dt.date(2026, 10, 1),
            kind=EventKind.DELIVERY_DUE,
            account="Z",
        )
    assert set(error.value.message_dict) == {"account", "ref"}
    with pytest.raises(ValidationError) as error:
        actions.record_event(
            actor=finance(world),
            contract=contract,
            date=dt.date(2026, 10, 1),
            kind=EventKind.PAYMENT,
        )
    assert "kind" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.record_event(
            actor=reviewer(world),
            contract=contract,
            date=dt.date(2026, 10, 1),
            kind=EventKind.SESSION,
        )
