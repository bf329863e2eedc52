"""REST access to the signed-in person's own notifications."""

from __future__ import annotations

from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from yunying.core.api import ScopedViewSet

from . import actions
from .models import Notification


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


ROUTES = [("notifications", NotificationViewSet, "notification")]
