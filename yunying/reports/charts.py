"""Charts of the monthly report as SVG strings, drawn in Python.

Pure: imports nothing from Django. WeasyPrint runs no JavaScript, so the PDF cannot use the
dashboards' ECharts; these small line, bar, ranking and funnel charts are drawn here instead and
the portal shows the same SVG, so the client sees one report in both. Output is deterministic
(coordinates rounded to 0.1) and every label stays inside the view box.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

Number = float | int | Decimal
PALETTE = ("#2f6f9f", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
FONT = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"
TEXT = "#333"
GRID = "#e3e3e3"
# Light fills for the funnel, so its dark labels read on them.
FUNNEL = ("#9ecae1", "#fdd49e", "#a1d99b", "#d4b9da")
AXIS = "#999"
EMPTY = "暂无数据"
FONT_SIZE = 11
# Left margin for axis labels such as "1,234.5万"; top for title and legend.
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 44, 28


@dataclass(frozen=True)
class Series:
    """One line or bar series: a name for the legend and (day, value) points; None is a gap."""

    name: str
    points: Sequence[tuple[dt.date, Number | None]]
    color: str | None = None


def _f(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def display_width(text: str) -> int:
    """Columns the text takes: CJK and other wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def truncate(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` display columns, with "…" when cut."""
    if display_width(text) <= columns:
        return text
    out, used = "", 0
    for char in text:
        width = display_width(char)
        if used + width > columns - 1:
            break
        out += char
        used += width
    return out + "…"


def compact(value: float) -> str:
    """Axis numbers the Chinese way: 9500, 1.2万, 3.4亿; small fractions to two places."""
    magnitude = abs(value)
    for unit, size in (("亿", 1e8), ("万", 1e4)):
        if magnitude >= size:
            return f"{value / size:.3g}{unit}"
    if value == int(value):
        return f"{int(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``..``high``: steps of 1, 2, 2.5 or 5 × 10^n."""
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high - step * 1e-9 or len(ticks) < 2:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _frame(width: int, height: int, title: str) -> list[str]:
    label = escape(title or "图表")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f"<title>{label}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="4" y="16" font-size="13" font-weight="bold" fill="{TEXT}">'
        f"{escape(truncate(title, (width - 8) // 7))}</text>",
    ]


def _empty(width: int, height: int, title: str) -> str:
    parts = _frame(width, height, title)
    parts.append(
        f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle" fill="{AXIS}">'
        f"{EMPTY}</text>"
    )
    return "\n".join([*parts, "</svg>"])


def _legend(series: Sequence[Series], width: int) -> list[str]:
    if len(series) < 2:
        return []
    parts, x = [], 4.0
    for index, item in enumerate(series):
        color = item.color or PALETTE[index % len(PALETTE)]
        name = escape(truncate(item.name, 16))
        if x + 14 + display_width(item.name) * 6.5 > width:
            break
        parts.append(f'<rect x="{_f(x)}" y="24" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{_f(x + 14)}" y="33" fill="{TEXT}">{name}</text>')
        x += 24 + min(display_width(item.name), 16) * 6.5
    return parts


def _days(series: Sequence[Series]) -> list[dt.date]:
    return sorted({day for item in series for day, _value in item.points})


def _x_labels(days: list[dt.date], x_of: dict[dt.date, float], baseline: float) -> list[str]:
    # About one label per 5 days of a month, never more than fit side by side (4 digits wide).
    every = max(1, math.ceil(len(days) / 7))
    parts = []
    for index, day in enumerate(days):
        if index % every and index != len(days) - 1:
            continue
        if index != len(days) - 1 and len(days) - 1 - index < every / 2:
            continue  # too close to the last label, which is always shown
        # The first and last labels hang inwards, clear of the y labels and of the edge.
        anchor = "start" if index == 0 else "end" if index == len(days) - 1 else "middle"
        if len(days) == 1:
            anchor = "middle"
        parts.append(
            f'<text x="{_f(x_of[day])}" y="{_f(baseline + 16)}" text-anchor="{anchor}" '
            f'fill="{TEXT}">{day.month}/{day.day}</text>'
        )
    return parts


def _y_axis(ticks: list[float], y_of: Callable[[float], float], width: int) -> list[str]:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{_f(y)}" x2="{width - RIGHT}" y2="{_f(y)}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{_f(y + 4)}" text-anchor="end" fill="{TEXT}">'
            f"{escape(compact(tick))}</text>"
        )
    return parts


def _scale(values: list[float], *, zero: bool) -> tuple[list[float], float, float]:
    low, high = min(values), max(values)
    if zero:
        low, high = min(low, 0.0), max(high, 0.0)
    ticks = nice_ticks(low, high)
    return ticks, ticks[0], ticks[-1]


def line_chart(
    series: Sequence[Series], *, title: str = "", width: int = 640, height: int = 260
) -> str:
    """Lines over days, one per series; a day without a value breaks the line."""
    values = [float(v) for item in series for _day, v in item.points if v is not None]
    if not values:
        return _empty(width, height, title)
    days = _days(series)
    ticks, low, high = _scale(values, zero=False)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    step = plot_w / max(len(days) - 1, 1)
    x_of = {
        day: LEFT + (index * step if len(days) > 1 else plot_w / 2)
        for index, day in enumerate(days)
    }

    def y_of(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    parts = _frame(width, height, title) + _legend(series, width) + _y_axis(ticks, y_of, width)
    for index, item in enumerate(series):
        color = item.color or PALETTE[index % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for day, value in sorted(item.points, key=lambda p: p[0]):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{_f(x_of[day])},{_f(y_of(float(value)))}")
        for run in runs:
            if len(run) == 1:
                x, y = run[0].split(",")
                parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{color}"/>')
            elif run:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" '
                    f'stroke-width="2" stroke-linejoin="round"/>'
                )
    baseline = TOP + plot_h
    parts.append(
        f'<line x1="{LEFT}" y1="{_f(baseline)}" x2="{width - RIGHT}" y2="{_f(baseline)}" '
        f'stroke="{AXIS}"/>'
    )
    parts += _x_labels(days, x_of, baseline)
    return "\n".join([*parts, "</svg>"])


def bar_chart(series: Series, *, title: str = "", width: int = 640, height: int = 220) -> str:
    """A bar per day from the zero line; negative values go below it."""
    values = [float(v) for _day, v in series.points if v is not None]
    if not values:
        return _empty(width, height, title)
    days = _days([series])
    ticks, low, high = _scale(values, zero=True)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    slot = plot_w / len(days)
    x_of = {day: LEFT + slot * (index + 0.5) for index, day in enumerate(days)}

    def y_of(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    color = series.color or PALETTE[0]
    parts = _frame(width, height, title) + _y_axis(ticks, y_of, width)
    zero = y_of(0.0)
    bar = max(slot * 0.7, 1.0)
    for day, value in series.points:
        if value is None:
            continue
        y = y_of(float(value))
        top, size = min(y, zero), abs(zero - y)
        fill = color if float(value) >= 0 else PALETTE[5]
        parts.append(
            f'<rect x="{_f(x_of[day] - bar / 2)}" y="{_f(top)}" width="{_f(bar)}" '
            f'height="{_f(max(size, 0.5))}" fill="{fill}"/>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{_f(zero)}" x2="{width - RIGHT}" y2="{_f(zero)}" stroke="{AXIS}"/>'
    )
    parts += _x_labels(days, x_of, TOP + plot_h)
    return "\n".join([*parts, "</svg>"])


def hbar_chart(
    items: Sequence[tuple[str, Number]], *, title: str = "", width: int = 640, bar_height: int = 22
) -> str:
    """Horizontal bars, in the order given (largest first for a ranking), each with its value."""
    if not items:
        return _empty(width, 120, title)
    label_columns = 28
    label_w = label_columns * 6.5 + 8
    height = TOP + len(items) * (bar_height + 6) + 8
    largest = max(float(v) for _label, v in items) or 1.0
    value_w = 64
    plot_w = width - label_w - value_w - RIGHT
    parts = _frame(width, height, title)
    for index, (label, value) in enumerate(items):
        y = TOP + index * (bar_height + 6)
        size = max(float(value), 0.0) / largest * plot_w
        parts.append(
            f'<text x="{_f(label_w - 6)}" y="{_f(y + bar_height * 0.7)}" text-anchor="end" '
            f'fill="{TEXT}">{escape(truncate(label, label_columns))}</text>'
        )
        parts.append(
            f'<rect x="{_f(label_w)}" y="{_f(y)}" width="{_f(max(size, 0.5))}" '
            f'height="{bar_height}" fill="{PALETTE[(index % 2 and 4) or 0]}"/>'
        )
        parts.append(
            f'<text x="{_f(label_w + size + 4)}" y="{_f(y + bar_height * 0.7)}" fill="{TEXT}">'
            f"{escape(compact(float(value)))}</text>"
        )
    return "\n".join([*parts, "</svg>"])


def funnel_chart(steps: Sequence[tuple[str, Number]], *, title: str = "", width: int = 480) -> str:
    """Centred bars narrowing step by step, with the conversion rate between neighbours."""
    if not steps or not any(float(v) > 0 for _label, v in steps):
        return _empty(width, 120, title)
    row = 34
    height = TOP + len(steps) * row + 8
    first = max(float(v) for _label, v in steps) or 1.0
    usable = width - 2 * 16
    parts = _frame(width, height, title)
    previous: float | None = None
    for index, (label, value) in enumerate(steps):
        size = max(float(value) / first * usable, 40.0)
        x = (width - size) / 2
        y = TOP + index * row
        parts.append(
            f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(size)}" height="{row - 8}" '
            f'fill="{FUNNEL[index % len(FUNNEL)]}" rx="3"/>'
        )
        text = f"{truncate(label, 16)} {compact(float(value))}"
        if previous:
            text += f"（转化 {float(value) / previous:.1%}）"
        parts.append(
            f'<text x="{width / 2:.1f}" y="{_f(y + row * 0.5)}" text-anchor="middle" '
            f'fill="#111">{escape(text)}</text>'
        )
        previous = float(value)
    return "\n".join([*parts, "</svg>"])
