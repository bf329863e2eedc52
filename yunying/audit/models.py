"""The append-only, hash-chained audit log."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from yunying.tenancy.scoping import TenantQuerySet, TenantScope


class AuditEntry(models.Model):
    """One change that matters, with who, when, why, and the hash of the entry before it.

    Entries form one chain per agency (plus one for events outside any agency). The database
    refuses UPDATE and DELETE on this table (see migration 0002), and ``yunying audit verify``
    recomputes every hash to find the first broken link. References to other rows are plain
    ids, not foreign keys, so that no cascade can ever touch an entry.
    """

    chain = models.CharField(_("chain"), max_length=32, editable=False)
    seq = models.PositiveBigIntegerField(_("sequence"), editable=False)
    agency_id = models.BigIntegerField(_("agency"), null=True, blank=True, db_index=True)
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class ChainHead(models.Model):
    """The latest link of each chain; locked while appending so chains never fork."""

    chain = models.CharField(max_length=32, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.chain} @ {self.seq}"
