from django.contrib import admin

from yunying.core.admin import ScopedReadOnlyAdmin

from .models import DailyMetric, PostFact


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
