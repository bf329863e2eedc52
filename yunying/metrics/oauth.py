"""Douyin's web authorisation for an account's data sync: off to Douyin, and back.

The ``state`` sent along is signed and names the account, the person and a nonce kept in their
session (one per account), and expires after ten minutes: a callback is accepted only in the
browser session that started it, by the person who started it, for that account. The code in
the callback is turned into tokens by :func:`yunying.metrics.actions.authorise_douyin`.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yunying.accounts.choices import Platform
from yunying.accounts.models import PlatformAccount
from yunying.adapters import douyin
from yunying.tenancy import policy
from yunying.tenancy.scoping import get_visible_or_404

from . import actions
from .models import SyncConfig

SALT = "yunying.metrics.douyin-authorisation"
STATE_MAX_AGE = 600
SESSION_KEY = "yunying_douyin_nonces"


def redirect_uri() -> str:
    """The callback registered with the Douyin application (its domain must be whitelisted)."""
    return settings.YUNYING_BASE_URL + reverse("metrics:douyin_callback")


@require_POST
@login_required
def douyin_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "metrics.change_syncconfig")
    account = get_visible_or_404(PlatformAccount, actor, pk=pk)
    config = SyncConfig.objects.visible_to(actor).filter(account=account).first()
    if account.platform != Platform.DOUYIN or config is None or not config.secret_ciphertext:
        messages.error(request, _("Save the client key and secret before authorising."))
        return redirect("metrics:account", pk=account.pk)
    nonce = secrets.token_urlsafe(16)
    # One nonce per account, so that authorising two accounts in two tabs works.
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), str(account.pk): nonce}
    state = signing.dumps({"a": account.pk, "u": request.user.pk, "n": nonce}, salt=SALT)
    url = douyin.authorise_url(
        config.api_base or douyin.DEFAULT_BASE_URL, config.app_id, redirect_uri(), state
    )
    return redirect(url)


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "metrics/authorisation_refused.html", {"reason": reason}, status=400)


@login_required
def douyin_callback(request: HttpRequest) -> HttpResponse:
    """Where Douyin sends the browser back: ``code`` and ``state``, or ``error``."""
    actor = policy.actor_with(request, "metrics.change_syncconfig")
    try:
        state: dict[str, Any] = signing.loads(
            request.GET.get("state", ""), salt=SALT, max_age=STATE_MAX_AGE
        )
    except signing.SignatureExpired:
        return _refused(request, _("The authorisation took too long; start it again."))
    except signing.BadSignature:
        return _refused(request, _("This authorisation was not started here."))
    nonces = request.session.get(SESSION_KEY, {})
    # Used once, whatever the outcome: a callback cannot be replayed.
    nonce = nonces.pop(str(state.get("a")), None)
    request.session[SESSION_KEY] = nonces
    if nonce is None or state.get("u") != request.user.pk or state.get("n") != nonce:
        return _refused(request, _("This authorisation was started by someone else or elsewhere."))
    account = get_visible_or_404(PlatformAccount, actor, pk=state.get("a"))
    back = reverse("metrics:account", args=[account.pk])
    if request.GET.get("error") or not request.GET.get("code"):
        description = request.GET.get("error_description") or request.GET.get("error") or ""
        messages.error(
            request,
            _("The account's owner did not authorise the app (%(reason)s); nothing was changed.")
            % {"reason": description[:200] or _("no code came back")},
        )
        return redirect(back)
    try:
        actions.authorise_douyin(actor=actor, account=account, code=request.GET["code"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Douyin account authorised; the sync runs with the next round.")
        )
    return redirect(back)
