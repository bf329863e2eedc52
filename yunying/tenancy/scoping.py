"""The one mechanism that decides which rows a request may see.

Every tenant-owned model declares a :class:`TenantScope` (the path from the row to its agency and,
where it has one, to its client) and uses :class:`TenantQuerySet` as its manager. Views, API,
admin, commands and tasks fetch rows only through ``Model.objects.visible_to(actor)`` or
:func:`get_visible_or_404`; nothing else filters by agency. An object outside the actor's scope
is indistinguishable from one that does not exist (404 in both cases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from .choices import STAFF_ROLES, Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import User


@dataclass(frozen=True)
class TenantScope:
    """Lookups from a model's rows to the ids that scope them.

    ``agency`` and ``client`` are lookups yielding the agency id and client id (``"pk"`` for the
    agency or client row itself). ``client=None`` marks agency-internal rows: a client reviewer
    sees none of them. ``owner``, when set, makes rows personal to one user (notifications).
    Which roles may act on visible rows is the business of :mod:`yunying.tenancy.policy`.
    """

    agency: str = "agency_id"
    client: str | None = "client_id"
    owner: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which agency, in which roles, and limited to which clients.

    ``client_ids`` is ``None`` for agency staff (every client of the agency) and a set for client
    reviewers (only those clients). ``agency_id`` is ``None`` for people with no agency context
    (association officers, platform operators, anonymous visitors): they see no tenant rows.
    """

    user: User | None
    agency_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    client_ids: frozenset[int] | None = None
    # Platform operator (Django superuser): manages the shared calendar and users, not tenants.
    is_operator: bool = False
    # Every agency the person belongs to (to switch between them); ``agency_id`` is one of them.
    agency_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_client_reviewer(self) -> bool:
        return Role.CLIENT_REVIEWER in self.roles

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def acting_user(self) -> User:
        """The person behind an action that must be signed by someone (not the system)."""
        if self.user is None:
            raise PermissionDenied(_("This needs a signed-in person."))
        return self.user

    def home_agency(self) -> int:
        """The agency an agency-level action works in."""
        if self.agency_id is None:
            raise PermissionDenied(_("This needs an agency."))
        return self.agency_id

    @property
    def label(self) -> str:
        """How the audit log names the actor: the display name people know (the id is kept too)."""
        return str(self.user) if self.user is not None else "system"


SYSTEM = Actor(user=None)
"""The actor for scheduled work; it can act only through actions that accept it explicitly."""


def build_actor(user: Any, agency_id: int | None = None) -> Actor:
    """Resolve the memberships of ``user`` into an actor for one agency.

    ``agency_id`` picks among several agencies (the session's choice); an invalid choice falls
    back to the user's first agency rather than widening anything.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor(user=None)
    from .models import Membership

    rows = Membership.objects.filter(user=user, is_active=True).order_by("agency_id", "id")
    every = list(rows.values_list("agency_id", "role", "client_id"))
    memberships = [m for m in every if m[0] is not None]
    # Roles held without an agency (association officers) count in every agency context.
    other_roles = frozenset(role for agency, role, _ in every if agency is None)
    agencies = [m[0] for m in memberships]
    if agency_id not in agencies:
        agency_id = agencies[0] if agencies else None
    chosen = [m for m in memberships if m[0] == agency_id]
    roles = frozenset(role for _, role, _ in chosen) | other_roles
    client_ids: frozenset[int] | None = None
    if chosen and not (roles & STAFF_ROLES):
        client_ids = frozenset(client for _, _, client in chosen if client is not None)
    return Actor(
        user=user,
        agency_id=agency_id,
        roles=roles,
        client_ids=client_ids,
        is_operator=bool(user.is_superuser),
        agency_ids=frozenset(agencies),
    )


SESSION_AGENCY_KEY = "yunying_agency_id"


def actor_for(request: HttpRequest | Any) -> Actor:
    """The actor of a Django or DRF request, computed once per request."""
    cached: Actor | None = getattr(request, "_yunying_actor", None)
    if cached is not None and cached.user == getattr(request, "user", None):
        return cached
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_AGENCY_KEY) if session is not None else None
    actor = build_actor(getattr(request, "user", None), chosen)
    setattr(request, "_yunying_actor", actor)  # noqa: B010 - HttpRequest has no such attribute
    return actor


class TenantQuerySet(models.QuerySet[Any]):
    """Queryset of a tenant-owned model; ``visible_to`` is the only way rows reach a user."""

    def visible_to(self, actor: Actor) -> Self:
        scope: TenantScope = self.model.tenant_scope
        if actor.agency_id is None or actor.user is None:
            return self.none()
        rows = self.filter(**{scope.agency: actor.agency_id})
        if scope.owner is not None:
            return rows.filter(**{scope.owner: actor.user.pk})
        if actor.client_ids is not None:
            if scope.client is None:
                return self.none()
            rows = rows.filter(**{f"{scope.client}__in": actor.client_ids})
        return rows


def ensure_same_agency(actor: Actor, agency_id: int | None) -> None:
    """Defence in depth: actions never act across tenants even if a caller skipped scoping."""
    if actor.agency_id is None or actor.agency_id != agency_id:
        raise PermissionDenied(_("This belongs to another agency."))


M = TypeVar("M", bound=models.Model)


def visible(model: type[M], actor: Actor) -> models.QuerySet[M]:
    """``model.objects.visible_to(actor)`` for code that holds the model in a variable."""
    rows = cast(TenantQuerySet, model._default_manager.all())
    return cast("models.QuerySet[M]", rows.visible_to(actor))


def get_visible_or_404(model: type[M], actor: Actor, **lookup: Any) -> M:
    """Fetch one row the actor may see; missing and forbidden are the same 404."""
    try:
        return visible(model, actor).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404(model._meta.verbose_name) from exc
