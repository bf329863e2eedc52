"""Read-only REST endpoints for stored metrics and posts, filtered by ``?account=<id>``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import mixins, serializers

from yunying.core.api import ScopedViewSet

from .models import DailyMetric, PostFact


class DailyMetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = DailyMetric
        fields = ["id", "account", "client", "date", "metric", "value", "source", "updated_at"]
        read_only_fields = fields


class PostFactSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostFact
        fields = [
            "id",
            "account",
            "client",
            "post_id",
            "published_on",
            "kind",
            "likes",
            "updated_at",
        ]
        read_only_fields = fields


class AccountFiltered(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Rows the actor may see, of one account when ``?account=`` names it."""

    def get_queryset(self) -> Any:
        rows = super().get_queryset()
        account = self.request.query_params.get("account")
        if account is None:
            return rows
        if not account.isdigit():
            raise serializers.ValidationError({"account": [_("Give the account's id.")]})
        return rows.filter(account_id=int(account))


class DailyMetricViewSet(AccountFiltered):
    """Stored daily metric values."""

    model = DailyMetric
    serializer_class = DailyMetricSerializer


class PostFactViewSet(AccountFiltered):
    """Stored posts with their likes."""

    model = PostFact
    serializer_class = PostFactSerializer


ROUTES = [
    ("daily-metrics", DailyMetricViewSet, "daily-metric"),
    ("post-facts", PostFactViewSet, "post-fact"),
]
