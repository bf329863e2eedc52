"""An agency's own lexicon for one client: terms to find and phrases to allow, versioned."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from yunying.tenancy.models import Agency, Client, User
from yunying.tenancy.scoping import TenantQuerySet, TenantScope

from .choices import CATEGORY_CHOICES, EntryKind, Severity


class ClientLexicon(models.Model):
    """The version counter of one client's lexicon: every change adds one, so a finding can name
    the version of the list that produced it."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="lexicon", verbose_name=_("client")
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope(client="client_id")

    class Meta:
        verbose_name = _("client lexicon")
        verbose_name_plural = _("client lexicons")

    def __str__(self) -> str:
        return f"{self.client} v{self.version}"


class LexiconEntry(models.Model):
    """One term or allowed phrase. Removal is soft: the history of the list stays readable."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="lexicon_entries", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    term = models.CharField(_("term"), max_length=100)
    # Category and severity apply to terms; an allowed phrase has neither.
    category = models.CharField(_("category"), max_length=32, choices=CATEGORY_CHOICES, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    added_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    added_in = models.PositiveIntegerField(_("added in version"))
    removed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_in = models.PositiveIntegerField(_("removed in version"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope(client="client_id")

    class Meta:
        verbose_name = _("lexicon entry")
        verbose_name_plural = _("lexicon entries")
        ordering = ["kind", "term", "id"]
        indexes = [models.Index(fields=["client", "removed_in"])]

    def __str__(self) -> str:
        return self.term

    @property
    def is_active(self) -> bool:
        return self.removed_in is None
