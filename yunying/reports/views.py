"""Monthly report pages: the list, the report with the manager's form, PDF and Excel."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.core.views import run_action
from yunying.metrics.choices import FlagStatus
from yunying.metrics.models import EngagementFlag
from yunying.settlement.engine import Month
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor, get_visible_or_404

from . import actions, export
from . import render as report_render
from .choices import ReportStatus
from .figures import client_figures, previous_month
from .forms import CommentaryForm
from .models import MonthlyReport, ReportDelivery

LIST_MONTHS = 6
DELIVERIES_SHOWN = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise Http404(text) from None


def _report(
    actor: Actor, client_id: int, month_text: str
) -> tuple[Client, Month, MonthlyReport | None]:
    """The client and month asked for; a client reviewer only reaches published reports."""
    client = get_visible_or_404(Client, actor, pk=client_id)
    month = _month(month_text)
    report = (
        MonthlyReport.objects.visible_to(actor)
        .filter(client=client, month=actions.month_key(month))
        .first()
    )
    unpublished = report is None or report.status != ReportStatus.PUBLISHED
    if actor.is_client_reviewer and not actor.is_staff_member and unpublished:
        raise Http404(month_text)
    return client, month, report


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Staff: the last months of every client with each report's state. Clients: what was
    published to them."""
    actor = policy.actor_with(request, "reports.view_monthlyreport")
    reports = MonthlyReport.objects.visible_to(actor).select_related("client")
    if actor.is_staff_member:
        latest = previous_month(Month.of(timezone.localdate()))
        months = [latest]
        while len(months) < LIST_MONTHS:
            months.append(previous_month(months[-1]))
        keys = [actions.month_key(m) for m in months]
        found = {(r.client_id, r.month): r for r in reports.filter(month__in=keys)}
        clients = Client.objects.visible_to(actor).order_by("name")
        rows = [(c, [(k, found.get((c.pk, k))) for k in keys]) for c in clients]
        open_flags = (
            EngagementFlag.objects.visible_to(actor).filter(status=FlagStatus.OPEN).count()
            if policy.can(actor, "metrics.view_engagementflag")
            else None
        )
        context = {"rows": rows, "months": keys, "open_flags": open_flags}
        return render(request, "reports/list.html", context)
    published = reports.filter(status=ReportStatus.PUBLISHED).order_by("-month", "client__name")
    clients = Client.objects.visible_to(actor).order_by("name")
    return render(request, "reports/list.html", {"published": published, "clients": clients})


def _page(
    request: HttpRequest,
    actor: Actor,
    client: Client,
    month: Month,
    report: MonthlyReport | None,
    *,
    form: CommentaryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    figures = client_figures(client, month)
    can_write = policy.can(actor, "reports.change_monthlyreport")
    initial = {"problems": report.problems, "suggestions": report.suggestions} if report else {}
    context = {
        **report_render.context(figures, report),
        "client": client,
        "month_key": actions.month_key(month),
        "can_write": can_write,
        "can_publish": policy.can(actor, "reports.publish_monthlyreport"),
        "actor_is_staff": actor.is_staff_member,
        "recipients": actions.report_recipients(client) if actor.is_staff_member else [],
        "deliveries": list(
            ReportDelivery.objects.visible_to(actor).filter(report=report)[:DELIVERIES_SHOWN]
        )
        if report and actor.is_staff_member
        else [],
        "form": form or (CommentaryForm(initial=initial) if can_write else None),
        "previous": actions.month_key(previous_month(month)),
        "next": actions.month_key(Month.of(month.end + dt.timedelta(days=1))),
    }
    return render(request, "reports/monthly.html", context, status=status)


@login_required
def monthly(request: HttpRequest, client_id: int, month: str) -> HttpResponse:
    actor = policy.actor_with(request, "reports.view_monthlyreport")
    client, found_month, report = _report(actor, client_id, month)
    return _page(request, actor, client, found_month, report)


@require_POST
@login_required
def commentary(request: HttpRequest, client_id: int, month: str) -> HttpResponse:
    actor = policy.actor_with(request, "reports.change_monthlyreport")
    client, found_month, report = _report(actor, client_id, month)
    form = CommentaryForm(request.POST)
    if form.is_valid():
        ok, _saved = run_action(
            form,
            lambda: actions.write_commentary(
                actor=actor, client=client, month=found_month, **form.cleaned_data
            ),
        )
        if ok:
            messages.success(request, _("Saved."))
            return redirect("reports:monthly", client.pk, month)
    return _page(request, actor, client, found_month, report, form=form, status=400)


@require_POST
@login_required
def publish(request: HttpRequest, client_id: int, month: str) -> HttpResponse:
    actor = policy.actor_with(request, "reports.publish_monthlyreport")
    client, found_month, report = _report(actor, client_id, month)
    form = CommentaryForm(
        initial={"problems": report.problems, "suggestions": report.suggestions} if report else {}
    )
    ok, _published = run_action(
        form, lambda: actions.publish(actor=actor, client=client, month=found_month)
    )
    if ok:
        messages.success(request, _("Published: the client can now read the report."))
        return redirect("reports:monthly", client.pk, month)
    return _page(request, actor, client, found_month, report, form=form, status=400)


@require_POST
@login_required
def resend(request: HttpRequest, client_id: int, month: str) -> HttpResponse:
    actor = policy.actor_with(request, "reports.publish_monthlyreport")
    client, found_month, _report_row = _report(actor, client_id, month)
    try:
        actions.resend(actor=actor, client=client, month=found_month)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report is being e-mailed again."))
    return redirect("reports:monthly", client.pk, month)


@login_required
def monthly_pdf(request: HttpRequest, client_id: int, month: str) -> HttpResponseBase:
    """The PDF the client received when published; staff may ask for the figures as they are
    now with ``?live=1`` (and get them for drafts)."""
    actor = policy.actor_with(request, "reports.view_monthlyreport")
    client, found_month, report = _report(actor, client_id, month)
    live = actor.is_staff_member and (request.GET.get("live") or not (report and report.pdf))
    name = report_render.filename_for(client, found_month, "pdf")
    if not live and report is not None and report.pdf:
        return FileResponse(report.pdf.open("rb"), as_attachment=True, filename=name)
    pdf = report_render.render_pdf(client_figures(client, found_month), report)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def monthly_xlsx(request: HttpRequest, client_id: int, month: str) -> HttpResponse:
    """The data under the report, as it is now."""
    actor = policy.actor_with(request, "reports.view_monthlyreport")
    client, found_month, _report_row = _report(actor, client_id, month)
    body = export.workbook(client_figures(client, found_month))
    response = HttpResponse(body, content_type=XLSX)
    name = report_render.filename_for(client, found_month, "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
