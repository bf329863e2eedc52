"""The write path for agencies, clients, people and dedicated teams.

Every function takes the acting :class:`Actor` as ``actor=``, checks the policy, runs in one
transaction and writes the audit entry. Callers pass rows they fetched through ``visible_to``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from yunying.audit.actions import record
from yunying.core.changes import apply_changes
from yunying.notify.actions import notify
from yunying.notify.choices import NotificationKind

from . import policy
from .approvals import record_decision, record_withdrawal
from .choices import TEAM_ROLES, ChangeRequestStatus, Role, TeamChangeKind
from .models import Agency, Client, Membership, TeamChangeRequest, TeamMember, User
from .scoping import Actor, ensure_same_agency

CLIENT_FIELDS = ("name", "industry", "contact_name", "contact_phone", "status")
AGENCY_FIELDS = (
    "name",
    "credit_code",
    "certification_reminder_days",
    "client_response_working_days",
)


def validate_reminder_days(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 365 for v in value
    ):
        raise ValidationError(
            {
                "certification_reminder_days": _(
                    "Give whole numbers of days between 1 and 365, e.g. 30, 7."
                )
            }
        )
    return sorted(set(value), reverse=True)


# --- Agencies ---------------------------------------------------------------------------------


@transaction.atomic
def create_agency(*, actor: Actor, name: str, slug: str, credit_code: str = "") -> Agency:
    """Register a new agency (tenant). Only a platform operator does this."""
    if not actor.is_operator:
        raise PermissionDenied(_("Only a platform operator can register an agency."))
    agency = Agency(name=name, slug=slug, credit_code=credit_code)
    agency.full_clean()
    agency.save()
    record(actor=actor, action="agency.create", obj=agency, data={"name": name, "slug": slug})
    return agency


@transaction.atomic
@sensitive_variables("admin_password")
def register_agency(
    *,
    actor: Actor,
    name: str,
    slug: str,
    admin_username: str,
    admin_password: str,
    credit_code: str = "",
    admin_display_name: str = "",
) -> Agency:
    """Register an agency together with its first admin login (operator only, all or nothing)."""
    agency = create_agency(actor=actor, name=name, slug=slug, credit_code=credit_code)
    admin = _new_login(
        admin_username, admin_password, field_prefix="admin_", display_name=admin_display_name
    )
    appoint(admin, actor=actor, role=Role.AGENCY_ADMIN, agency=agency)
    return agency


@sensitive_variables("password")
def _new_login(username: str, password: str, *, field_prefix: str = "", **fields: Any) -> User:
    """A new login with a password that passes the configured password validators."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({f"{field_prefix}username": _("This user name is taken.")})
    user = User(username=username, **fields)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({f"{field_prefix}password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def update_agency(agency: Agency, *, actor: Actor, **changes: Any) -> Agency:
    """Change the agency's own settings (name, credit code, reminder days)."""
    policy.require(actor, "tenancy.change_agency")
    ensure_same_agency(actor, agency.pk)
    if "certification_reminder_days" in changes:
        changes["certification_reminder_days"] = validate_reminder_days(
            changes["certification_reminder_days"]
        )
    diff = apply_changes(agency, changes, allowed=AGENCY_FIELDS)
    if diff:
        agency.save()
        record(actor=actor, action="agency.update", obj=agency, data=diff)
    return agency


@transaction.atomic
def appoint(user: User, *, actor: Actor, role: str, agency: Agency | None = None) -> Membership:
    """Operator-only: make someone an agency's admin, or an association officer (no agency)."""
    if not actor.is_operator:
        raise PermissionDenied(_("Only a platform operator can do this."))
    if role == Role.AGENCY_ADMIN and agency is not None:
        membership = Membership(user=user, agency=agency, role=role)
    elif role == Role.ASSOCIATION and agency is None:
        membership = Membership(user=user, agency=None, role=role)
    else:
        raise ValidationError(
            {"role": _("Operators appoint agency admins and association officers.")}
        )
    membership.full_clean()
    membership.save()
    record(
        actor=actor,
        action="membership.appoint",
        obj=membership,
        agency_id=agency.pk if agency else None,
        data={"username": user.get_username(), "role": role},
    )
    return membership


# --- Clients ----------------------------------------------------------------------------------


def _check_client_name(client: Client) -> None:
    clash = Client.objects.filter(agency_id=client.agency_id, name=client.name).exclude(
        pk=client.pk
    )
    if clash.exists():
        raise ValidationError({"name": _("Your agency already has a client with this name.")})


@transaction.atomic
def create_client(*, actor: Actor, name: str, **fields: Any) -> Client:
    """Take on a new client (甲方)."""
    policy.require(actor, "tenancy.add_client")
    client = Client(agency_id=actor.home_agency(), name=name)
    apply_changes(client, fields, allowed=CLIENT_FIELDS)
    _check_client_name(client)
    client.save()
    record(actor=actor, action="client.create", obj=client, data={"name": name, **fields})
    return client


@transaction.atomic
def update_client(client: Client, *, actor: Actor, **changes: Any) -> Client:
    """Edit a client's details."""
    policy.require(actor, "tenancy.change_client")
    ensure_same_agency(actor, client.agency_id)
    diff = apply_changes(client, changes, allowed=CLIENT_FIELDS)
    if diff:
        _check_client_name(client)
        client.save()
        record(actor=actor, action="client.update", obj=client, data=diff)
    return client


# --- People -----------------------------------------------------------------------------------


@transaction.atomic
@sensitive_variables("password")
def add_person(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    phone: str = "",
    email: str = "",
    client: Client | None = None,
) -> Membership:
    """Create a login and its first role in the actor's agency (staff or client reviewer)."""
    policy.require(actor, "tenancy.add_membership")
    actor.home_agency()
    user = _new_login(username, password, display_name=display_name, phone=phone, email=email)
    membership = _grant(actor, user, role, client)
    record(
        actor=actor,
        action="person.create",
        obj=membership,
        data={"username": username, "role": role},
    )
    return membership


@transaction.atomic
def grant_role(user: User, *, actor: Actor, role: str, client: Client | None = None) -> Membership:
    """Give an existing person of the agency one more role."""
    policy.require(actor, "tenancy.add_membership")
    if not Membership.objects.visible_to(actor).filter(user=user, is_active=True).exists():
        raise ValidationError({"user": _("This person does not belong to your agency.")})
    membership = _grant(actor, user, role, client)
    record(actor=actor, action="membership.grant", obj=membership, data={"role": role})
    return membership


def _grant(actor: Actor, user: User, role: str, client: Client | None) -> Membership:
    if role not in Role.values or role == Role.ASSOCIATION:
        raise ValidationError({"role": _("Choose a staff role or client reviewer.")})
    if role == Role.CLIENT_REVIEWER:
        if client is None:
            raise ValidationError({"client": _("A client reviewer must belong to a client.")})
        ensure_same_agency(actor, client.agency_id)
    elif client is not None:
        raise ValidationError({"client": _("Only client reviewers belong to a client.")})
    existing = set(
        Membership.objects.filter(
            user=user, agency_id=actor.home_agency(), is_active=True
        ).values_list("role", flat=True)
    )
    is_reviewer = role == Role.CLIENT_REVIEWER
    if existing and (is_reviewer != (Role.CLIENT_REVIEWER in existing)):
        # One login is either agency staff or a client's contact, never both: the two see
        # different worlds, and mixing them would let a reviewer see other clients' data.
        raise ValidationError({"role": _("A person cannot be both staff and client reviewer.")})
    membership, created = Membership.objects.get_or_create(
        user=user, agency_id=actor.home_agency(), role=role, client=client
    )
    if not created and membership.is_active:
        raise ValidationError({"role": _("This person already has this role.")})
    if not created:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def revoke_membership(membership: Membership, *, actor: Actor) -> Membership:
    """Take a role away (the person's history stays). An admin cannot revoke their own admin."""
    policy.require(actor, "tenancy.delete_membership")
    ensure_same_agency(actor, membership.agency_id)
    if (
        membership.user_id == getattr(actor.user, "pk", None)
        and membership.role == Role.AGENCY_ADMIN
    ):
        raise ValidationError({"role": _("You cannot remove your own admin role.")})
    if TeamMember.objects.filter(
        user_id=membership.user_id,
        agency_id=actor.home_agency(),
        role=membership.role,
        left_on__isnull=True,
    ).exists():
        raise ValidationError(
            {"role": _("This person still serves on a team in this role; replace them first.")}
        )
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record(actor=actor, action="membership.revoke", obj=membership, data={"role": membership.role})
    return membership


# --- Dedicated teams --------------------------------------------------------------------------


def _require_role_holder(actor: Actor, user: User, role: str, field: str) -> None:
    if role not in TEAM_ROLES:
        raise ValidationError({"role": _("This role does not sit on a client team.")})
    if not Membership.objects.filter(
        user=user, agency_id=actor.home_agency(), role=role, is_active=True
    ).exists():
        raise ValidationError({field: _("This person does not hold that role in your agency.")})


@transaction.atomic
def add_team_member(
    client: Client, *, actor: Actor, user: User, role: str, joined_on: date | None = None
) -> TeamMember:
    """Put a person on the client's team. Adding is direct; replacing needs the client."""
    policy.require(actor, "tenancy.add_teammember")
    ensure_same_agency(actor, client.agency_id)
    _require_role_holder(actor, user, role, "user")
    if TeamMember.objects.filter(
        client=client, user=user, role=role, left_on__isnull=True
    ).exists():
        raise ValidationError({"user": _("This person is already on the team in this role.")})
    member = TeamMember.objects.create(
        agency_id=client.agency_id,
        client=client,
        user=user,
        role=role,
        joined_on=joined_on or timezone.localdate(),
    )
    record(
        actor=actor,
        action="team.add",
        obj=member,
        data={"user": user.get_username(), "role": role},
    )
    return member


def team_people(client_id: int, *roles: str) -> list[User]:
    """The people seated on a client's team now, in ``roles`` when given."""
    seats = TeamMember.objects.filter(client_id=client_id, left_on__isnull=True)
    if roles:
        seats = seats.filter(role__in=roles)
    return [seat.user for seat in seats.select_related("user")]


def client_reviewers(client: Client) -> list[User]:
    return list(
        User.objects.filter(
            memberships__client=client,
            memberships__role=Role.CLIENT_REVIEWER,
            memberships__is_active=True,
            is_active=True,
        ).distinct()
    )


@transaction.atomic
def request_team_change(
    member: TeamMember,
    *,
    actor: Actor,
    kind: str,
    reason: str,
    incoming: User | None = None,
) -> TeamChangeRequest:
    """Ask the client to approve replacing or removing a team member (seed 000, part 3)."""
    policy.require(actor, "tenancy.add_teamchangerequest")
    ensure_same_agency(actor, member.agency_id)
    errors: dict[str, str] = {}
    if not member.is_current:
        errors["outgoing"] = _("This person has already left the team.")
    if not reason.strip():
        errors["reason"] = _("Say why the team should change.")
    if kind == TeamChangeKind.REPLACE:
        if incoming is None:
            errors["incoming"] = _("Name who takes over.")
        elif incoming.pk == member.user_id:
            errors["incoming"] = _("The successor must be someone else.")
    elif kind == TeamChangeKind.REMOVE:
        incoming = None
    else:
        errors["kind"] = _("Choose replace or remove.")
    if errors:
        raise ValidationError(errors)
    if incoming is not None:
        _require_role_holder(actor, incoming, member.role, "incoming")
    if TeamChangeRequest.objects.filter(
        outgoing=member, status=ChangeRequestStatus.PENDING
    ).exists():
        raise ValidationError({"outgoing": _("A change for this member is already waiting.")})
    change = TeamChangeRequest.objects.create(
        agency_id=member.agency_id,
        client_id=member.client_id,
        kind=kind,
        outgoing=member,
        incoming=incoming,
        reason=reason.strip(),
        requested_by=actor.acting_user(),
    )
    record(
        actor=actor,
        action="team.change_requested",
        obj=change,
        data=_change_summary(change),
        reason=change.reason,
    )
    notify(
        client_reviewers(member.client),
        agency_id=member.agency_id,
        client_id=member.client_id,
        kind=NotificationKind.TEAM_CHANGE_REQUESTED,
        params={
            "requested_by": str(actor.user),
            "client": str(member.client),
            "role": member.role,
            "outgoing": str(member.user),
            "incoming": str(incoming) if incoming is not None else None,
        },
        url=reverse("tenancy:team_change_detail", args=[change.pk]),
    )
    return change


def _change_summary(change: TeamChangeRequest) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "role": change.outgoing.role,
        "outgoing": change.outgoing.user.get_username(),
        "incoming": change.incoming.get_username() if change.incoming else None,
    }


@transaction.atomic
def decide_team_change(
    change: TeamChangeRequest, *, actor: Actor, approve: bool, comment: str = ""
) -> TeamChangeRequest:
    """The client reviewer approves (the change takes effect now) or rejects it."""
    change = record_decision(change, actor=actor, approve=approve, comment=comment)
    today = timezone.localdate()
    if approve:
        outgoing = change.outgoing
        outgoing.left_on = today
        outgoing.save(update_fields=["left_on"])
        if change.incoming is not None:
            TeamMember.objects.create(
                agency_id=change.agency_id,
                client_id=change.client_id,
                user=change.incoming,
                role=outgoing.role,
                joined_on=today,
            )
    record(
        actor=actor,
        action="team.change_approved" if approve else "team.change_rejected",
        obj=change,
        data=_change_summary(change),
        reason=change.decision_comment,
    )
    notify(
        [change.requested_by],
        agency_id=change.agency_id,
        client_id=change.client_id,
        kind=NotificationKind.TEAM_CHANGE_DECIDED,
        params={"client": str(change.client), "status": change.status},
        url=reverse("tenancy:team_change_detail", args=[change.pk]),
    )
    return change


@transaction.atomic
def withdraw_team_change(change: TeamChangeRequest, *, actor: Actor) -> TeamChangeRequest:
    """The agency takes back a request the client has not decided yet."""
    change = record_withdrawal(change, actor=actor)
    record(actor=actor, action="team.change_withdrawn", obj=change, data=_change_summary(change))
    return change
