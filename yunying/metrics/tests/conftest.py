"""Fixtures of the metrics tests."""

from __future__ import annotations

from typing import Any

import pytest

from yunying.accounts import actions as account_actions
from yunying.accounts.choices import Platform
from yunying.testing import World, actor

DOUYIN_ID = "dy_test"


@pytest.fixture
def douyin(world: World) -> Any:
    """A Douyin account of alpha's first client (the golden Douyin exports are imported into
    it; the persona accounts are Official Accounts)."""
    return account_actions.create_account(
        actor=actor(world.alpha.admin),
        client=world.alpha.clients[0].client,
        platform=Platform.DOUYIN,
        platform_id=DOUYIN_ID,
        display_name="测试抖音",
    )
