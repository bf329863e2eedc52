"""The shell's navigation: which pages and areas each role sees, in one table."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yunying.tenancy.choices import STAFF_ROLES, Role
from yunying.tenancy.scoping import Actor

R = Role
ALL_STAFF = frozenset(STAFF_ROLES)
CLIENT = frozenset({R.CLIENT_REVIEWER})
MANAGERS = frozenset({R.AGENCY_ADMIN, R.ACCOUNT_MANAGER})
CONTENT_TEAM = frozenset({R.COPYWRITER, R.EDITOR, R.SUPERVISOR})
OPERATOR = "operator"  # pseudo-role: platform operator (superuser) with no agency


@dataclass(frozen=True)
class NavItem:
    """A page in the navigation, shown to the roles listed."""

    slug: str
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    # Areas that later releases fill say here what they will hold.
    description: str | Promise = ""
    is_area: bool = False

    def visible_to(self, actor: Actor) -> bool:
        roles = set(actor.roles)
        if actor.is_operator:
            roles.add(OPERATOR)
        return bool(self.roles & roles)

    @property
    def url(self) -> str:
        if self.is_area:
            return reverse("core:area", args=[self.slug])
        return reverse(self.url_name)


PAGES = [
    NavItem("clients", _("Clients"), "tenancy:client_list", ALL_STAFF),
    NavItem("accounts", _("Accounts"), "accounts:list", ALL_STAFF | CLIENT),
    NavItem("content", _("Content"), "editorial:item_list", MANAGERS | CONTENT_TEAM | CLIENT),
    NavItem("compliance", _("Compliance"), "compliance:check", MANAGERS | CONTENT_TEAM),
    NavItem("metrics", _("Metrics"), "reports:list", MANAGERS | CONTENT_TEAM | CLIENT),
    NavItem("contracts", _("Contracts"), "contracts:list", MANAGERS | {R.FINANCE} | CLIENT),
    NavItem("requests", _("Approvals"), "tenancy:requests", MANAGERS | CLIENT),
    NavItem("people", _("People"), "tenancy:people", frozenset({R.AGENCY_ADMIN})),
    NavItem(
        "settlement", _("Settlement"), "settlement:statement_list", MANAGERS | {R.FINANCE} | CLIENT
    ),
    NavItem("audit", _("Audit log"), "audit:list", frozenset({R.AGENCY_ADMIN}) | CLIENT),
    NavItem("calendar", _("Working days"), "workdays:calendar", ALL_STAFF | {OPERATOR}),
    NavItem("agencies", _("Agencies"), "tenancy:agency_list", frozenset({OPERATOR})),
]

AREAS = [
    NavItem(
        "livestream",
        _("Livestream"),
        "",
        MANAGERS | {R.HOST} | CLIENT,
        _("Rosters, sessions, check-in and check-out."),
        is_area=True,
    ),
    NavItem(
        "inbox",
        _("Inbox"),
        "",
        MANAGERS | {R.EDITOR, R.COPYWRITER},
        _("Fan messages with reply deadlines, tags and auto-replies."),
        is_area=True,
    ),
    NavItem(
        "integrity",
        _("Integrity"),
        "",
        frozenset({R.AGENCY_ADMIN, R.ASSOCIATION}) | CLIENT,
        _("Credit scores, complaints, disclosure and sanctions."),
        is_area=True,
    ),
]

# The role whose home page a person lands on when they hold several.
HOME_ORDER = [
    R.AGENCY_ADMIN,
    R.ACCOUNT_MANAGER,
    R.SUPERVISOR,
    R.FINANCE,
    R.COPYWRITER,
    R.EDITOR,
    R.HOST,
    R.CLIENT_REVIEWER,
    R.ASSOCIATION,
]


def home_role(actor: Actor) -> str:
    for role in HOME_ORDER:
        if role in actor.roles:
            return str(role)
    return OPERATOR if actor.is_operator else "none"


def navigation(actor: Actor) -> tuple[list[NavItem], list[NavItem]]:
    """The pages and the areas the actor may open."""
    return (
        [item for item in PAGES if item.visible_to(actor)],
        [item for item in AREAS if item.visible_to(actor)],
    )
