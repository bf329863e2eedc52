"""Pages for platform accounts, the credential vault and account change requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from yunying.audit.models import AuditEntry
from yunying.core.views import ScopedListView, action_form_page, add_action_errors, run_action
from yunying.tenancy import policy
from yunying.tenancy.choices import ChangeRequestStatus
from yunying.tenancy.models import Client
from yunying.tenancy.request_views import RequestPages
from yunying.tenancy.scoping import actor_for, get_visible_or_404

from . import actions
from .choices import Platform
from .forms import AccountChangeForm, AccountEditForm, AccountForm, CredentialForm, RevealForm
from .models import AccountChangeRequest, Credential, PlatformAccount

SECRET_FIELDS = ("password",)


class AccountListView(ScopedListView):
    model = PlatformAccount
    permission = "accounts.view_platformaccount"
    template_name = "accounts/account_list.html"

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("client")
        platform = self.request.GET.get("platform")
        if platform in Platform.values:
            rows = rows.filter(platform=platform)
        client = self.request.GET.get("client", "")
        if client.isdigit():
            rows = rows.filter(client_id=int(client))
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            platforms=Platform.choices,
            clients=Client.objects.visible_to(self.actor),
            can_add=policy.can(self.actor, "accounts.add_platformaccount"),
            **kwargs,
        )


def _detail_context(request: HttpRequest, account: PlatformAccount) -> dict[str, Any]:
    actor = actor_for(request)
    credential = Credential.objects.visible_to(actor).filter(account=account).first()
    changes = AccountChangeRequest.objects.visible_to(actor).filter(account=account)
    access_log = []
    if policy.can(actor, "audit.view_auditentry") and credential is not None:
        access_log = list(
            AuditEntry.objects.visible_to(actor)
            .filter(object_type="accounts.credential", object_id=str(credential.pk))
            .order_by("-created_at")[:10]
        )
    return {
        "account": account,
        "credential": credential,
        "changes": changes.select_related("requested_by", "agency")[:20],
        "has_pending": changes.filter(status=ChangeRequestStatus.PENDING).exists(),
        "access_log": access_log,
        "can_edit": policy.can(actor, "accounts.change_platformaccount"),
        "can_store": credential is None and policy.can(actor, "accounts.add_credential"),
        "can_reveal": credential is not None and actions.may_reveal(actor, account),
        "can_request_change": policy.can(actor, "accounts.add_accountchangerequest"),
        "reveal_form": RevealForm(),
        "credential_form": CredentialForm(),
    }


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.view_platformaccount")
    account = get_visible_or_404(PlatformAccount, actor, pk=pk)
    return render(request, "accounts/account_detail.html", _detail_context(request, account))


@sensitive_post_parameters(*SECRET_FIELDS)
@login_required
@sensitive_variables()
def account_create(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.add_platformaccount")
    return action_form_page(
        request,
        AccountForm(
            request.POST or None, actor=actor, initial={"client": request.GET.get("client")}
        ),
        perform=lambda data: _created_with_warnings(
            request, actions.create_account(actor=actor, **data)
        ),
        success=_("Account added."),
        redirect_to=account_url,
        title=_("Add an account"),
        intro=_("Enter what the client handed over. The password is stored encrypted."),
    )


@login_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.change_platformaccount")
    account = get_visible_or_404(PlatformAccount, actor, pk=pk)
    return action_form_page(
        request,
        AccountEditForm(request.POST or None, instance=account),
        perform=lambda data: actions.update_account(account, actor=actor, **data),
        success=_("Account updated."),
        redirect_to=account_url,
        title=_("Edit %(account)s") % {"account": account},
        intro=_("The account's name can only change with the client's approval."),
        cancel_url=account_url(account),
    )


def _created_with_warnings(request: HttpRequest, account: PlatformAccount) -> PlatformAccount:
    """Say which naming rules doubt the new account's name (they did not refuse it)."""
    for warning in actions.name_warnings(account.display_name, "display_name"):
        messages.warning(
            request,
            _("The name may be refused by the platform: “%(text)s”, %(message)s (%(source)s)")
            % warning,
        )
    return account


def account_url(account: PlatformAccount) -> str:
    return reverse("accounts:detail", args=[account.pk])


@require_POST
@login_required
def account_archive(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.change_platformaccount")
    account = get_visible_or_404(PlatformAccount, actor, pk=pk)
    actions.archive_account(account, actor=actor)
    messages.success(request, _("Account archived."))
    return redirect("accounts:detail", pk=account.pk)


@sensitive_post_parameters(*SECRET_FIELDS)
@require_POST
@login_required
@sensitive_variables()
def credential_store(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.add_credential")
    account = get_visible_or_404(PlatformAccount, actor, pk=pk)
    form = CredentialForm(request.POST)
    if form.is_valid():
        ok, _credential = run_action(
            form, lambda: actions.store_credential(account, actor=actor, **form.cleaned_data)
        )
        if ok:
            messages.success(request, _("Login stored in the vault."))
            return redirect("accounts:detail", pk=account.pk)
    context = _detail_context(request, account)
    context["credential_form"] = form
    return render(request, "accounts/account_detail.html", context, status=400)


@sensitive_post_parameters()
@never_cache
@require_POST
@login_required
@sensitive_variables()
def credential_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the password once, to a permitted person who typed a reason; audited."""
    actor = policy.actor_with(request, "accounts.reveal_credential")
    credential = get_visible_or_404(Credential, actor, account_id=pk)
    form = RevealForm(request.POST)
    secret = None
    if form.is_valid():
        try:
            secret = actions.reveal_credential(
                credential, actor=actor, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
    # never_cache above: the answer with the password is stored by no browser or proxy.
    return render(
        request,
        "accounts/_reveal.html",
        {"credential": credential, "secret": secret, "reveal_form": form},
        status=200 if secret is not None else 400,
    )


@sensitive_post_parameters(*SECRET_FIELDS)
@login_required
@sensitive_variables()
def change_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "accounts.add_accountchangerequest")
    account = get_visible_or_404(PlatformAccount, actor, pk=pk)
    return action_form_page(
        request,
        AccountChangeForm(request.POST or None),
        perform=lambda data: actions.request_account_change(account, actor=actor, **data),
        success=_("Request sent to the client for approval."),
        redirect_to=lambda change: reverse("accounts:change_detail", args=[change.pk]),
        title=_("Ask the client: change %(account)s") % {"account": account},
        intro=_(
            "The agency may change an account's name or password only with the client's "
            "approval. The change is applied when the client approves."
        ),
        submit_label=_("Send for approval"),
        cancel_url=account_url(account),
    )


change_detail, change_decide, change_withdraw = RequestPages(
    model=AccountChangeRequest,
    template="accounts/change_detail.html",
    url_prefix="accounts:change",
    decide_action=actions.decide_account_change,
    withdraw_action=actions.withdraw_account_change,
).views()
