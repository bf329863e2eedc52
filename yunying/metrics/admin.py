from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import DailyMetric, ImportJob, PostFact


@admin.register(DailyMetric)
class DailyMetricAdmin(ScopedReadOnlyAdmin):
    list_display = ("account", "date", "metric", "value", "source", "updated_at")
    list_filter = ("metric", "source")
    date_hierarchy = "date"


@admin.register(PostFact)
class PostFactAdmin(ScopedReadOnlyAdmin):
    list_display = ("account", "post_id", "published_on", "kind", "likes")
    list_filter = ("kind",)
    search_fields = ("post_id",)


@admin.register(ImportJob)
class ImportJobAdmin(ScopedReadOnlyAdmin):
    list_display = ("filename", "account", "mapping", "status", "rows_read", "problem_count")
    list_filter = ("status", "mapping")
    search_fields = ("filename",)
