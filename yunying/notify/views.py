"""The notification list of the signed-in person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from yunying.tenancy.scoping import actor_for, get_visible_or_404

from . import actions
from .models import Notification


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.visible_to(actor_for(request))[:100]
    return render(request, "notify/list.html", {"notifications": rows})


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark as read, then follow the notification's link."""
    note = get_visible_or_404(Notification, actor_for(request), pk=pk)
    actions.mark_read(note, actor=actor_for(request))
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("notify:list")
