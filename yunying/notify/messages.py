"""What a notification says, composed in the reader's language when it is shown.

A notification stores codes and names (never translated text), so the same row reads in Chinese
for one person and in English for another, and in the right plural.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yunying.accounts.choices import Platform
from yunying.accounts.texts import describe_account_change
from yunying.tenancy.choices import ChangeRequestStatus
from yunying.tenancy.texts import describe_team_change

from .choices import NotificationKind


def account_label(params: dict[str, Any]) -> str:
    return f"{params['account']} ({Platform(params['platform']).label})"


def _certification_expiry(p: dict[str, Any]) -> str:
    days = int(p["days"])
    return ngettext(
        "The certification of %(account)s expires on %(date)s (%(days)d day left).",
        "The certification of %(account)s expires on %(date)s (%(days)d days left).",
        days,
    ) % {"account": account_label(p), "date": p["expires_on"], "days": days}


def _team_change_requested(p: dict[str, Any]) -> str:
    return _("%(person)s asks to change the team of %(client)s: %(change)s.") % {
        "person": p["requested_by"],
        "client": p["client"],
        "change": describe_team_change(p["role"], p["outgoing"], p["incoming"]),
    }


def _team_change_decided(p: dict[str, Any]) -> str:
    if p["status"] == ChangeRequestStatus.APPROVED:
        return _("%(client)s approved the team change.") % {"client": p["client"]}
    return _("%(client)s rejected the team change.") % {"client": p["client"]}


def _account_change_requested(p: dict[str, Any]) -> str:
    return _("%(person)s asks to change %(account)s: %(change)s.") % {
        "person": p["requested_by"],
        "account": account_label(p),
        "change": describe_account_change(p["kind"], p["proposed_name"]),
    }


def _account_change_decided(p: dict[str, Any]) -> str:
    if p["status"] == ChangeRequestStatus.APPROVED:
        return _("The client approved the change to %(account)s.") % {"account": account_label(p)}
    return _("The client rejected the change to %(account)s.") % {"account": account_label(p)}


def _statement_sent(p: dict[str, Any]) -> str:
    return (
        _("Statement %(contract)s %(period)s (total %(total)s) waits for your approval by %(due)s.")
        % p
    )


def _statement_decided(p: dict[str, Any]) -> str:
    if p["status"] == "approved":
        return _("The client approved statement %(contract)s %(period)s.") % p
    return _("The client disputed statement %(contract)s %(period)s.") % p


def _contract_reminder(p: dict[str, Any]) -> str:
    # Params are codes and dates (contracts.reminders kinds), so the sentence follows the reader.
    sentences = {
        "renewal_opens": _(
            "Contract %(number)s (%(client)s): the renewal notice period opens on %(date)s."
        ),
        "report_day": _(
            "Contract %(number)s (%(client)s): the data of %(ref)s is due on %(date)s."
        ),
        "payment_day": _(
            "Contract %(number)s (%(client)s): payment for %(ref)s is due on %(date)s."
        ),
        "one_off_due": _(
            "Contract %(number)s (%(client)s): the one-off fee “%(ref)s” is due on %(date)s."
        ),
        "contract_end": _("Contract %(number)s (%(client)s) ends on %(date)s."),
    }
    return sentences[p["reminder"]] % p


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    NotificationKind.CERTIFICATION_EXPIRY: _certification_expiry,
    NotificationKind.TEAM_CHANGE_REQUESTED: _team_change_requested,
    NotificationKind.TEAM_CHANGE_DECIDED: _team_change_decided,
    NotificationKind.ACCOUNT_CHANGE_REQUESTED: _account_change_requested,
    NotificationKind.ACCOUNT_CHANGE_DECIDED: _account_change_decided,
    NotificationKind.STATEMENT_SENT: _statement_sent,
    NotificationKind.STATEMENT_DECIDED: _statement_decided,
    NotificationKind.CONTRACT_REMINDER: _contract_reminder,
}


def render(kind: str, params: dict[str, Any]) -> str:
    return RENDERERS[kind](params)
