from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import GroupBot, GroupBotDelivery, Notification


@admin.register(Notification)
class NotificationAdmin(ScopedReadOnlyAdmin):
    list_display = ("recipient", "kind", "created_at", "read_at")


@admin.register(GroupBot)
class GroupBotAdmin(ScopedReadOnlyAdmin):
    """Name, platform and the webhook's last characters: never the webhook or secret."""

    list_display = ("name", "kind", "client", "hint", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    fields = ("name", "kind", "client", "hint", "is_active", "created_by", "created_at")
    readonly_fields = fields


@admin.register(GroupBotDelivery)
class GroupBotDeliveryAdmin(ScopedReadOnlyAdmin):
    list_display = ("sent_at", "bot", "subject", "ok", "error_code", "error_message")
    list_filter = ("ok",)
