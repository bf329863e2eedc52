"""Who may do what, in one table.

Rows are first narrowed by :mod:`yunying.tenancy.scoping` (agency and client); this table then
says which roles may perform a verb on the rows they can see. Permission names follow Django's
``app.verb_model`` form so they read the same in views, API, admin and actions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .choices import MANAGER_ROLES, STAFF_ROLES, Role
from .scoping import Actor, actor_for

ADMIN = frozenset({Role.AGENCY_ADMIN})
MANAGERS = MANAGER_ROLES
STAFF = STAFF_ROLES
CLIENT = frozenset({Role.CLIENT_REVIEWER})
NOBODY: frozenset[str] = frozenset()
# The content team of seed 002: copywriter, editor, supervisor.
CONTENT = frozenset({Role.COPYWRITER, Role.EDITOR, Role.SUPERVISOR})

RULES: dict[str, frozenset[str]] = {
    # The agency itself: staff read it, its admin edits it.
    "tenancy.view_agency": STAFF,
    "tenancy.change_agency": ADMIN,
    # Clients: everyone of the agency reads; reviewers read only their own (scoping does that).
    "tenancy.view_client": STAFF | CLIENT,
    "tenancy.add_client": MANAGERS,
    "tenancy.change_client": MANAGERS,
    # Staff directory and logins.
    "tenancy.view_membership": STAFF,
    "tenancy.add_membership": ADMIN,
    "tenancy.change_membership": ADMIN,
    "tenancy.delete_membership": ADMIN,
    # Dedicated teams: adding is direct; replacing or removing needs the client (seed 000 part 3).
    "tenancy.view_teammember": STAFF | CLIENT,
    "tenancy.add_teammember": MANAGERS,
    "tenancy.view_teamchangerequest": STAFF | CLIENT,
    "tenancy.add_teamchangerequest": MANAGERS,
    "tenancy.delete_teamchangerequest": MANAGERS,
    "tenancy.decide_teamchangerequest": CLIENT,
    # Platform accounts.
    "accounts.view_platformaccount": STAFF | CLIENT,
    "accounts.add_platformaccount": MANAGERS,
    "accounts.change_platformaccount": MANAGERS,
    # Credentials: metadata is visible, the secret only by reveal (and only to the client's team).
    "accounts.view_credential": STAFF | CLIENT,
    "accounts.add_credential": MANAGERS,
    "accounts.reveal_credential": frozenset(
        {Role.AGENCY_ADMIN, Role.ACCOUNT_MANAGER, Role.EDITOR, Role.COPYWRITER, Role.HOST}
    ),
    # Name and password changes need the client's approval.
    "accounts.view_accountchangerequest": STAFF | CLIENT,
    "accounts.add_accountchangerequest": MANAGERS,
    "accounts.delete_accountchangerequest": MANAGERS,
    "accounts.decide_accountchangerequest": CLIENT,
    # Competitors: managers choose whom to watch; the whole team writes what it notices.
    "accounts.view_competitornote": STAFF | CLIENT,
    "accounts.add_competitornote": STAFF,
    "accounts.delete_competitornote": MANAGERS,
    # Settlement: finance settles, adjusts and sends; only the client's reviewer decides.
    "settlement.view_statement": MANAGERS | {Role.FINANCE} | CLIENT,
    "settlement.add_statement": ADMIN | {Role.FINANCE},
    "settlement.change_statement": ADMIN | {Role.FINANCE},
    "settlement.decide_statement": CLIENT,
    "settlement.view_statementline": MANAGERS | {Role.FINANCE} | CLIENT,
    "settlement.view_invoice": MANAGERS | {Role.FINANCE} | CLIENT,
    "settlement.change_invoice": ADMIN | {Role.FINANCE},
    "settlement.view_payment": MANAGERS | {Role.FINANCE} | CLIENT,
    "settlement.add_payment": ADMIN | {Role.FINANCE},
    # Stored facts (sessions, late check-ins, deliveries): managers and finance record them.
    "settlement.view_contractevent": MANAGERS | {Role.FINANCE} | CLIENT,
    "settlement.add_contractevent": MANAGERS | {Role.FINANCE},
    # Contracts: managers write and sign them; finance reads; a reviewer reads their client's.
    "contracts.view_contract": MANAGERS | {Role.FINANCE} | CLIENT,
    "contracts.add_contract": MANAGERS,
    "contracts.change_contract": MANAGERS,
    "contracts.sign_contract": MANAGERS,
    "contracts.amend_contract": MANAGERS,
    "contracts.end_contract": MANAGERS,
    # Audit log: the agency admin sees the agency's, a reviewer the entries about their client.
    "audit.view_auditentry": ADMIN | CLIENT,
    # Personal notifications: everyone reads and dismisses their own.
    "notify.view_notification": STAFF | CLIENT,
    "notify.change_notification": STAFF | CLIENT,
    "notify.delete_notification": STAFF | CLIENT,
    # Bots of the team group chats: the agency's own channel, so no client reviewer sees them;
    # managers set them up (the webhook is a credential) and send the test message.
    "notify.view_groupbot": STAFF,
    "notify.add_groupbot": MANAGERS,
    "notify.delete_groupbot": MANAGERS,
    "notify.test_groupbot": MANAGERS,
    "notify.view_groupbotdelivery": STAFF,
    # Editorial pipeline: the workflow table (editorial/workflow.py) decides each move by role;
    # these rules say who may touch items at all.
    "editorial.view_contentitem": STAFF | CLIENT,
    "editorial.add_contentitem": MANAGERS | CONTENT,
    "editorial.change_contentitem": CONTENT,
    "editorial.schedule_contentitem": MANAGERS | CONTENT,
    "editorial.transition_contentitem": MANAGERS | CONTENT | CLIENT,
    "editorial.comment_contentitem": MANAGERS | CONTENT | CLIENT,
    "editorial.publish_contentitem": CONTENT,
    "editorial.score_contentitem": frozenset({Role.SUPERVISOR}),
    "editorial.view_score": MANAGERS | frozenset({Role.SUPERVISOR}),
    # The stand-up and weekly meeting packs (seed 002's 早例会, 周例会): the team's internal view.
    "editorial.view_meetingpack": MANAGERS | CONTENT,
    "editorial.change_editorialsettings": ADMIN,
    "editorial.view_material": STAFF | CLIENT,
    "editorial.add_material": MANAGERS | CONTENT | CLIENT,
    "editorial.view_column": STAFF | CLIENT,
    "editorial.change_column": MANAGERS | frozenset({Role.SUPERVISOR}),
    "editorial.view_intakerequest": STAFF | CLIENT,
    "editorial.add_intakerequest": STAFF | CLIENT,
    "editorial.decide_intakerequest": MANAGERS | frozenset({Role.EDITOR, Role.SUPERVISOR}),
    "editorial.view_publisherconfig": MANAGERS | CONTENT,
    "editorial.change_publisherconfig": MANAGERS,
    # Compliance: the content team and managers check texts and read the clients' own lists;
    # supervisors and managers keep those lists (what a client's posts are held to).
    "compliance.check": MANAGERS | CONTENT,
    "compliance.view_lexiconentry": MANAGERS | CONTENT,
    "compliance.add_lexiconentry": MANAGERS | frozenset({Role.SUPERVISOR}),
    "compliance.delete_lexiconentry": MANAGERS | frozenset({Role.SUPERVISOR}),
    # Stored metrics and posts: staff and the client's reviewer read; managers import and enter.
    "metrics.view_dailymetric": STAFF | CLIENT,
    "metrics.import_dailymetric": MANAGERS,
    "metrics.add_dailymetric": MANAGERS,
    "metrics.view_postfact": STAFF | CLIENT,
    "metrics.import_postfact": MANAGERS,
    # Import jobs show the uploaded files and their problems: agency-internal.
    "metrics.view_importjob": STAFF,
    # Platform API connections hold the agency's app secrets: managers set them up.
    "metrics.view_syncconfig": STAFF,
    "metrics.change_syncconfig": MANAGERS,
    # Suspicious engagement: the agency's business (seed 003), reviewed by managers and supervisors.
    "metrics.view_engagementflag": STAFF,
    "metrics.review_engagementflag": MANAGERS | frozenset({Role.SUPERVISOR}),
    # Monthly reports: staff read drafts, the client reads what was published to it.
    "reports.view_monthlyreport": STAFF | CLIENT,
    "reports.change_monthlyreport": MANAGERS,
    "reports.publish_monthlyreport": MANAGERS,
    # Its e-mails name the reviewers' addresses and the mail server's answers: agency-internal.
    "reports.view_reportdelivery": STAFF,
}


def can(actor: Actor, permission: str) -> bool:
    """True when one of the actor's roles is granted ``permission``.

    An unknown permission name is a programming error, not a silent "no".
    """
    return bool(RULES[permission] & actor.roles)


def require(actor: Actor, permission: str) -> None:
    """Raise ``PermissionDenied`` unless the actor holds ``permission``."""
    if not can(actor, permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def actor_with(request: Any, permission: str) -> Actor:
    """The request's actor, after checking it holds ``permission`` (for function views)."""
    actor = actor_for(request)
    require(actor, permission)
    return actor
