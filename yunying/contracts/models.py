"""Contracts: who, which accounts and team, and versioned terms (``yunying.terms/1`` as JSON)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yunying.accounts.models import PlatformAccount
from yunying.contracts import terms as terms_module
from yunying.contracts.choices import ContractKind, ContractStatus
from yunying.tenancy.models import Agency, Client, TeamMember, User
from yunying.tenancy.scoping import TenantQuerySet, TenantScope


class Contract(models.Model):
    """An agreement between the agency and one client; its terms live in its versions."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("client")
    )
    number = models.CharField(_("contract number"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=ContractKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    # Set when the contract ends or is terminated; the reason says which clause, for termination.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=500, blank=True)
    # The dedicated team seats that serve this contract (a subset of the client's team).
    team = models.ManyToManyField(
        TeamMember, blank=True, related_name="contracts", verbose_name=_("team")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="contract_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def version_on(self, day: dt.date) -> ContractVersion | None:
        """The version in force on ``day`` (amendments start on the first day of a month)."""
        return self.versions.filter(effective_from__lte=day).order_by("-effective_from").first()


class ContractAccount(models.Model):
    """Binds a key of the terms' ``accounts`` map (``A``, ``B``) to a platform account."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="account_links",
        verbose_name=_("contract"),
    )
    key = models.CharField(_("key in the terms"), max_length=32)
    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="contract_links",
        verbose_name=_("account"),
    )

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("contract account")
        verbose_name_plural = _("contract accounts")
        ordering = ["contract_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "key"], name="contract_account_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.account}"


class ContractVersion(models.Model):
    """One version of the terms. Version 1 is the contract; later ones are amendments (补充协议).

    Amendments take effect on the first day of a month, so every month settles under exactly one
    version: the one in force on its first day. Signed versions are never edited.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="versions", verbose_name=_("contract")
    )
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    terms = models.JSONField(_("terms"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_unique"),
            models.UniqueConstraint(
                fields=["contract", "effective_from"], name="contract_version_effective_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="contract_version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} v{self.number}"

    def parsed(self) -> terms_module.Terms:
        """The stored terms, typed. They were validated on the way in."""
        return terms_module.parse_terms(self.terms)
