"""In-app notifications: reminders and requests addressed to one person."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yunying.tenancy.models import Agency, Client, User
from yunying.tenancy.scoping import TenantQuerySet, TenantScope

from .choices import NotificationKind


class Notification(models.Model):
    """Something one person should know or do, rendered in their language when shown."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("client")
    )
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    params = models.JSONField(_("details"), default=dict)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Makes reminders idempotent: a daily sweep never tells the same person the same thing twice.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope(owner="recipient_id")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe",
            )
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        from .messages import render

        return render(self.kind, self.params)
