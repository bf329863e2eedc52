"""Template context every page of the shell needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import navigation


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    if actor is None or not request.user.is_authenticated:
        return {}
    pages, areas = navigation(actor)
    from yunying.notify.models import Notification

    unread = Notification.objects.visible_to(actor).filter(read_at__isnull=True).count()
    return {"nav_pages": pages, "nav_areas": areas, "unread_notifications": unread}
