"""Group bots for the test personas, made through the actions."""

from __future__ import annotations

from yunying.notify import actions
from yunying.notify.models import GroupBot
from yunying.testing import World, actor

# Port 9 (discard) on this machine: a bot that must never be reached by these tests.
UNREACHABLE = "http://127.0.0.1:9/cgi-bin/webhook/send?key="


def sample_group_bot(world: World, index: int = 0) -> GroupBot:
    """A WeCom bot named "alpha bot a1" (or a2) in the team group of alpha's client ``index``."""
    side = world.alpha.clients[index]
    name = f"alpha bot a{index + 1}"
    existing = GroupBot.objects.filter(client=side.client, name=name).first()
    if existing is not None:
        return existing
    return actions.add_group_bot(
        actor=actor(world.alpha.admin),
        client=side.client,
        kind="wecom",
        name=name,
        webhook=f"{UNREACHABLE}alpha-key-a{index + 1}",
        secret="",
    )
