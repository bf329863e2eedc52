"""The write path of reports: the account manager's text, publishing, the due-day sweep."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
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
from .choices import ReportStatus
from .figures import client_figures
from .models import MonthlyReport

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
