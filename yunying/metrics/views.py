"""The metrics page of a platform account: stored values, recent posts, file uploads, import
jobs with their progress, and the generic template's sample files."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.accounts.choices import AccountRole, Platform
from yunying.accounts.models import PlatformAccount
from yunying.core.views import run_action
from yunying.tenancy import policy
from yunying.tenancy.scoping import Actor, get_visible_or_404

from . import actions, mappings, runs
from .choices import IMPORT_FINISHED, Metric
from .definitions import plain
from .forms import (
    ManualEntryForm,
    MetricsUploadForm,
    PlatformImportForm,
    PostsUploadForm,
    SyncForm,
    UploadForm,
)
from .models import DailyMetric, ImportJob, PostFact, SyncConfig

TEMPLATE = "metrics/account_metrics.html"
WINDOW_DAYS = 60
RECENT_POSTS = 50
RECENT_IMPORTS = 10


def _table(actor: Actor, account: PlatformAccount) -> dict[str, Any]:
    """The latest ``WINDOW_DAYS`` days up to the newest stored date: dates × metrics."""
    stored = DailyMetric.objects.visible_to(actor).filter(account=account)
    latest = stored.aggregate(latest=Max("date"))["latest"]
    if latest is None:
        return {"columns": [], "rows": [], "since": None, "latest": None}
    since = latest - dt.timedelta(days=WINDOW_DAYS - 1)
    cells: dict[dt.date, dict[str, str]] = {}
    for day, metric, value in stored.filter(date__gte=since).values_list("date", "metric", "value"):
        cells.setdefault(day, {})[metric] = plain(value)
    present = {metric for by_metric in cells.values() for metric in by_metric}
    columns = [(code, name) for code, name in Metric.choices if code in present]
    rows = [
        (day, [cells[day].get(code, "—") for code, _name in columns])
        for day in sorted(cells, reverse=True)
    ]
    return {"columns": columns, "rows": rows, "since": since, "latest": latest}


def _page(
    request: HttpRequest,
    actor: Actor,
    account: PlatformAccount,
    *,
    metrics_form: UploadForm | None = None,
    posts_form: UploadForm | None = None,
    import_form: PlatformImportForm | None = None,
    entry_form: ManualEntryForm | None = None,
    sync_form: SyncForm | None = None,
    status: int = 200,
) -> HttpResponse:
    posts = PostFact.objects.visible_to(actor).filter(account=account)
    sync_config = (
        SyncConfig.objects.visible_to(actor).filter(account=account).first()
        if policy.can(actor, "metrics.view_syncconfig")
        else None
    )
    can_see_imports = policy.can(actor, "metrics.view_importjob")
    jobs = ImportJob.objects.visible_to(actor).filter(account=account).select_related("created_by")
    context = {
        "account": account,
        **_table(actor, account),
        "window_days": WINDOW_DAYS,
        "posts": posts.order_by("-published_on", "post_id")[:RECENT_POSTS],
        "can_import_metrics": policy.can(actor, "metrics.import_dailymetric"),
        "can_import_posts": policy.can(actor, "metrics.import_postfact"),
        "metrics_form": metrics_form or MetricsUploadForm(),
        "posts_form": posts_form or PostsUploadForm(),
        "import_form": import_form or PlatformImportForm(platform=account.platform),
        "jobs": jobs[:RECENT_IMPORTS] if can_see_imports else [],
        "can_enter": policy.can(actor, "metrics.add_dailymetric"),
        "can_see_flags": policy.can(actor, "metrics.view_engagementflag"),
        "sync": sync_config,
        # Platform APIs serve only accounts that authorised us: never a competitor's.
        "can_sync": policy.can(actor, "metrics.change_syncconfig")
        and account.platform in actions.SYNC_PLATFORMS
        and account.role == AccountRole.OPERATED,
        "sync_form": sync_form or _sync_form(actor, account),
        "douyin": _authorisation(sync_config) if account.platform == Platform.DOUYIN else None,
        "entry_form": entry_form or ManualEntryForm(),
    }
    return render(request, TEMPLATE, context, status=status)


def _authorisation(config: SyncConfig | None) -> dict[str, Any]:
    """Whether the Douyin account's owner has authorised the sync, and until when."""
    from yunying.accounts import vault

    if config is None or not config.tokens_ciphertext:
        return {"authorised": False, "configured": config is not None}
    tokens = json.loads(vault.decrypt(config.tokens_ciphertext))
    until = dt.datetime.fromtimestamp(tokens["refresh_expires_at"], dt.UTC)
    return {
        "authorised": True,
        "configured": True,
        "open_id": f"{config.open_id[:6]}…",
        "until": until,
        "expired": until <= timezone.now(),
    }


def _tracked(actor: Actor, pk: int) -> PlatformAccount:
    """The account asked for, a competitor's included: its figures are kept like the client's
    own (``get_visible_or_404`` would see only operated accounts)."""
    return get_object_or_404(PlatformAccount.tracked.visible_to(actor), pk=pk)


