"""Kinds of in-app notification, each with the sentence it renders to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """Why someone is being told something. Texts are rendered at display time (see MESSAGES)."""

    # An account's platform certification expires soon (seed 002 item 14).
    CERTIFICATION_EXPIRY = "certification_expiry", _("Certification expiring")
    # The agency asks the client to approve a team change.
    TEAM_CHANGE_REQUESTED = "team_change_requested", _("Team change requested")
    # The client approved or rejected a team change.
    TEAM_CHANGE_DECIDED = "team_change_decided", _("Team change decided")
    # The agency asks the client to approve an account rename or password change.
    ACCOUNT_CHANGE_REQUESTED = "account_change_requested", _("Account change requested")
    # The client approved or rejected an account change.
    ACCOUNT_CHANGE_DECIDED = "account_change_decided", _("Account change decided")
    # Finance sent a monthly statement to the client's reviewer for approval.
    STATEMENT_SENT = "statement_sent", _("Statement to approve")
    # The client's reviewer approved or disputed a statement.
    STATEMENT_DECIDED = "statement_decided", _("Statement decided")
    # A contract date is near: renewal notice, report or payment day, a one-off fee, the end.
    CONTRACT_REMINDER = "contract_reminder", _("Contract reminder")
