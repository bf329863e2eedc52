"""Agencies (tenants), their clients, people, memberships and dedicated service teams."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    TEAM_ROLES,
    ChangeRequestStatus,
    ClientStatus,
    Role,
    TeamChangeKind,
)
from .scoping import TenantQuerySet, TenantScope


def default_reminder_days() -> list[int]:
    return [30, 7]


if TYPE_CHECKING:
    from yunying.tenancy.deadlines import ResponseDeadline


class User(AbstractUser):
    """A person who logs in: agency staff, a client's contact, an association officer."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_username()


class Agency(models.Model):
    """A managed-operations agency (服务商): the tenant that owns every other business row."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    slug = models.SlugField(
        _("web name"),
        max_length=64,
        unique=True,
        help_text=_("Latin letters, digits and hyphens, e.g. xinghuo."),
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    certification_reminder_days = models.JSONField(
        _("certification reminder days"),
        default=default_reminder_days,
        help_text=_("Days before an account's certification expires to remind the team."),
    )
    client_response_working_days = models.PositiveSmallIntegerField(
        _("client response window (working days)"),
        default=3,
        help_text=_("How long a client has to answer a request, unless a contract says otherwise."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope(agency="pk", client=None)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Client(models.Model):
    """A company (甲方) whose accounts the agency operates under contract."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="clients", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=128)
    industry = models.CharField(_("industry"), max_length=64, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope(client="pk")

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="client_name_unique_in_agency")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One role of one person in one agency; a client reviewer's membership names the client.

    Association officers hold a membership without an agency: they see no agency's rows.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("agency"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="reviewer_memberships",
        null=True,
        blank=True,
        verbose_name=_("client"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency_id", "user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role", "client"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(role=Role.CLIENT_REVIEWER, client__isnull=False)
                | (~Q(role=Role.CLIENT_REVIEWER) & Q(client__isnull=True)),
                name="membership_client_iff_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.ASSOCIATION, agency__isnull=True)
                | (~Q(role=Role.ASSOCIATION) & Q(agency__isnull=False)),
                name="membership_agency_unless_association",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class TeamMember(models.Model):
    """A person on a client's dedicated service team (专门工作小组) for a period."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="team", verbose_name=_("client")
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="team_seats", verbose_name=_("person")
    )
    role = models.CharField(
        _("role"), max_length=32, choices=[(r.value, r.label) for r in Role if r in TEAM_ROLES]
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["client_id", "role", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "user", "role"],
                condition=Q(left_on__isnull=True),
                name="team_member_active_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class ClientRequest(models.Model):
    """Something the agency asks and the client's reviewer approves before it takes effect.

    The shared life cycle of team changes and account changes (seed 000: no replacing the team,
    renaming the account or changing its password without the client's consent): pending until
    the client's own reviewer decides, or the agency withdraws it. See ``approvals.py``.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        abstract = True
        ordering = ["-requested_at"]

    @property
    def summary(self) -> str:
        """What is asked, in one line of the current language."""
        raise NotImplementedError

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeRequestStatus.PENDING

    @property
    def response_deadline(self) -> ResponseDeadline:
        """When the client should answer (agency window in working days, PRC calendar)."""
        from yunying.tenancy.deadlines import response_deadline

        return response_deadline(
            self.requested_at, self.agency.client_response_working_days, self.status
        )


class TeamChangeRequest(ClientRequest):
    """A request to replace or remove a team member; it takes effect only on client approval."""

    kind = models.CharField(_("kind"), max_length=16, choices=TeamChangeKind.choices)
    outgoing = models.ForeignKey(
        TeamMember,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("outgoing member"),
    )
    incoming = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incoming person"),
    )

    class Meta(ClientRequest.Meta):
        verbose_name = _("team change request")
        verbose_name_plural = _("team change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["outgoing"],
                condition=Q(status=ChangeRequestStatus.PENDING),
                name="team_change_one_pending_per_member",
            ),
            models.CheckConstraint(
                condition=Q(kind=TeamChangeKind.REPLACE, incoming__isnull=False)
                | Q(kind=TeamChangeKind.REMOVE, incoming__isnull=True),
                name="team_change_incoming_iff_replace",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_kind_display()} · {self.outgoing.user}"

    @property
    def summary(self) -> str:
        """Who leaves, who comes, in which role, in the current language."""
        from .texts import describe_team_change

        incoming = str(self.incoming) if self.incoming is not None else None
        return describe_team_change(self.outgoing.role, str(self.outgoing.user), incoming)
