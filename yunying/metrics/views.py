"""The metrics page of a platform account: stored values, recent posts, file uploads."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.accounts.models import PlatformAccount
from yunying.core.views import run_action
from yunying.tenancy import policy
from yunying.tenancy.scoping import Actor, get_visible_or_404

from . import actions
from .choices import Metric
from .definitions import plain
from .forms import MetricsUploadForm, PostsUploadForm, UploadForm
from .models import DailyMetric, PostFact

TEMPLATE = "metrics/account_metrics.html"
WINDOW_DAYS = 60
RECENT_POSTS = 50


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
    status: int = 200,
) -> HttpResponse:
    posts = PostFact.objects.visible_to(actor).filter(account=account)
    context = {
        "account": account,
        **_table(actor, account),
        "window_days": WINDOW_DAYS,
        "posts": posts.order_by("-published_on", "post_id")[:RECENT_POSTS],
        "can_import_metrics": policy.can(actor, "metrics.import_dailymetric"),
        "can_import_posts": policy.can(actor, "metrics.import_postfact"),
        "metrics_form": metrics_form or MetricsUploadForm(),
        "posts_form": posts_form or PostsUploadForm(),
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
def account_metrics(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "metrics.view_dailymetric")
    account = get_visible_or_404(PlatformAccount, actor, pk=pk)
    return _page(request, actor, account)


def _import(request: HttpRequest, pk: int, *, posts: bool) -> HttpResponse:
    permission = "metrics.import_postfact" if posts else "metrics.import_dailymetric"
    actor = policy.actor_with(request, permission)
    account = get_visible_or_404(PlatformAccount, actor, pk=pk)
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
    forms = {"posts_form" if posts else "metrics_form": form}
    return _page(request, actor, account, status=400, **forms)


@require_POST
@login_required
def import_metrics(request: HttpRequest, pk: int) -> HttpResponse:
    return _import(request, pk, posts=False)


@require_POST
@login_required
def import_posts(request: HttpRequest, pk: int) -> HttpResponse:
    return _import(request, pk, posts=True)