def _sync_form(actor: Actor, account: PlatformAccount) -> SyncForm:
    config = SyncConfig.objects.visible_to(actor).filter(account=account).first()
    if config is None:
        return SyncForm()
    return SyncForm(
        initial={
            "app_id": config.app_id,
            "api_base": config.api_base,
            "enabled": config.enabled,
        }
    )


@login_required
def account_metrics(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "metrics.view_dailymetric")
    account = _tracked(actor, pk)
    return _page(request, actor, account)


def _import(request: HttpRequest, pk: int, *, posts: bool) -> HttpResponse:
    permission = "metrics.import_postfact" if posts else "metrics.import_dailymetric"
    actor = policy.actor_with(request, permission)
    account = _tracked(actor, pk)
    form_class = PostsUploadForm if posts else MetricsUploadForm
    action = actions.import_posts if posts else actions.import_metrics
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        ok, result = run_action(form, lambda: action(actor=actor, account=account, rows=form.rows))
        if ok:
            messages.success(
                request,
                _("Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
                % asdict(result),
            )
            return redirect("metrics:account", pk=account.pk)
    if posts:
        return _page(request, actor, account, status=400, posts_form=form)
    return _page(request, actor, account, status=400, metrics_form=form)


@require_POST
@login_required
def import_metrics(request: HttpRequest, pk: int) -> HttpResponse:
    return _import(request, pk, posts=False)


@require_POST
@login_required
def import_posts(request: HttpRequest, pk: int) -> HttpResponse:
    return _import(request, pk, posts=True)


@require_POST
@login_required
def import_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Store the upload as an import job and run it (a worker takes large files)."""
    actor = policy.actor_with(request, "metrics.import_dailymetric")
    account = _tracked(actor, pk)
    form = PlatformImportForm(request.POST, request.FILES, platform=account.platform)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        ok, job = run_action(
            form,
            lambda: actions.create_import(
                actor=actor,
                account=account,
                mapping_name=form.cleaned_data["mapping"],
                filename=upload.name or "upload",
                data=upload.read(),
                keep_good_rows=form.cleaned_data["keep_good_rows"],
            ),
        )
        if ok:
            runs.start_import(job)
            return redirect("metrics:import_job", pk=job.pk)
    return _page(request, actor, account, import_form=form, status=400)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's outcome; while it runs, htmx asks for the status fragment every second."""
    actor = policy.actor_with(request, "metrics.view_importjob")
    job = get_visible_or_404(ImportJob, actor, pk=pk)
    context = {
        "job": job,
        "running": job.status not in IMPORT_FINISHED,
        "mapping": mappings.MAPPINGS.get(job.mapping),
    }
    if request.headers.get("HX-Request"):
        return render(request, "metrics/_import_status.html", context)
    return render(request, "metrics/import_job.html", context)


@login_required
def template_file(request: HttpRequest, kind: str) -> HttpResponse:
    """The generic template with sample rows, as XLSX (both tables) or CSV (daily table)."""
    policy.actor_with(request, "metrics.view_dailymetric")
    if kind == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(mappings.sample_workbook(), content_type=content_type)
    elif kind == "csv":
        response = HttpResponse(mappings.sample_csv(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404(kind)
    response["Content-Disposition"] = f'attachment; filename="yunying-template.{kind}"'
    return response


@require_POST
@login_required
def record_value(request: HttpRequest, pk: int) -> HttpResponse:
    """Store one value typed in by hand; it replaces that day's value (audited with the old)."""
    actor = policy.actor_with(request, "metrics.add_dailymetric")
    account = _tracked(actor, pk)
    form = ManualEntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ok, stored = run_action(
            form,
            lambda: actions.record_metric(
                actor=actor,
                account=account,
                date=data["date"],
                metric=data["metric"],
                value=data["value"],
            ),
        )
        if ok:
            messages.success(request, _("Saved: %(row)s.") % {"row": stored})
            return redirect("metrics:account", pk=account.pk)
    return _page(request, actor, account, entry_form=form, status=400)


@require_POST
@login_required
def configure_sync(request: HttpRequest, pk: int) -> HttpResponse:
    """Connect the account to its platform's data API; "sync now" also queues a run."""
    actor = policy.actor_with(request, "metrics.change_syncconfig")
    account = get_visible_or_404(PlatformAccount, actor, pk=pk)
    form = SyncForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ok, config = run_action(
            form,
            lambda: actions.configure_sync(
                actor=actor,
                account=account,
                app_id=data["app_id"],
                secret=data["secret"],
                api_base=data["api_base"],
                enabled=data["enabled"],
            ),
        )
        if ok:
            if "now" in request.POST:
                from .tasks import sync_account

                transaction.on_commit(lambda: sync_account.delay(config.pk))
                messages.success(request, _("Saved; the sync runs now."))
            else:
                messages.success(request, _("Saved; the sync runs with the next round."))
            return redirect("metrics:account", pk=account.pk)
    return _page(request, actor, account, sync_form=form, status=400)
