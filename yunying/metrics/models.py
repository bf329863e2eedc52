"""Stored facts that settlement and reports read: daily metric values and published posts."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from yunying.accounts.models import PlatformAccount
from yunying.tenancy.models import Agency, Client
from yunying.tenancy.scoping import TenantQuerySet, TenantScope

from .choices import FactSource, Metric
from .definitions import plain
from .files import MAX_KIND, MAX_POST_ID, VALUE_INTEGER_DIGITS, VALUE_PLACES


class DailyMetric(models.Model):
    """One stored metric's value for one account on one day (the natural key)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="daily_metrics",
        verbose_name=_("account"),
    )
    date = models.DateField(_("date"))
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    value = models.DecimalField(
        _("value"), max_digits=VALUE_INTEGER_DIGITS + VALUE_PLACES, decimal_places=VALUE_PLACES
    )
    source = models.CharField(_("source"), max_length=16, choices=FactSource.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("daily metric")
        verbose_name_plural = _("daily metrics")
        ordering = ["account_id", "date", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "date", "metric"], name="daily_metric_unique_per_day"
            ),
        ]
        indexes = [models.Index(fields=["account", "metric", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_metric_display()} {plain(self.value)}"


class PostFact(models.Model):
    """A published item of an account as the platform reports it (its id is the natural key)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="post_facts",
        verbose_name=_("account"),
    )
    post_id = models.CharField(_("post id"), max_length=MAX_POST_ID)
    published_on = models.DateField(_("published on"))
    # Free short text agreed with the contract's quotas: video, article, image, live ...
    kind = models.CharField(_("kind"), max_length=MAX_KIND)
    likes = models.PositiveIntegerField(_("likes"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["account_id", "published_on", "post_id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "post_id"], name="post_fact_unique_id"),
        ]
        indexes = [models.Index(fields=["account", "published_on"])]

    def __str__(self) -> str:
        return f"{self.post_id} ({self.kind}, {self.published_on})"
