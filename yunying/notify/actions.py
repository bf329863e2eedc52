"""Creating and dismissing notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yunying.tenancy.models import User
from yunying.tenancy.scoping import Actor

from .choices import NotificationKind
from .models import Notification


def notify(
    recipients: Iterable[User],
    *,
    agency_id: int,
    kind: NotificationKind,
    params: dict[str, Any],
    client_id: int | None = None,
    url: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell each recipient once; with a ``dedupe_key``, a repeat call creates nothing new."""
    created = []
    fields = {
        "agency_id": agency_id,
        "client_id": client_id,
        "kind": kind,
        "params": params,
        "url": url,
    }
    with transaction.atomic():
        for user in {u.pk: u for u in recipients}.values():
            if dedupe_key:
                note, is_new = Notification.objects.get_or_create(
                    recipient=user, dedupe_key=dedupe_key, defaults=fields
                )
                if is_new:
                    created.append(note)
            else:
                created.append(Notification.objects.create(recipient=user, **fields))
    return created


def _own(notification: Notification, actor: Actor) -> None:
    if notification.recipient_id != getattr(actor.user, "pk", None):
        raise PermissionDenied


def mark_read(notification: Notification, *, actor: Actor) -> Notification:
    """Mark one of the actor's own notifications as read."""
    _own(notification, actor)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def dismiss(notification: Notification, *, actor: Actor) -> None:
    """Delete one of the actor's own notifications (they are reminders, not records)."""
    _own(notification, actor)
    notification.delete()
