"""Test personas: two agencies, two clients each, staff of every role, reviewers, outsiders.

Built through the actions (so the world also exercises the write path) and used by the test
suites and the benchmarks. Every name carries its agency and client letter ("alpha", "a1"), so a
test can look for it in a page or an API answer to prove it is, or is not, visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import factory
from django.utils import timezone

from yunying.accounts import actions as account_actions
from yunying.accounts.choices import AccountChangeKind, OfficialAccountType, Platform
from yunying.accounts.models import AccountChangeRequest, Credential, PlatformAccount
from yunying.audit.actions import record
from yunying.audit.models import AuditEntry
from yunying.notify.actions import notify
from yunying.notify.choices import NotificationKind
from yunying.notify.models import Notification
from yunying.tenancy import actions as tenancy_actions
from yunying.tenancy.choices import STAFF_ROLES, Role, TeamChangeKind
from yunying.tenancy.models import (
    Agency,
    Client,
    Membership,
    TeamChangeRequest,
    TeamMember,
    User,
)
from yunying.tenancy.scoping import Actor, build_actor

PASSWORD = "test-pass-123"  # noqa: S105 - test personas only
# Every vaulted test password starts with this, so a leak is easy to search for.
SECRET_PREFIX = "S3cret-"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password(PASSWORD)


def make_user(username: str, **fields: Any) -> User:
    """A login with the test password (``UserFactory`` typed for callers)."""
    return cast(User, UserFactory(username=username, **fields))


@dataclass
class ClientSide:
    """One client of an agency with everything that hangs off it."""

    client: Client
    reviewer: User
    account: PlatformAccount
    credential: Credential
    secret: str
    team_member: TeamMember
    team_change: TeamChangeRequest
    account_change: AccountChangeRequest
    audit_entry: AuditEntry


@dataclass
class AgencySide:
    """One agency: its staff by role and two clients."""

    agency: Agency
    staff: dict[str, User]
    clients: list[ClientSide]
    notification: Notification
    membership: Membership

    @property
    def admin(self) -> User:
        return self.staff[Role.AGENCY_ADMIN]


@dataclass
class World:
    alpha: AgencySide
    beta: AgencySide
    operator: User
    association: User
    outsider: User
    extra: dict[str, object] = field(default_factory=dict)


def actor(user: User) -> Actor:
    return build_actor(user)


def _agency(tag: str, operator: User, today: date) -> AgencySide:
    op = build_actor(operator)
    agency = tenancy_actions.create_agency(actor=op, name=f"{tag} agency", slug=tag)
    admin = make_user(f"{tag}_admin")
    tenancy_actions.appoint(admin, actor=op, role=Role.AGENCY_ADMIN, agency=agency)
    boss = build_actor(admin)
    staff: dict[str, User] = {Role.AGENCY_ADMIN: admin}
    for role in sorted(STAFF_ROLES - {Role.AGENCY_ADMIN}):
        membership = tenancy_actions.add_person(
            actor=boss,
            username=f"{tag}_{role}",
            password=PASSWORD,
            role=role,
            display_name=f"{tag} {role}",
        )
        staff[role] = membership.user
    extra_editor = tenancy_actions.add_person(
        actor=boss,
        username=f"{tag}_editor2",
        password=PASSWORD,
        role=Role.EDITOR,
    ).user
    manager = build_actor(staff[Role.ACCOUNT_MANAGER])
    clients = []
    for index in (1, 2):
        letter = f"{tag[0]}{index}"
        client = tenancy_actions.create_client(
            actor=boss, name=f"{tag} client {letter}", industry=f"industry-{letter}"
        )
        reviewer = tenancy_actions.add_person(
            actor=boss,
            username=f"{tag}_reviewer_{letter}",
            password=PASSWORD,
            role=Role.CLIENT_REVIEWER,
            client=client,
        ).user
        seats = {}
        for role in (Role.ACCOUNT_MANAGER, Role.EDITOR, Role.HOST, Role.COPYWRITER):
            seats[role] = tenancy_actions.add_team_member(
                client, actor=boss, user=staff[role], role=role, joined_on=today
            )
        secret = f"{SECRET_PREFIX}{letter}-pw"
        account = account_actions.create_account(
            actor=boss,
            client=client,
            platform=Platform.WECHAT_OA,
            platform_id=f"gh_{letter}",
            display_name=f"{tag} account {letter}",
            oa_type=OfficialAccountType.SERVICE,
            login=f"login-{letter}",
            password=secret,
        )
        team_change = tenancy_actions.request_team_change(
            seats[Role.EDITOR],
            actor=manager,
            kind=TeamChangeKind.REPLACE,
            incoming=extra_editor,
            reason=f"team change {letter}",
        )
        account_change = account_actions.request_account_change(
            account,
            actor=manager,
            kind=AccountChangeKind.RENAME,
            proposed_name=f"{tag} renamed {letter}",
            reason=f"rename {letter}",
        )
        entry = record(
            actor=boss, action="test.marker", obj=client, reason=f"audit marker {letter}"
        )
        clients.append(
            ClientSide(
                client=client,
                reviewer=reviewer,
                account=account,
                credential=account.credential,
                secret=secret,
                team_member=seats[Role.EDITOR],
                team_change=team_change,
                account_change=account_change,
                audit_entry=entry,
            )
        )
    note = notify(
        [staff[Role.ACCOUNT_MANAGER]],
        agency_id=agency.pk,
        kind=NotificationKind.CERTIFICATION_EXPIRY,
        params={
            "account": f"{tag} notification",
            "platform": Platform.WECHAT_OA,
            "expires_on": "2026-12-01",
            "days": 9,
        },
    )[0]
    membership = Membership.objects.get(user=staff[Role.SUPERVISOR], agency=agency)
    return AgencySide(agency, staff, clients, note, membership)


def build_world() -> World:
    today = timezone.localdate()
    operator = make_user("operator", is_superuser=True, is_staff=True)
    association = make_user("association")
    tenancy_actions.appoint(association, actor=build_actor(operator), role=Role.ASSOCIATION)
    return World(
        alpha=_agency("alpha", operator, today),
        beta=_agency("beta", operator, today),
        operator=operator,
        association=association,
        outsider=make_user("outsider"),
    )
