"""Every rule the engine applies, in one registry (the catalogue page and examples test read it)."""

from __future__ import annotations

from functools import cache

from . import names, patterns
from .lexicon import builtin
from .types import Rule


@cache
def _registry() -> dict[str, Rule]:
    registry: dict[str, Rule] = {}
    for rule in (*builtin().rules.values(), *patterns.PATTERN_RULES, *names.NAME_RULES):
        if rule.id in registry:
            raise ValueError(f"rule id {rule.id} is defined twice")
        registry[rule.id] = rule
    return registry


def all_rules() -> list[Rule]:
    """Every rule, by category then id."""
    return sorted(_registry().values(), key=lambda r: (r.category, r.id))


def get(rule_id: str) -> Rule | None:
    return _registry().get(rule_id)
