"""A credential held in memory by the platform clients."""

from __future__ import annotations


class Secret:
    """Holds an app or client secret; masked in reprs, so debug pages, logs and captured frames
    never show it. ``reveal`` is called only where the request is built."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__

    def reveal(self) -> str:
        return self._value
