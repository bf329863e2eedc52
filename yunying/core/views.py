"""Generic scoped views and the web shell (home pages, areas still to come)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.generic import DetailView, ListView

from yunying.tenancy import policy
from yunying.tenancy.scoping import Actor, actor_for, visible

from .home import home_context
from .navigation import AREAS, home_role


class ActorMixin(LoginRequiredMixin):
    """Login required, plus the policy permission the view names in ``permission``."""

    permission: str | None = None
    request: HttpRequest

    @property
    def actor(self) -> Actor:
        return actor_for(self.request)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if (
            request.user.is_authenticated
            and self.permission
            and not policy.can(actor_for(request), self.permission)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedQuerysetMixin(ActorMixin):
    """Rows come from ``visible_to(actor)``; anything else is a 404."""

    model: Any

    def get_queryset(self) -> models.QuerySet[Any]:
        return visible(self.model, self.actor)


class ScopedListView(ScopedQuerysetMixin, ListView):
    paginate_by = 50


class ScopedDetailView(ScopedQuerysetMixin, DetailView):
    pass


def add_action_errors(form: BaseForm, exc: ValidationError) -> None:
    """Show an action's ``ValidationError`` on the form, by field where the form has one."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, field_messages in exc.message_dict.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


def run_action(form: BaseForm, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Call an action for a valid form; on a ValidationError put it on the form instead."""
    try:
        return True, action()
    except ValidationError as exc:
        add_action_errors(form, exc)
        return False, None


def action_form_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    perform: Callable[[dict[str, Any]], Any],
    success: str,
    redirect_to: Callable[[Any], str],
    **page: Any,
) -> HttpResponse:
    """The usual form page: a valid POST runs the action, says so and redirects to what it made;
    anything else shows the form (``core/form_page.html``) with its errors by field."""
    if request.method == "POST" and form.is_valid():
        ok, result = run_action(form, lambda: perform(form.cleaned_data))
        if ok:
            messages.success(request, success)
            return redirect(redirect_to(result))
    return render(request, "core/form_page.html", {"form": form, **page})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page of the signed-in person, shaped by their main role."""
    actor = actor_for(request)
    role = home_role(actor)
    context = home_context(actor, role)
    return render(request, f"core/home/{role}.html", {"home_role": role, **context})


@login_required
def area(request: HttpRequest, slug: str) -> HttpResponse:
    """A navigation area that a later release fills; says what it will hold."""
    found = next((a for a in AREAS if a.slug == slug), None)
    if found is None or not found.visible_to(actor_for(request)):
        raise Http404
    return render(request, "core/area.html", {"area": found})
