from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ScopedReadOnlyAdmin):
    list_display = ("recipient", "kind", "created_at", "read_at")
