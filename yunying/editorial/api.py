"""REST endpoints of the editorial pipeline: items with their versions and log, and the
workflow move (the same action and table as the pages)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from yunying.core.api import ScopedViewSet

from . import actions
from .choices import State
from .models import ContentItem, ContentVersion, StateChange
from .visibility import visible_items


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContentVersion
        fields = [
            "number",
            "title",
            "body",
            "script",
            "subtitles",
            "voiceover",
            "music",
            "cover",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class ChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StateChange
        fields = [
            "source",
            "target",
            "actor_label",
            "at",
            "comment",
            "round",
            "version",
            "findings",
            "override_reason",
        ]
        read_only_fields = fields


class ContentItemSerializer(serializers.ModelSerializer):
    versions = VersionSerializer(many=True, read_only=True)
    changes = ChangeSerializer(many=True, read_only=True)

    class Meta:
        model = ContentItem
        fields = [
            "id",
            "client",
            "kind",
            "title",
            "accounts",
            "column",
            "article_slot",
            "planned_at",
            "state",
            "round",
            "version",
            "approved_version",
            "over_rounds",
            "review_due",
            "review_rule",
            "published_at",
            "published_url",
            "versions",
            "changes",
        ]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(choices=State.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    published_url = serializers.URLField(required=False, allow_blank=True, default="")


class ContentItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Content items of the actor's agency; a client reviewer sees their client's from review on.

    ``POST /api/content-items/{id}/transition/`` moves an item (``target``, ``comment``,
    ``override_reason``, ``published_url``); the workflow table decides by role, and errors come
    back per field like on the pages.
    """

    model = ContentItem
    serializer_class = ContentItemSerializer
    action_permissions = {"transition": "transition"}

    def get_queryset(self) -> Any:
        return visible_items(self.actor).prefetch_related(
            "accounts",
            Prefetch("versions", queryset=ContentVersion.objects.order_by("number")),
            Prefetch("changes", queryset=StateChange.objects.order_by("at", "id")),
        )

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.transition(actor=self.actor, item=item, **data.validated_data)
        item.refresh_from_db()
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)


ROUTES = [("content-items", ContentItemViewSet, "content-item")]
