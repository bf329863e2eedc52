"""Shared set-up for editorial tests: items made and moved through the real actions."""

from __future__ import annotations

from typing import Any

from yunying.editorial import actions
from yunying.editorial.choices import ContentKind, State
from yunying.editorial.models import ContentItem
from yunying.tenancy.choices import Role
from yunying.testing import actor

# The path through the workflow, with the role that makes each move.
PATH = [
    (State.SELECTED, Role.EDITOR),
    (State.EDITING, Role.COPYWRITER),
    (State.LAYOUT_REVIEW, Role.COPYWRITER),
    (State.TEAM_PREVIEW, Role.COPYWRITER),
    (State.SUPERVISOR_REVIEW, Role.COPYWRITER),
    (State.CLIENT_REVIEW, Role.SUPERVISOR),
    (State.SCHEDULED, Role.CLIENT_REVIEWER),
]


def make_item(
    world: Any,
    *,
    side: Any = None,
    title: str = "秋季新品上市",
    body: str = "<p>新品介绍</p>",
    kind: str = ContentKind.WECHAT_ARTICLE,
    **fields: Any,
) -> ContentItem:
    """A collected WeChat article of alpha's first client, created by alpha's editor."""
    side = side or world.alpha.clients[0]
    return actions.create_item(
        actor=actor(world.alpha.staff[Role.EDITOR]),
        client=side.client,
        kind=kind,
        draft=actions.Draft(title=title, body=body),
        accounts=[side.account],
        **fields,
    )


def user_for(world: Any, role: str, side: Any = None) -> Any:
    side = side or world.alpha.clients[0]
    return side.reviewer if role == Role.CLIENT_REVIEWER else world.alpha.staff[role]


ORDER = [State.COLLECTED, *(state for state, _ in PATH)]


def walk(world: Any, item: ContentItem, to: str, *, side: Any = None) -> ContentItem:
    """Move ``item`` along the main path (``ORDER``) from where it is until it reaches ``to``."""
    item.refresh_from_db()
    for state, role in PATH[ORDER.index(item.state) : ORDER.index(to)]:
        actions.transition(actor=actor(user_for(world, role, side)), item=item, target=state)
    item.refresh_from_db()
    return item


def sample_item(world: Any, index: int = 0) -> ContentItem:
    """An article of alpha's client a1 (index 0) or a2 (1) waiting for the client, made once."""
    side = world.alpha.clients[index]
    title = f"待审文章 {side.client.name}"
    found = ContentItem.objects.filter(client=side.client, title=title).first()
    if found is not None:
        return found
    item = make_item(world, side=side, title=title)
    return walk(world, item, State.CLIENT_REVIEW, side=side)
