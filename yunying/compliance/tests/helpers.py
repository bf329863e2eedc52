"""Client lexicon entries for the test personas, made through the actions."""

from __future__ import annotations

from yunying.compliance import actions
from yunying.compliance.models import LexiconEntry
from yunying.testing import World, actor


def sample_lexicon_entry(world: World, index: int = 0) -> LexiconEntry:
    """A blocking term "alpha-term-a1" (or a2) in the list of alpha's client ``index``."""
    side = world.alpha.clients[index]
    term = f"阿尔法禁词a{index + 1}"
    existing = LexiconEntry.objects.filter(client=side.client, term=term).first()
    if existing is not None:
        return existing
    return actions.add_entry(
        actor=actor(world.alpha.admin),
        client=side.client,
        kind="term",
        term=term,
        category="illegal_marketing",
        severity="block",
        reason="客户所在行业的限制用语",
    )
