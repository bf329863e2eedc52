"""Platform accounts operated for clients, their vaulted credentials and change requests."""

from __future__ import annotations

from typing import ClassVar, cast

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yunying.tenancy.choices import ChangeRequestStatus
from yunying.tenancy.models import Agency, Client, ClientRequest, User
from yunying.tenancy.scoping import TenantQuerySet, TenantScope

from .choices import (
    AccountChangeKind,
    AccountRole,
    AccountStatus,
    OfficialAccountType,
    Platform,
)

_TenantManager = models.Manager.from_queryset(TenantQuerySet)


class OperatedAccountManager(_TenantManager):
    """The default manager: only the accounts the agency operates.

    Competitors' accounts share the table so that imports, manual entry and the metric
    definitions treat them exactly like the client's own, but everything else (content
    targets, quotas, KPIs, credentials, reports' totals, the client's related ``accounts``)
    must never see them; filtering here keeps that true for every query written without them
    in mind. Code about competitors asks ``PlatformAccount.tracked`` explicitly.
    """

    def get_queryset(self) -> TenantQuerySet:
        return cast(TenantQuerySet, super().get_queryset().filter(role=AccountRole.OPERATED))


class PlatformAccount(models.Model):
    """An account on Douyin, WeChat, Channels, a store or a livestream room, owned by a client,
    or (``role`` competitor) a competitor's account the agency watches for that client."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("owner client")
    )
    platform = models.CharField(_("platform"), max_length=32, choices=Platform.choices)
    platform_id = models.CharField(
        _("platform id"),
        max_length=128,
        help_text=_("Douyin id, WeChat original id, store id or room number."),
    )
    display_name = models.CharField(_("display name"), max_length=128)
    followers_at_signing = models.PositiveIntegerField(_("followers at signing"), default=0)
    oa_type = models.CharField(
        _("official account type"), max_length=16, choices=OfficialAccountType.choices, blank=True
    )
    certification_expires_on = models.DateField(
        _("certification expires on"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    notes = models.TextField(_("notes"), blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=AccountRole.choices, default=AccountRole.OPERATED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OperatedAccountManager()
    # Every account, competitors included: metrics storage and the competitor pages.
    tracked = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")
        ordering = ["client_id", "platform", "display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "platform", "platform_id"], name="account_unique_in_agency"
            ),
            models.CheckConstraint(
                condition=Q(platform=Platform.WECHAT_OA, oa_type__in=OfficialAccountType.values)
                | (~Q(platform=Platform.WECHAT_OA) & Q(oa_type="")),
                name="account_oa_type_iff_wechat_oa",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_platform_display()})"


class CompetitorNote(models.Model):
    """A dated observation on a competitor's account (a campaign, a new format, a price move),
    written by the team and shown beside the figures in the client's monthly report."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="competitor_notes",
        verbose_name=_("competitor account"),
    )
    # The day the observation is about (a launch, a post), not the day it was written.
    noted_on = models.DateField(_("date"))
    text = models.TextField(_("note"))
    written_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Removal is soft: a note the client may have read in a report stays on record.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("competitor note")
        verbose_name_plural = _("competitor notes")
        ordering = ["-noted_on", "-id"]
        indexes = [models.Index(fields=["account", "noted_on"], name="competitor_note_day")]

    def __str__(self) -> str:
        return f"{self.account} {self.noted_on}"


class Credential(models.Model):
    """The login of an account, its password encrypted by the vault (never stored in clear)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.OneToOneField(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="credential",
        verbose_name=_("account"),
    )
    login = models.CharField(
        _("login"), max_length=128, help_text=_("User name, e-mail or phone used to log in.")
    )
    ciphertext = models.TextField(editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("updated by")
    )

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["account_id"]

    def __str__(self) -> str:
        return f"{self.account} · {self.login}"

    def __repr__(self) -> str:
        # Never the ciphertext: reprs end up in logs and error pages.
        return f"<Credential {self.pk} account={self.account_id}>"


class AccountChangeRequest(ClientRequest):
    """A rename or password change the agency asks for; applied only when the client approves."""

    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AccountChangeKind.choices)
    proposed_name = models.CharField(_("proposed name"), max_length=128, blank=True)
    # The proposed password, encrypted like any credential until it is applied or discarded.
    proposed_ciphertext = models.TextField(blank=True, editable=False)

    class Meta(ClientRequest.Meta):
        verbose_name = _("account change request")
        verbose_name_plural = _("account change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind"],
                condition=Q(status=ChangeRequestStatus.PENDING),
                name="account_change_one_pending_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.get_kind_display()}"

    def __repr__(self) -> str:
        return f"<AccountChangeRequest {self.pk} {self.kind} account={self.account_id}>"

    @property
    def summary(self) -> str:
        """What the agency asks for, in the current language."""
        from .texts import describe_account_change

        return describe_account_change(self.kind, self.proposed_name)
