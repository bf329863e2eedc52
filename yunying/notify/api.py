"""REST access to the signed-in person's own notifications and to the team groups' bots."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from yunying.core.api import ScopedViewSet

from . import actions
from .models import GroupBot, Notification


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.CharField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "params", "url", "client", "created_at", "read_at"]
        read_only_fields = fields


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    """Your notifications; DELETE dismisses one, POST read marks it read."""

    model = Notification
    serializer_class = NotificationSerializer
    action_permissions = {"read": "change"}

    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        note = actions.mark_read(self.get_object(), actor=self.actor)
        return Response(self.get_serializer(note).data)

    def perform_destroy(self, instance: Notification) -> None:
        actions.dismiss(instance, actor=self.actor)


class GroupBotSerializer(serializers.ModelSerializer):
    """A bot as anyone may see it: the webhook only by its last characters, never the secret."""

    class Meta:
        model = GroupBot
        fields = ["id", "client", "kind", "name", "hint", "is_active", "created_at"]
        read_only_fields = fields


class GroupBotViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    """The bots of the client teams' group chats (staff); DELETE stops posting to one.

    Adding takes the webhook and secret, which are credentials: that happens on the page only.
    """

    model = GroupBot
    serializer_class = GroupBotSerializer

    def get_queryset(self) -> QuerySet[GroupBot]:
        rows = super().get_queryset()
        client = self.request.query_params.get("client", "")
        return rows.filter(client_id=int(client)) if client.isdigit() else rows

    def perform_destroy(self, instance: GroupBot) -> None:
        actions.remove_group_bot(actor=self.actor, bot=instance)


ROUTES = [
    ("notifications", NotificationViewSet, "notification"),
    ("group-bots", GroupBotViewSet, "group-bot"),
]
