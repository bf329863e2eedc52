from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import MonthlyReport, ReportDelivery


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ScopedReadOnlyAdmin):
    list_display = ("client", "month", "status", "due_on", "published_at")
    list_filter = ("status", "month")


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ScopedReadOnlyAdmin):
    list_display = ("client", "report", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
