"""Publishing set-up: how each account of the actor's clients publishes, the recent attempts and
the scheduled items that are due but have no attempt under way.

The AppSecret is write-only: the page says whether one is stored, never what it is; the vault
holds it encrypted and only the publishing run decrypts it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from yunying.accounts.choices import AccountStatus, Platform
from yunying.accounts.models import PlatformAccount
from yunying.core.views import run_action
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import get_visible_or_404

from .. import actions
from ..choices import PublicationStatus, PublishMode, State
from ..models import ContentItem, Publication, PublisherConfig

VIEW = "editorial.view_publisherconfig"
CHANGE = "editorial.change_publisherconfig"
RECENT_ATTEMPTS = 30
DUE_SHOWN = 50
# Attempts that mean an item is being, or has been, taken care of.
HANDLED = (PublicationStatus.PENDING, PublicationStatus.MANUAL, PublicationStatus.PUBLISHED)
DEFAULT_API_BASE = str(PublisherConfig._meta.get_field("api_base").default)


@login_required
def publishers(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, VIEW)
    accounts = (
        PlatformAccount.objects.visible_to(actor)
        .filter(status=AccountStatus.ACTIVE)
        .select_related("client", "publisher")
        .order_by("client__name", "platform", "display_name")
    )
    attempts = Publication.objects.visible_to(actor).select_related("account", "client")
    due = (
        ContentItem.objects.visible_to(actor)
        .filter(state=State.SCHEDULED, planned_at__lte=timezone.now())
        .exclude(publications__status__in=HANDLED)
        .select_related("client")
        .order_by("planned_at", "pk")
    )
    client = request.GET.get("client", "")
    if client.isdigit():
        accounts = accounts.filter(client_id=int(client))
        attempts = attempts.filter(client_id=int(client))
        due = due.filter(client_id=int(client))
    rows = []
    for account in accounts:
        config = getattr(account, "publisher", None)
        rows.append({"account": account, "config": config})
    return render(
        request,
        "editorial/publishing/publishers.html",
        {
            "rows": rows,
            "attempts": attempts.prefetch_related("items").order_by("-created_at", "-id")[
                :RECENT_ATTEMPTS
            ],
            "due": due.prefetch_related("accounts")[:DUE_SHOWN],
            "clients": Client.objects.visible_to(actor),
            "can_change": policy.can(actor, CHANGE),
            "manual_label": PublishMode.MANUAL.label,
        },
    )


class PublisherForm(forms.Form):
    """How an account publishes; the AppSecret field is empty on every page load."""

    mode = forms.ChoiceField(
        label=gettext_lazy("publishing"), choices=PublishMode.choices, widget=forms.RadioSelect
    )
    appid = forms.CharField(label=gettext_lazy("AppID"), max_length=64, required=False)
    secret = forms.CharField(
        label=gettext_lazy("AppSecret"),
        required=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "Stored encrypted and never shown again. Empty: keep the stored one."
        ),
    )
    api_base = forms.URLField(
        label=gettext_lazy("API address"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Leave the official address unless the agency runs a proxy."),
    )

    def __init__(
        self, *args: Any, account: PlatformAccount, config: PublisherConfig | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.config = config
        if account.platform != Platform.WECHAT_OA:
            self.fields["mode"].choices = [(PublishMode.MANUAL, PublishMode.MANUAL.label)]  # type: ignore[attr-defined]

    @sensitive_variables("secret")
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        secret = cleaned.get("secret", "")
        api_base = (cleaned.get("api_base") or "").rstrip("/")
        cleaned["api_base"] = api_base
        config = self.config
        moved = (
            config is not None
            and bool(config.secret_ciphertext)
            and bool(api_base)
            and api_base != config.api_base.rstrip("/")
        )
        if moved and not secret and cleaned.get("mode") == PublishMode.WECHAT_OA:
            # Whoever may change the address could otherwise have the stored secret sent to a
            # server of their choosing without ever knowing it.
            self.add_error(
                "secret",
                _("Enter the AppSecret again: a stored secret is never sent to a new address."),
            )
        return cleaned


@never_cache
@sensitive_post_parameters("secret")
@sensitive_variables("secret")
@login_required
def publisher_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = policy.actor_with(request, CHANGE)
    account = get_visible_or_404(PlatformAccount, actor, pk=account_id)
    config = PublisherConfig.objects.visible_to(actor).filter(account=account).first()
    initial = {
        "mode": config.mode if config else PublishMode.MANUAL,
        "appid": config.appid if config else "",
        "api_base": config.api_base if config else DEFAULT_API_BASE,
    }
    form = PublisherForm(
        request.POST if request.method == "POST" else None,
        account=account,
        config=config,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        secret = data.get("secret", "")
        ok, _saved = run_action(
            form,
            lambda: actions.configure_publisher(
                actor=actor,
                account=account,
                mode=data["mode"],
                appid=data.get("appid", ""),
                secret=secret,
                api_base=data.get("api_base", ""),
            ),
        )
        if ok:
            messages.success(request, _("Publishing of %(account)s saved.") % {"account": account})
            return redirect(reverse("editorial:publishers"))
    return render(
        request,
        "editorial/publishing/publisher_form.html",
        {
            "form": form,
            "account": account,
            "secret_set": bool(config and config.secret_ciphertext),
        },
        status=400 if form.is_bound else 200,
    )


urls: list[URLPattern] = [
    path("publishing/", publishers, name="publishers"),
    path("publishing/<int:account_id>/", publisher_edit, name="publisher_edit"),
]
