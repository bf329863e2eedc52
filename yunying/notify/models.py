"""In-app notifications addressed to one person, and the bots of the client teams' group chats."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yunying.tenancy.models import Agency, Client, User
from yunying.tenancy.scoping import TenantQuerySet, TenantScope

from .choices import BotKind, NotificationKind


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


class GroupBot(models.Model):
    """A webhook bot in the team group chat of one client (WeCom, DingTalk or Feishu).

    The pipeline posts previews there (群内预览). Its webhook and signing secret are credentials
    (anyone holding them can post into the group), so both are kept only as vault ciphertexts
    and never shown again: pages show ``hint``, the webhook's last four characters. The group is
    the agency's own working chat, so client reviewers see no bots at all (policy: staff only).
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="group_bots", verbose_name=_("client")
    )
    kind = models.CharField(_("platform"), max_length=16, choices=BotKind.choices)
    name = models.CharField(_("name"), max_length=64)
    webhook_ciphertext = models.TextField(editable=False)
    secret_ciphertext = models.TextField(blank=True, editable=False)
    hint = models.CharField(_("webhook"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope(client="client_id")

    class Meta:
        verbose_name = _("group bot")
        verbose_name_plural = _("group bots")
        ordering = ["client_id", "-is_active", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def __repr__(self) -> str:
        # Never the ciphertexts: reprs end up in logs and error pages.
        return f"<GroupBot {self.pk} {self.kind} client={self.client_id}>"


class GroupBotDelivery(models.Model):
    """One attempt to post into a team group, so the team sees whether the preview arrived.

    The error text is stored as the bot layer gave it, which has every piece of the webhook
    and secret masked.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    bot = models.ForeignKey(
        GroupBot, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("group bot")
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    subject = models.CharField(_("subject"), max_length=200)
    ok = models.BooleanField(_("delivered"))
    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    error_message = models.CharField(_("error"), max_length=300, blank=True)
    # A throttled or unreachable platform may take the same message later; a bad key never.
    retryable = models.BooleanField(_("worth retrying"), default=False)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope(client="bot__client_id")

    class Meta:
        verbose_name = _("group bot delivery")
        verbose_name_plural = _("group bot deliveries")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bot} · {self.subject}"
