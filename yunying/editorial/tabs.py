"""The content area's tabs and who sees each, in one table (like ``core.navigation``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yunying.tenancy.choices import Role
from yunying.tenancy.scoping import Actor

R = Role
CONTENT_TEAM = frozenset({R.EDITOR, R.COPYWRITER, R.SUPERVISOR})
MANAGERS = frozenset({R.AGENCY_ADMIN, R.ACCOUNT_MANAGER})
CLIENT = frozenset({R.CLIENT_REVIEWER})


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: str | Promise
    roles: frozenset[str]


TABS = (
    Tab("editorial:item_list", _("Items"), CONTENT_TEAM | MANAGERS | CLIENT),
    Tab("editorial:calendar", _("Calendar"), CONTENT_TEAM | MANAGERS | CLIENT),
    Tab("editorial:quotas", _("Quotas"), CONTENT_TEAM | MANAGERS | CLIENT),
    Tab("editorial:intake_list", _("Requests"), CONTENT_TEAM | MANAGERS | CLIENT),
    Tab("editorial:material_list", _("Material library"), CONTENT_TEAM | MANAGERS | CLIENT),
    Tab("editorial:standup", _("Meetings"), CONTENT_TEAM | MANAGERS),
    Tab("editorial:scores", _("Scores"), MANAGERS | {R.SUPERVISOR}),
    Tab("editorial:publishers", _("Publishing"), MANAGERS | CONTENT_TEAM),
    Tab("editorial:editorial_settings", _("Settings"), frozenset({R.AGENCY_ADMIN})),
)


def tabs_for(actor: Actor) -> list[Tab]:
    return [tab for tab in TABS if tab.roles & actor.roles]
