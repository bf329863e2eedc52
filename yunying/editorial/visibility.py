"""Which content items a person may open: the one rule every page and the API share.

Scoping (``visible_to``) already narrows rows to the agency and, for a client reviewer, to their
client. On top of that a reviewer sees what was put before them, never the agency's drafts.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from yunying.tenancy.scoping import Actor

from .choices import CLIENT_STATES, State
from .models import ContentItem, StateChange


def visible_items(actor: Actor) -> QuerySet[ContentItem]:
    """All the agency's items for staff; for a client reviewer their client's items from client
    review on, the ones they returned this round, and published items taken down (they are told
    about those)."""
    rows = ContentItem.objects.visible_to(actor)
    if actor.client_ids is None:
        return rows
    returned_by_client = StateChange.objects.filter(
        item=OuterRef("pk"),
        source=State.CLIENT_REVIEW,
        target=State.RETURNED,
        round=OuterRef("round"),
    )
    return rows.filter(
        Q(state__in=CLIENT_STATES)
        | (Q(state=State.RETURNED) & Q(Exists(returned_by_client)))
        | Q(state=State.WITHDRAWN, published_at__isnull=False)
    )
