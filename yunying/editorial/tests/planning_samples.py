"""Samples of the content plan (columns, push slots, an item on this month's calendar), made
through the actions; each is found again when a test asks twice (like ``world_contract``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yunying.editorial import actions
from yunying.editorial.choices import State
from yunying.editorial.models import Column, ContentItem, PushSlot
from yunying.editorial.tests.helpers import make_item, walk
from yunying.testing import World, actor


def sample_column(world: World, index: int = 0) -> Column:
    """A Monday column of alpha's client a1 (index 0) or a2 (1)."""
    side = world.alpha.clients[index]
    name = f"column of {side.client.name}"
    found = Column.objects.filter(client=side.client, name=name).first()
    if found is not None:
        return found
    return actions.save_column(
        actor=actor(world.alpha.admin), client=side.client, name=name, weekdays=[1]
    )


def sample_push_slot(world: World, index: int = 0) -> PushSlot:
    """A 06:35 push of alpha's client a1 (index 0) or a2 (1): a time no page shows otherwise."""
    side = world.alpha.clients[index]
    found = PushSlot.objects.filter(client=side.client, starts_at=dt.time(6, 35)).first()
    if found is not None:
        return found
    return actions.save_push_slot(
        actor=actor(world.alpha.admin), client=side.client, starts_at=dt.time(6, 35)
    )


def sample_planned_item(world: World, index: int = 0) -> ContentItem:
    """An article planned for today at noon and waiting for the client, so that the calendar's
    default page (this month) shows it to staff and to the client's reviewer."""
    side = world.alpha.clients[index]
    title = f"planned article of {side.client.name}"
    found = ContentItem.objects.filter(client=side.client, title=title).first()
    if found is not None:
        return found
    noon = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))
    item = make_item(world, side=side, title=title, planned_at=noon)
    return walk(world, item, State.CLIENT_REVIEW, side=side)
