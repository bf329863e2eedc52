"""What each role's home page shows."""

from __future__ import annotations

from typing import Any

from yunying.tenancy.scoping import Actor


def home_context(actor: Actor, role: str) -> dict[str, Any]:
    return {}
