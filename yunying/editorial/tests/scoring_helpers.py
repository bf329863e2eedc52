"""Published and scored items for the scoring and meeting tests, made through the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yunying.editorial import actions
from yunying.editorial.choices import State
from yunying.editorial.models import ContentItem, Score
from yunying.editorial.tests.helpers import make_item, walk
from yunying.tenancy.choices import Role
from yunying.testing import actor

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# Marks on the default rubric (content 40, layout 20, timeliness 20, compliance 20; max 10).
GOOD = {"content": "8", "layout": "9", "timeliness": "7", "compliance": "10"}


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00").replace(tzinfo=SHANGHAI)


def publish(
    world: Any,
    title: str,
    when: dt.datetime | None = None,
    *,
    side: Any = None,
    url: str = "",
    **fields: Any,
) -> ContentItem:
    """An article of alpha (collected by alpha's editor, written by its copywriter), taken
    through the workflow and published by hand at ``when`` (default: now)."""
    item = make_item(world, side=side, title=title, **fields)
    walk(world, item, State.SCHEDULED, side=side)
    actions.record_publication(
        actor=actor(world.alpha.staff[Role.COPYWRITER]),
        item=item,
        url=url or f"https://mp.weixin.qq.com/s/{item.pk}",
        published_at=when,
    )
    item.refresh_from_db()
    return item


def score(
    world: Any, item: ContentItem, marks: dict[str, str] | None = None, comment: str = ""
) -> Score:
    return actions.score_item(
        actor=actor(world.alpha.staff[Role.SUPERVISOR]),
        item=item,
        marks=marks or GOOD,
        comment=comment,
    )


def sample_score(world: Any, index: int = 0) -> Score:
    """A scored item of alpha's client ``index`` whose comment names that client (the marker
    the isolation matrix looks for)."""
    side = world.alpha.clients[index]
    marker = f"score marker {side.client.name}"
    found = Score.objects.filter(comment=marker).first()
    if found is not None:
        return found
    item = publish(world, f"scored article {side.client.name}", side=side)
    return score(world, item, comment=marker)
