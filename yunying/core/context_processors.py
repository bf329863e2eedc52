"""Template context every page of the shell needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yunying.tenancy.choices import Role

from .navigation import navigation


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    if actor is None or not request.user.is_authenticated:
        return {}
    from yunying.notify.models import Notification

    pages, areas = navigation(actor)

    def links(items: list[Any]) -> list[dict[str, Any]]:
        return [{"item": i, "url": i.url, "active": request.path.startswith(i.url)} for i in items]

    from yunying.tenancy.models import Agency

    # The actor already knows its agencies; names are fetched only when there is a choice.
    my_agencies = (
        list(Agency.objects.filter(pk__in=actor.agency_ids).order_by("name"))
        if len(actor.agency_ids) > 1
        else []
    )
    return {
        "my_agencies": my_agencies,
        "nav_pages": links(pages),
        "nav_areas": links(areas),
        "unread_notifications": Notification.objects.visible_to(actor)
        .filter(read_at__isnull=True)
        .count(),
        "show_admin_link": actor.is_operator or actor.has_role(Role.AGENCY_ADMIN),
        "my_role_labels": sorted(str(Role(r).label) for r in actor.roles),
    }
