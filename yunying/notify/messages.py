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


def _content_review_requested(p: dict[str, Any]) -> str:
    if p.get("due"):
        return _("“%(title)s” (%(client)s) waits for your review; please answer by %(due)s.") % p
    return _("“%(title)s” (%(client)s) waits for your review.") % p


def _content_returned(p: dict[str, Any]) -> str:
    return _("“%(title)s” was returned for revision (round %(round)s): %(comment)s") % p


def _content_over_rounds(p: dict[str, Any]) -> str:
    return (
        _(
            "“%(title)s” (%(client)s) is in revision round %(round)s, past the %(max)s rounds "
            "of the %(source)s; please talk to the client."
        )
        % p
    )


def _content_approved(p: dict[str, Any]) -> str:
    return _("The client approved “%(title)s”; it is scheduled.") % p


def _content_review_overdue(p: dict[str, Any]) -> str:
    if p.get("trigger"):
        return (
            _(
                "%(client)s has not answered on “%(title)s” for %(days)s working days, reaching "
                "the contract's client-silence trigger (%(trigger)s working days)."
            )
            % p
        )
    return _("The client's review of “%(title)s” (%(client)s) was due on %(due)s.") % p


def _content_publish_due(p: dict[str, Any]) -> str:
    return _("“%(title)s” is due on %(account)s at %(at)s; publish it and record the link.") % p


def _content_publish_failed(p: dict[str, Any]) -> str:
    return _("Publishing “%(title)s” on %(account)s failed: %(error)s") % p


def _content_withdrawn(p: dict[str, Any]) -> str:
    return _("Published “%(title)s” (%(client)s) was withdrawn: %(comment)s") % p


def _intake_submitted(p: dict[str, Any]) -> str:
    return _("New content request for %(client)s: “%(title)s”.") % p


def _report_published(p: dict[str, Any]) -> str:
    return _("The operations report of %(client)s for %(month)s is ready.") % p


def _report_email_failed(p: dict[str, Any]) -> str:
    return (
        _(
            "The e-mail of the %(month)s report of %(client)s could not be sent (%(error)s); "
            "the client can still read it in the portal."
        )
        % p
    )


def _report_commentary_missing(p: dict[str, Any]) -> str:
    return (
        _(
            "The report of %(client)s for %(month)s is due on %(due)s; write its problems and "
            "suggestions so it can be published."
        )
        % p
    )


def _engagement_flagged(p: dict[str, Any]) -> str:
    count = int(p["count"])
    return ngettext(
        "%(count)d suspicious engagement finding on %(account)s to review.",
        "%(count)d suspicious engagement findings on %(account)s to review.",
        count,
    ) % {"count": count, "account": p["account"]}


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    NotificationKind.CERTIFICATION_EXPIRY: _certification_expiry,
    NotificationKind.TEAM_CHANGE_REQUESTED: _team_change_requested,
    NotificationKind.TEAM_CHANGE_DECIDED: _team_change_decided,
    NotificationKind.ACCOUNT_CHANGE_REQUESTED: _account_change_requested,
    NotificationKind.ACCOUNT_CHANGE_DECIDED: _account_change_decided,
    NotificationKind.STATEMENT_SENT: _statement_sent,
    NotificationKind.STATEMENT_DECIDED: _statement_decided,
    NotificationKind.CONTRACT_REMINDER: _contract_reminder,
    NotificationKind.CONTENT_REVIEW_REQUESTED: _content_review_requested,
    NotificationKind.CONTENT_RETURNED: _content_returned,
    NotificationKind.CONTENT_OVER_ROUNDS: _content_over_rounds,
    NotificationKind.CONTENT_APPROVED: _content_approved,
    NotificationKind.CONTENT_REVIEW_OVERDUE: _content_review_overdue,
    NotificationKind.CONTENT_PUBLISH_DUE: _content_publish_due,
    NotificationKind.CONTENT_PUBLISH_FAILED: _content_publish_failed,
    NotificationKind.CONTENT_WITHDRAWN: _content_withdrawn,
    NotificationKind.INTAKE_SUBMITTED: _intake_submitted,
    NotificationKind.REPORT_PUBLISHED: _report_published,
    NotificationKind.REPORT_COMMENTARY_MISSING: _report_commentary_missing,
    NotificationKind.REPORT_EMAIL_FAILED: _report_email_failed,
    NotificationKind.ENGAGEMENT_FLAGGED: _engagement_flagged,
}


def render(kind: str, params: dict[str, Any]) -> str:
    return RENDERERS[kind](params)
