"""The write path of reports: the account manager's text, publishing, the due-day sweep."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yunying.audit.actions import record
from yunying.notify.actions import notify
from yunying.notify.choices import NotificationKind
from yunying.settlement.engine import Month
from yunying.tenancy import policy
from yunying.tenancy.actions import client_reviewers, team_people
from yunying.tenancy.choices import Role
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import SYSTEM, Actor, ensure_same_agency

from . import render
from .choices import DeliveryStatus, ReportStatus
from .figures import client_figures
from .models import MonthlyReport, ReportDelivery

log = logging.getLogger(__name__)

MAX_TEXT = 5000


def month_key(month: Month) -> str:
    return f"{month.year}-{month.month:02d}"


def report_for(client: Client, month: Month) -> MonthlyReport:
    """The client's report row for ``month``, made (as a draft) when first asked for."""
    report, _created = MonthlyReport.objects.get_or_create(
        client=client, month=month_key(month), defaults={"agency_id": client.agency_id}
    )
    return report


def _check(actor: Actor, permission: str, client: Client) -> None:
    if actor is SYSTEM:
        return
    policy.require(actor, permission)
    ensure_same_agency(actor, client.agency_id)


@transaction.atomic
def write_commentary(
    *, actor: Actor, client: Client, month: Month, problems: str, suggestions: str
) -> MonthlyReport:
    """Save the problems and suggestions the account manager writes for the month."""
    _check(actor, "reports.change_monthlyreport", client)
    errors = {}
    for name, text in (("problems", problems), ("suggestions", suggestions)):
        if len(text) > MAX_TEXT:
            errors[name] = _("At most %(n)d characters.") % {"n": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    report = report_for(client, month)
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if (report.problems, report.suggestions) == (problems.strip(), suggestions.strip()):
        return report
    report.problems, report.suggestions = problems.strip(), suggestions.strip()
    report.written_by = actor.user
    report.save(update_fields=["problems", "suggestions", "written_by", "updated_at"])
    record(actor=actor, action="report.write", obj=report, data={"month": report.month})
    return report


@transaction.atomic
def publish(*, actor: Actor, client: Client, month: Month) -> MonthlyReport:
    """Render the month's PDF, keep it and show the report to the client.

    Refused while the manager's problems and suggestions are missing: a report without them is
    a table of numbers, not the analysis the contract asks for. Publishing again (after a
    correction) replaces the PDF; each publication is audited with the PDF's hash.
    """
    _check(actor, "reports.publish_monthlyreport", client)
    report = report_for(client, month)
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if not report.has_commentary:
        raise ValidationError(
            {"problems": _("Write the problems and suggestions before publishing.")}
        )
    pdf = render.render_pdf(client_figures(client, month), report)
    report.pdf.save(render.filename_for(client, month, "pdf"), ContentFile(pdf), save=False)
    first = report.status != ReportStatus.PUBLISHED
    report.status = ReportStatus.PUBLISHED
    report.published_by = actor.user
    report.published_at = timezone.now()
    report.save()
    record(
        actor=actor,
        action="report.publish",
        obj=report,
        data={"month": report.month, "sha256": hashlib.sha256(pdf).hexdigest(), "first": first},
    )
    queue_email(report, correction=not first)
    url = reverse("reports:monthly", args=[client.pk, report.month])
    transaction.on_commit(
        lambda: notify(
            client_reviewers(client),
            agency_id=client.agency_id,
            client_id=client.pk,
            kind=NotificationKind.REPORT_PUBLISHED,
            params={"client": client.name, "month": report.month},
            url=url,
            dedupe_key=f"report-published:{report.pk}:{report.published_at:%Y%m%d%H%M%S}",
        )
    )
    return report


def due_on(client: Client, month: Month) -> dt.date | None:
    """The report day of the month after ``month`` from the client's contracts in force
    (the earliest, when several name one)."""
    from yunying.contracts.models import Contract
    from yunying.settlement.facts import versions_in_force

    contracts = list(Contract.objects.filter(client=client).exclude(status="draft"))
    days = []
    for version in versions_in_force([c.pk for c in contracts], month).values():
        report_day = version.parsed().windows.report_day
        if report_day:
            following = Month.of(month.end + dt.timedelta(days=1))
            days.append(following.start.replace(day=min(report_day, following.end.day)))
    return min(days) if days else None


def sweep_due_reports(today: dt.date) -> dict[str, int]:
    """Daily: for every client whose last-month report is due today or overdue and not
    published, publish it when the manager has written their part, or remind the manager.

    Reminders carry a dedupe key per report and day, so a rerun sends nothing twice.
    """
    month = Month.of(today.replace(day=1) - dt.timedelta(days=1))
    counts = {"published": 0, "reminded": 0}
    clients = Client.objects.filter(contracts__isnull=False).distinct().order_by("pk")
    for client in clients:
        due = due_on(client, month)
        if due is None or due > today:
            continue
        report = report_for(client, month)
        if report.due_on != due:
            MonthlyReport.objects.filter(pk=report.pk).update(due_on=due)
            report.due_on = due
        if report.status == ReportStatus.PUBLISHED:
            continue
        if report.has_commentary:
            publish(actor=SYSTEM, client=client, month=month)
            counts["published"] += 1
            continue
        managers = team_people(client.pk, Role.ACCOUNT_MANAGER)
        notify(
            managers,
            agency_id=client.agency_id,
            client_id=client.pk,
            kind=NotificationKind.REPORT_COMMENTARY_MISSING,
            params={"client": client.name, "month": report.month, "due": due.isoformat()},
            url=reverse("reports:monthly", args=[client.pk, report.month]),
            dedupe_key=f"report-commentary:{report.pk}:{today.isoformat()}",
        )
        counts["reminded"] += 1
    return counts


# --- E-mail of published reports -------------------------------------------------------------

EMAIL_ATTEMPTS = 6
# 2, 4, 8, 16, 32 minutes between the six attempts: about an hour before the managers are told.
EMAIL_BACKOFF = dt.timedelta(minutes=2)


def report_recipients(client: Client) -> list[str]:
    """Where the client's report goes: its reviewers' e-mail addresses (those who have one)."""
    return sorted({u.email.strip().lower() for u in client_reviewers(client) if u.email.strip()})


def queue_email(report: MonthlyReport, *, correction: bool) -> ReportDelivery | None:
    """Record an e-mail of the report as published and send it once the transaction commits;
    None when the client has no reviewer with an e-mail address (the page says so)."""
    recipients = report_recipients(report.client)
    if not recipients:
        return None
    # An e-mail of this report still waiting would attach the same (current) PDF: it gives way.
    # A worker sending one holds its row, so this waits for it and then finds it sent.
    waiting = ReportDelivery.objects.select_for_update().filter(
        report=report, status=DeliveryStatus.PENDING
    )
    # A resend that replaces a waiting correction is still the correction.
    correction = correction or any(w.correction for w in waiting)
    waiting.update(status=DeliveryStatus.SUPERSEDED, next_attempt_at=None)
    delivery = ReportDelivery.objects.create(
        agency_id=report.agency_id,
        client_id=report.client_id,
        report=report,
        recipients=recipients,
        correction=correction,
        next_attempt_at=timezone.now(),
    )
    from . import tasks

    # Robust: when the broker cannot be reached, the publication still stands, the callbacks
    # after this one (the reviewers' in-app notice) still run, and the row is sent by the
    # two-minute retry sweep instead.
    transaction.on_commit(lambda: tasks.send_report_email.delay(delivery.pk), robust=True)
    return delivery


@transaction.atomic
def resend(*, actor: Actor, client: Client, month: Month) -> ReportDelivery:
    """Send the published PDF again (to the reviewers as they are now)."""
    _check(actor, "reports.publish_monthlyreport", client)
    report = report_for(client, month)
    if report.status != ReportStatus.PUBLISHED or not report.pdf:
        raise ValidationError(_("Only a published report can be sent."))
    delivery = queue_email(report, correction=False)
    if delivery is None:
        raise ValidationError(_("None of the client's reviewers has an e-mail address."))
    record(actor=actor, action="report.resend", obj=report, data={"month": report.month})
    return delivery


def _message(delivery: ReportDelivery) -> EmailMessage:
    report, client = delivery.report, delivery.client
    month = Month.parse(report.month)
    link = reverse("reports:monthly", args=[client.pk, report.month])
    # From is the platform's address; a reply goes to the people who wrote the report.
    reply_to = sorted(
        {u.email.strip() for u in team_people(client.pk, Role.ACCOUNT_MANAGER) if u.email.strip()}
    )
    context = {
        "client": client,
        "agency": client.agency,
        "month_label": f"{month.year} 年 {month.month} 月",
        "correction": delivery.correction,
        "url": settings.YUNYING_BASE_URL + link,
        "reply_to": reply_to,
    }
    subject = " ".join(render_to_string("reports/email/subject.txt", context).split())
    body = render_to_string("reports/email/body.txt", context)
    message = EmailMessage(subject, body, to=delivery.recipients, reply_to=reply_to)
    with report.pdf.open("rb") as pdf:
        message.attach(render.filename_for(client, month, "pdf"), pdf.read(), "application/pdf")
    return message


def _permanent(exc: Exception) -> bool:
    """An answer no retry will change: every recipient refused, or a 5xx reply."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def send_delivery(delivery_id: int, *, now: dt.datetime | None = None) -> ReportDelivery | None:
    """One attempt at a pending e-mail that is due; the row is locked meanwhile, so two workers
    never send it twice. A failure waits 2, 4, 8 … minutes; after the last attempt (or at once
    when the server's answer is final) the e-mail is failed and the account managers are told.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            ReportDelivery.objects.select_for_update(skip_locked=True)
            .select_related("report", "client__agency")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
            return delivery
        delivery.attempts += 1
        try:
            _message(delivery).send()
        except (smtplib.SMTPException, OSError) as exc:
            # The error names the server's answer; the connection's credentials are not in it.
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            log.warning("report e-mail %s failed: %s", delivery.pk, delivery.last_error)
            if delivery.attempts >= EMAIL_ATTEMPTS or _permanent(exc):
                _give_up(delivery)
            else:
                delivery.next_attempt_at = now + EMAIL_BACKOFF * 2 ** (delivery.attempts - 1)
        else:
            delivery.status, delivery.sent_at, delivery.next_attempt_at = (
                DeliveryStatus.SENT,
                now,
                None,
            )
            delivery.last_error = ""
            record(
                actor=SYSTEM,
                action="report.email",
                obj=delivery.report,
                data={"month": delivery.report.month, "to": delivery.recipients},
            )
        delivery.save()
        return delivery


def _give_up(delivery: ReportDelivery) -> None:
    delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    report, client = delivery.report, delivery.client
    record(
        actor=SYSTEM,
        action="report.email_failed",
        obj=report,
        data={"month": report.month, "to": delivery.recipients, "error": delivery.last_error},
    )
    notify(
        team_people(client.pk, Role.ACCOUNT_MANAGER),
        agency_id=client.agency_id,
        client_id=client.pk,
        kind=NotificationKind.REPORT_EMAIL_FAILED,
        params={"client": client.name, "month": report.month, "error": delivery.last_error},
        url=reverse("reports:monthly", args=[client.pk, report.month]),
        dedupe_key=f"report-email-failed:{delivery.pk}",
    )


def send_due_deliveries(now: dt.datetime | None = None) -> int:
    """Every pending e-mail whose next attempt is due: one attempt each. Returns how many
    were tried."""
    now = now or timezone.now()
    due = ReportDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).values_list("pk", flat=True)
    ids = list(due)
    for pk in ids:
        send_delivery(pk, now=now)
    return len(ids)
