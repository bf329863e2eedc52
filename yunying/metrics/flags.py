"""Pages of suspicious-engagement findings: the list to review and the review itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.core.views import run_action
from yunying.tenancy import policy
from yunying.tenancy.scoping import get_visible_or_404

from . import actions
from .anomalies import KIND_TITLES
from .choices import FlagStatus
from .forms import FlagReviewForm
from .models import EngagementFlag

PAGE_SIZE = 100


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    """Findings to review (``?status=``, ``?account=``), newest first."""
    actor = policy.actor_with(request, "metrics.view_engagementflag")
    status = request.GET.get("status") or FlagStatus.OPEN
    flags = (
        EngagementFlag.objects.visible_to(actor)
        .filter(status=status if status in FlagStatus.values else FlagStatus.OPEN)
        .select_related("account", "reviewed_by")
    )
    account = request.GET.get("account", "")
    if account.isdigit():
        flags = flags.filter(account_id=int(account))
    rows = [
        # A form per finding, with ids of its own: a page of them must not repeat an id.
        (flag, KIND_TITLES.get(flag.kind, flag.kind), FlagReviewForm(auto_id=f"f{flag.pk}_%s"))
        for flag in flags[:PAGE_SIZE]
    ]
    return render(
        request,
        "metrics/flags.html",
        {
            "rows": rows,
            "status": status,
            "statuses": FlagStatus.choices,
            "account": account,
            "can_review": policy.can(actor, "metrics.review_engagementflag"),
        },
    )


@require_POST
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "metrics.review_engagementflag")
    flag = get_visible_or_404(EngagementFlag, actor, pk=pk)
    form = FlagReviewForm(request.POST)
    if form.is_valid():
        ok, _flag = run_action(
            form,
            lambda: actions.review_flag(
                actor=actor,
                flag=flag,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            ),
        )
        if ok:
            messages.success(request, _("Reviewed."))
            return redirect(reverse("metrics:flags") + f"?account={flag.account_id}")
    errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    messages.error(request, errors)
    return redirect("metrics:flags")
