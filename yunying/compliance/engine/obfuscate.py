"""Deterministic disguises of a text: what people do to get a word past a filter.

The corpus evaluation and the benchmark run every violating text through each method; a seed
makes the output repeatable, so a figure in a note can be reproduced.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache

from .normalize import opencc_characters

_SEPARATORS = {
    "spaces": [" ", "\u3000"],
    "zero_width": ["\u200b", "\u200c", "\u200d", "\ufeff"],
    "emoji": ["😀", "❤", "🔥", "👍", "🌸", "⭐"],
    "punctuation": ["·", "*", "~", "-", "_", "|", "、"],
}
_CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
_NUMERALS = "零一二三四五六七八九"


@cache
def _traditional() -> dict[str, str]:
    return opencc_characters("STCharacters")


def _between(text: str, rng: random.Random, choices: list[str]) -> str:
    """A separator in about half of the gaps between characters."""
    out = []
    for index, char in enumerate(text):
        out.append(char)
        if index < len(text) - 1 and rng.random() < 0.5:
            out.append(rng.choice(choices))
    return "".join(out)


def _full_width(text: str, rng: random.Random) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _traditional_chars(text: str, rng: random.Random) -> str:
    table = _traditional()
    return "".join(table.get(c, c) for c in text)


def _numbers(text: str, rng: random.Random) -> str:
    forms = (_CIRCLED, _NUMERALS)
    return "".join(rng.choice(forms)[int(c)] if c.isdigit() and c.isascii() else c for c in text)


def _mixed_case(text: str, rng: random.Random) -> str:
    return "".join(c.upper() if c.isascii() and rng.random() < 0.5 else c for c in text)


def _repeats(text: str, rng: random.Random) -> str:
    """Some non-digit characters doubled (only found with repeat collapsing on)."""
    return "".join(c * 2 if not c.isdigit() and rng.random() < 0.3 else c for c in text)


def _combined(text: str, rng: random.Random) -> str:
    text = _traditional_chars(text, rng)
    text = _full_width(text, rng)
    return _between(text, rng, _SEPARATORS["emoji"] + _SEPARATORS["zero_width"])


def _separated(choices: list[str]) -> Callable[[str, random.Random], str]:
    def method(text: str, rng: random.Random) -> str:
        return _between(text, rng, choices)

    return method


METHODS: dict[str, Callable[[str, random.Random], str]] = {
    **{name: _separated(choices) for name, choices in _SEPARATORS.items()},
    "full_width": _full_width,
    "traditional": _traditional_chars,
    "numbers": _numbers,
    "mixed_case": _mixed_case,
    "repeats": _repeats,
    "combined": _combined,
}


def variants(text: str, seed: int = 0) -> list[tuple[str, str]]:
    """(method, disguised text) for every method, the same for the same text and seed."""
    out = []
    for name, method in METHODS.items():
        rng = random.Random(f"{seed}:{name}:{text}")  # noqa: S311 - repeatable, not secret
        out.append((name, method(text, rng)))
    return out
