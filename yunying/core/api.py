"""Shared REST API pieces: the scoped viewset base, policy permission and error format.

Every endpoint that exposes tenant data derives from :class:`ScopedViewSet`, so the queryset
always comes from ``visible_to(actor)`` and every verb is checked against the policy table.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from yunying.tenancy import policy
from yunying.tenancy.scoping import Actor, actor_for, visible

# Default verb per viewset action; custom actions name theirs in ``action_permissions``.
VERBS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


def permission_name(model: type[models.Model], verb: str) -> str:
    return f"{model._meta.app_label}.{verb}_{model._meta.model_name}"


class PolicyPermission(permissions.BasePermission):
    """Allow a request when the policy grants the actor the verb the action needs."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not isinstance(view, ScopedViewSet):
            raise TypeError("PolicyPermission guards ScopedViewSet views only")
        return policy.can(view.actor, view.required_permission())


class ScopedViewSet(viewsets.GenericViewSet):
    """Base of every tenant-data endpoint."""

    model: type[models.Model]
    permission_classes = [permissions.IsAuthenticated, PolicyPermission]
    action_permissions: dict[str, str] = {}

    @property
    def actor(self) -> Actor:
        return actor_for(self.request)

    def required_permission(self) -> str:
        action = self.action or "list"
        verb = self.action_permissions.get(action) or VERBS.get(action, "view")
        return permission_name(self.model, verb)

    def get_queryset(self) -> models.QuerySet[Any]:
        return visible(self.model, self.actor)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn errors raised by actions into DRF answers: 400 per field, 403, 404."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


def limit_choices(serializer: serializers.BaseSerializer[Any], field: str, rows: Any) -> None:
    """Offer only rows the actor may see in a related field (others answer "does not exist")."""
    related: Any = serializer.fields[field]  # type: ignore[attr-defined]
    related.queryset = rows
