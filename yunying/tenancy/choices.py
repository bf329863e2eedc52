"""Roles and statuses of the tenancy app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """What a membership lets a person do. Machine names are part of the API and the CLI."""

    # Sets up the agency, its staff, clients and contracts; sees the agency's audit log.
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    # Owns the client relationship, the contract and the monthly report.
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    # Writes and edits articles and scripts, checks layout.
    COPYWRITER = "copywriter", _("Copywriter")
    # Collects and pre-selects material, images and layout.
    EDITOR = "editor", _("Editor")
    # Reviews before publishing, scores published work, runs meetings.
    SUPERVISOR = "supervisor", _("Supervisor")
    # Livestream host working shifts on the roster.
    HOST = "host", _("Livestream host")
    # Statements, invoices, payments.
    FINANCE = "finance", _("Finance")
    # The client's contact (甲方联络人): approves content, changes and statements for one client.
    CLIENT_REVIEWER = "client_reviewer", _("Client reviewer")
    # Industry association or regulator: integrity data across agencies, no agency internals.
    ASSOCIATION = "association", _("Association")


# People who work for the agency, as opposed to the client's people and the association.
STAFF_ROLES = frozenset(
    {
        Role.AGENCY_ADMIN,
        Role.ACCOUNT_MANAGER,
        Role.COPYWRITER,
        Role.EDITOR,
        Role.SUPERVISOR,
        Role.HOST,
        Role.FINANCE,
    }
)
# Roles that can sit on a client's dedicated service team.
TEAM_ROLES = STAFF_ROLES - {Role.AGENCY_ADMIN}
# Roles that run the client relationship and may change its set-up.
MANAGER_ROLES = frozenset({Role.AGENCY_ADMIN, Role.ACCOUNT_MANAGER})


class ClientStatus(models.TextChoices):
    """Where the agency stands with a client."""

    # Under contract and being served.
    ACTIVE = "active", pgettext_lazy("client status", "Active")
    # No longer served; kept for history and reports.
    ENDED = "ended", _("Ended")


class ChangeRequestStatus(models.TextChoices):
    """Life of a request that needs the client's consent (team changes, account changes)."""

    # Waiting for the client reviewer.
    PENDING = "pending", _("Pending")
    # Approved by the client reviewer and applied.
    APPROVED = "approved", _("Approved")
    # Refused by the client reviewer; nothing changed.
    REJECTED = "rejected", _("Rejected")
    # Taken back by the agency before a decision.
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REQUEST_STATUSES = frozenset({ChangeRequestStatus.PENDING})


class TeamChangeKind(models.TextChoices):
    """What a team change request does to the client's dedicated team."""

    # One member leaves and another takes the same role.
    REPLACE = "replace", _("Replace a member")
    # One member leaves without a successor.
    REMOVE = "remove", _("Remove a member")
