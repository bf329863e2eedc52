"""Apache ECharts options for the dashboards, built here so pages only hand them to the library.

Pure: imports nothing from Django. Values are plain numbers (floats or ints) and None for days
without data, which ECharts draws as gaps rather than as zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

PALETTE = ["#2f6f9f", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"]
FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'

Number = Decimal | int | float | None


def _plain(value: Number) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _base(title: str) -> dict[str, Any]:
    return {
        "color": PALETTE,
        "textStyle": {"fontFamily": FONT},
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 16, "top": 48, "bottom": 8, "containLabel": True},
    }


def line(
    title: str, days: Sequence[dt.date], series: Sequence[tuple[str, Sequence[Number]]]
) -> dict[str, Any]:
    """Daily lines (follower total, reach, engagement)."""
    option = _base(title)
    option["legend"] = {"top": 22, "right": 0}
    option["xAxis"] = {"type": "category", "data": [f"{d.month}/{d.day}" for d in days]}
    option["yAxis"] = {"type": "value", "scale": True}
    option["series"] = [
        {"name": name, "type": "line", "showSymbol": False, "data": [_plain(v) for v in values]}
        for name, values in series
    ]
    return option


def bars(
    title: str, days: Sequence[dt.date], name: str, values: Sequence[Number]
) -> dict[str, Any]:
    """Daily bars that may go below zero (net follower growth)."""
    option = _base(title)
    option["xAxis"] = {"type": "category", "data": [f"{d.month}/{d.day}" for d in days]}
    option["yAxis"] = {"type": "value"}
    option["series"] = [{"name": name, "type": "bar", "data": [_plain(v) for v in values]}]
    return option


def ranking(title: str, items: Sequence[tuple[str, Number]]) -> dict[str, Any]:
    """Horizontal bars, largest on top (top posts by reach)."""
    option = _base(title)
    option["tooltip"] = {"trigger": "item"}
    ordered = list(reversed(items))
    option["xAxis"] = {"type": "value"}
    option["yAxis"] = {
        "type": "category",
        "data": [label for label, _value in ordered],
        "axisLabel": {"width": 160, "overflow": "truncate"},
    }
    option["series"] = [{"type": "bar", "data": [_plain(value) for _label, value in ordered]}]
    return option


def progress(title: str, items: Sequence[tuple[str, Decimal | None]]) -> dict[str, Any]:
    """Attainment per KPI or quota as horizontal bars against a 100 % mark."""
    option = ranking(title, [(label, (value or 0) * 100) for label, value in items])
    option["xAxis"] = {"type": "value", "axisLabel": {"formatter": "{value}%"}}
    option["series"][0]["markLine"] = {
        "symbol": "none",
        "data": [{"xAxis": 100}],
        "label": {"formatter": "100%"},
    }
    return option
