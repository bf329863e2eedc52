"""The published report by e-mail: the PDF as published goes to the client's reviewers, once
per publication; failures wait on the row and end, after the last attempt, with the managers
told; one test sends through Django's SMTP backend to a real SMTP server on this machine."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import smtplib
import socket
from collections.abc import Iterator
from email.message import EmailMessage as ParsedMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from yunying.audit.models import AuditEntry
from yunying.notify.choices import NotificationKind
from yunying.notify.models import Notification
from yunying.reports import actions, tasks
from yunying.reports.choices import DeliveryStatus
from yunying.reports.models import ReportDelivery
from yunying.reports.tests.helpers import OCTOBER, commentary, reporting_client
from yunying.tenancy.choices import Role
from yunying.testing import ClientSide, World, actor

pytestmark = pytest.mark.django_db


def with_address(side: ClientSide, address: str = "reviewer@client.example") -> None:
    side.reviewer.email = address
    side.reviewer.save(update_fields=["email"])


def published(world: World, side: ClientSide) -> Any:
    commentary(world, side)
    return actions.publish(
        actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]), client=side.client, month=OCTOBER
    )


def test_publishing_e_mails_the_pdf_to_the_clients_reviewers_only(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    side = reporting_client(world)
    with_address(side)
    # Another client's and another agency's reviewers have addresses too, and get nothing.
    with_address(world.alpha.clients[1], "other@client.example")
    with_address(world.beta.clients[0], "beta@client.example")
    manager = world.alpha.staff[Role.ACCOUNT_MANAGER]
    manager.email = "manager@agency.example"
    manager.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        report = published(world, side)
    [message] = mail.outbox
    assert message.to == ["reviewer@client.example"]
    # A reply reaches the account manager, not the platform's sending address.
    assert message.reply_to == ["manager@agency.example"]
    assert "直接回复本邮件" in message.body
    assert message.subject == f"{side.client.name} 2026 年 10 月运营报告"
    assert "2026 年 10 月的运营报告已经完成" in message.body
    assert f"/reports/{side.client.pk}/2026-10/" in message.body
    [(name, content, mimetype)] = message.attachments
    report.refresh_from_db()
    assert name == f"report-{side.client.pk}-2026-10.pdf"
    assert mimetype == "application/pdf"
    with report.pdf.open("rb") as pdf:
        assert content == pdf.read()
    delivery = ReportDelivery.objects.get(report=report)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    entry = AuditEntry.objects.get(action="report.email")
    assert entry.data["to"] == ["reviewer@client.example"]


def test_publishing_again_sends_the_correction(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    side = reporting_client(world)
    with_address(side)
    with django_capture_on_commit_callbacks(execute=True):
        published(world, side)
    with django_capture_on_commit_callbacks(execute=True):
        published(world, side)
    first, second = mail.outbox
    # No manager has an address here: the e-mail does not invite a reply.
    assert first.reply_to == []
    assert "回复本邮件" not in first.body
    assert not first.subject.startswith("【更正】")
    assert second.subject.startswith("【更正】")
    assert "更正后的完整报告" in second.body
    assert ReportDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 2


def test_publishing_again_before_the_first_e_mail_went_out_sends_one(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    side = reporting_client(world)
    with_address(side)
    # The broker is slow: the first publication's e-mail is still waiting.
    with django_capture_on_commit_callbacks(execute=False):
        report = published(world, side)
    with django_capture_on_commit_callbacks(execute=False):
        published(world, side)
    first, second = ReportDelivery.objects.order_by("pk")
    assert first.status == DeliveryStatus.SUPERSEDED
    assert first.next_attempt_at is None
    assert second.status == DeliveryStatus.PENDING
    assert second.correction
    # The sweep (or the first task arriving late) sends only the newer one.
    actions.send_delivery(first.pk)
    assert actions.send_due_deliveries() == 1
    [message] = mail.outbox
    assert message.subject.startswith("【更正】")

    # A resend replacing a correction that is still waiting keeps saying it is one.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):
        published(world, side)
    resent = actions.resend(
        actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]), client=side.client, month=OCTOBER
    )
    assert resent.correction
    assert ReportDelivery.objects.filter(report=report, status=DeliveryStatus.PENDING).count() == 1


def test_no_address_means_no_e_mail_and_the_page_says_so(world: World, login: Any) -> None:
    side = reporting_client(world)
    published(world, side)
    assert mail.outbox == []
    assert not ReportDelivery.objects.exists()
    page = login(world.alpha.staff[Role.ACCOUNT_MANAGER]).get(
        reverse("reports:monthly", args=[side.client.pk, "2026-10"])
    )
    assert "没有填写电子邮箱" in page.content.decode()
    answer = login(world.alpha.staff[Role.ACCOUNT_MANAGER]).post(
        reverse("reports:resend", args=[side.client.pk, "2026-10"])
    )
    assert answer.status_code == 302
    assert not ReportDelivery.objects.exists()


def test_an_unreachable_broker_leaves_the_e_mail_to_the_retry_sweep(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    side = reporting_client(world)
    with_address(side)

    def broker_down(delivery_id: int) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.send_report_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        report = published(world, side)
    # The publication stands and the reviewer's in-app notice still goes out.
    assert Notification.objects.filter(
        kind=NotificationKind.REPORT_PUBLISHED, recipient=side.reviewer
    ).exists()
    assert mail.outbox == []
    assert ReportDelivery.objects.get(report=report).status == DeliveryStatus.PENDING
    assert actions.send_due_deliveries() == 1
    assert len(mail.outbox) == 1


def test_a_server_refusing_the_connection_is_tried_again_later(world: World, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    # Nothing listens on this port: the connection itself is refused.
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    side = reporting_client(world)
    with_address(side)
    report = published(world, side)
    now = timezone.now()
    found = actions.send_delivery(ReportDelivery.objects.get(report=report).pk, now=now)
    assert found is not None
    assert found.status == DeliveryStatus.PENDING
    assert found.attempts == 1
    assert found.next_attempt_at == now + dt.timedelta(minutes=2)
    assert found.last_error.startswith("ConnectionRefusedError")
    assert not Notification.objects.filter(kind=NotificationKind.REPORT_EMAIL_FAILED).exists()


class Refusing:
    """An e-mail backend whose server answers every message with ``code``."""

    code = 451

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        raise smtplib.SMTPDataError(self.code, b"try again later")


def test_a_failure_waits_then_gives_up_and_tells_the_managers(world: World, settings: Any) -> None:
    side = reporting_client(world)
    with_address(side)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    report = published(world, side)
    delivery = ReportDelivery.objects.get(report=report)
    now = timezone.now()
    waits = []
    for _attempt in range(actions.EMAIL_ATTEMPTS):
        found = actions.send_delivery(delivery.pk, now=now)
        assert found is not None
        if found.next_attempt_at is not None:
            waits.append(found.next_attempt_at - now)
            # Not yet due: nothing is tried.
            assert actions.send_due_deliveries(now) == 0
            now = found.next_attempt_at
    delivery.refresh_from_db()
    assert waits == [dt.timedelta(minutes=m) for m in (2, 4, 8, 16, 32)]
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == actions.EMAIL_ATTEMPTS
    assert "try again later" in delivery.last_error
    told = Notification.objects.filter(kind=NotificationKind.REPORT_EMAIL_FAILED)
    assert {n.recipient for n in told} == {world.alpha.staff[Role.ACCOUNT_MANAGER]}
    assert AuditEntry.objects.filter(action="report.email_failed").count() == 1


def test_a_final_refusal_gives_up_at_once(world: World, settings: Any) -> None:
    side = reporting_client(world)
    with_address(side)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    Refusing.code = 550
    try:
        report = published(world, side)
        found = actions.send_delivery(ReportDelivery.objects.get(report=report).pk)
    finally:
        Refusing.code = 451
    assert found is not None
    assert found.status == DeliveryStatus.FAILED
    assert found.attempts == 1


def test_staff_see_the_deliveries_and_resend(
    world: World, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    side = reporting_client(world)
    with_address(side)
    with django_capture_on_commit_callbacks(execute=True):
        published(world, side)
    manager = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    url = reverse("reports:monthly", args=[side.client.pk, "2026-10"])
    body = manager.get(url).content.decode()
    assert 'id="delivery-list"' in body
    assert "reviewer@client.example" in body
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            manager.post(reverse("reports:resend", args=[side.client.pk, "2026-10"])).status_code
            == 302
        )
    assert len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action="report.resend").count() == 1
    # The client reads the report but not the delivery log; a copywriter cannot resend.
    assert 'id="delivery-list"' not in login(side.reviewer).get(url).content.decode()
    writer = login(world.alpha.staff[Role.COPYWRITER])
    assert (
        writer.post(reverse("reports:resend", args=[side.client.pk, "2026-10"])).status_code == 403
    )
    other = login(world.beta.admin)
    assert (
        other.post(reverse("reports:resend", args=[side.client.pk, "2026-10"])).status_code == 404
    )
    # The admin lists the agency's own e-mails, read only.
    listing = reverse("admin:reports_reportdelivery_changelist")
    theirs = other.get(listing)
    assert theirs.status_code == 200
    assert side.client.name not in theirs.content.decode()
    mine = login(world.alpha.admin).get(listing)
    assert mine.status_code == 200
    assert mine.content.decode().count(side.client.name) >= 2


class Inbox:
    """What the local SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_the_pdf_arrives_through_a_real_smtp_server(
    world: World, settings: Any, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    side = reporting_client(world)
    with_address(side)
    report = published(world, side)
    delivery = actions.send_delivery(ReportDelivery.objects.get(report=report).pk)
    assert delivery is not None
    assert delivery.status == DeliveryStatus.SENT
    [(to, raw)] = inbox.messages
    assert to == ["reviewer@client.example"]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, ParsedMessage)
    # A long encoded subject is folded onto the next line; the folding space is not the text.
    assert str(parsed["Subject"]).strip() == f"{side.client.name} 2026 年 10 月运营报告"
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    report.refresh_from_db()
    with report.pdf.open("rb") as pdf:
        assert attachment.get_content() == pdf.read()
