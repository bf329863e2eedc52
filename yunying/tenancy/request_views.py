"""The pages every kind of client request has: detail, the reviewer's decision, withdrawal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.core.views import run_action

from . import policy
from .forms import DecisionForm
from .models import ClientRequest
from .scoping import actor_for, get_visible_or_404


@dataclass(frozen=True)
class RequestPages:
    """Views for one ClientRequest model, wired to its decide and withdraw actions."""

    model: type[ClientRequest]
    template: str
    # URL names are this prefix plus "_detail", "_decide" and "_withdraw".
    url_prefix: str
    decide_action: Callable[..., Any]
    withdraw_action: Callable[..., Any]

    def _url(self, page: str, change: ClientRequest) -> str:
        return reverse(f"{self.url_prefix}_{page}", args=[change.pk])

    def _permission(self, verb: str) -> str:
        return f"{self.model._meta.app_label}.{verb}_{self.model._meta.model_name}"

    def _fetch(self, request: HttpRequest, verb: str, pk: int) -> ClientRequest:
        actor = actor_for(request)
        policy.require(actor, self._permission(verb))
        return get_visible_or_404(self.model, actor, pk=pk)

    def _page(
        self, request: HttpRequest, change: ClientRequest, form: DecisionForm | None = None
    ) -> HttpResponse:
        actor = actor_for(request)
        return render(
            request,
            self.template,
            {
                "change": change,
                "title": capfirst(self.model._meta.verbose_name),
                "decide_url": self._url("decide", change),
                "withdraw_url": self._url("withdraw", change),
                "can_decide": change.is_pending and policy.can(actor, self._permission("decide")),
                "can_withdraw": change.is_pending and policy.can(actor, self._permission("delete")),
                "decision_form": form or DecisionForm(),
            },
        )

    def views(self) -> tuple[Callable[..., HttpResponse], ...]:
        """(detail, decide, withdraw), ready for ``path()``."""

        @login_required
        def detail(request: HttpRequest, pk: int) -> HttpResponse:
            return self._page(request, self._fetch(request, "view", pk))

        @require_POST
        @login_required
        def decide(request: HttpRequest, pk: int) -> HttpResponse:
            change = self._fetch(request, "decide", pk)
            form = DecisionForm(request.POST)
            if form.is_valid():
                ok, _result = run_action(
                    form,
                    lambda: self.decide_action(
                        change,
                        actor=actor_for(request),
                        approve=form.cleaned_data["decision"] == "approve",
                        comment=form.cleaned_data["comment"],
                    ),
                )
                if ok:
                    messages.success(request, _("Decision recorded."))
                    return redirect(self._url("detail", change))
            return self._page(request, change, form)

        @require_POST
        @login_required
        def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
            change = self._fetch(request, "delete", pk)
            try:
                self.withdraw_action(change, actor=actor_for(request))
                messages.success(request, _("Request withdrawn."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect(self._url("detail", change))

        return detail, decide, withdraw
