"""Charts of the monthly report as SVG strings, drawn in Python.

Pure: imports nothing from Django. WeasyPrint runs no JavaScript, so the PDF cannot use the
dashboards' ECharts; these small line, bar, ranking and funnel charts are drawn here instead and
the portal shows the same SVG, so the client sees one report in both.

Every chart is a standalone ``<svg>`` with a ``<title>``; all text is escaped. Output is
deterministic (coordinates rounded to 0.1) and text is laid out from a deliberately generous
estimate of its width (:func:`text_width`), so labels stay inside the view box even where the
renderer's font is a little wider than expected.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

Number = float | int | Decimal

# Colour-blind friendly (after Okabe and Ito). The first is the report's blue; the last, a
# vermillion, also marks negative bars.
PALETTE = ("#2f6f9f", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
NEGATIVE = PALETTE[5]
# Light fills for the funnel, so its dark labels read on them.
FUNNEL = ("#9ecae1", "#fdd49e", "#a1d99b", "#d4b9da")
FONT = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"
TEXT = "#333"
MUTED = "#777"
GRID = "#e3e3e3"
AXIS = "#999"
EMPTY = "暂无数据"

FONT_SIZE = 11
TITLE_SIZE = 13
PAD = 6  # between the view box's edge and any text
TITLE_ROW = 24  # the title's band at the top
LEGEND_ROW = 18
X_LABEL_ROW = 22  # below the plot, for the dates
TEXT_GAP = 6  # between an axis and its labels
MAX_X_LABELS = 7  # a month of 31 days is labelled every 5 days


@dataclass(frozen=True)
class Series:
    """One line or bar series: a name for the legend and (day, value) points; None is a gap."""

    name: str
    points: Sequence[tuple[dt.date, Number | None]]
    color: str | None = None


def display_width(text: str) -> int:
    """Columns the text takes: CJK and other wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An upper estimate of the text's width in user units at font ``size``.

    Noto Sans CJK draws ideographs 1 em wide and digits and Latin letters about 0.55 em; 0.6 em
    per column of :func:`display_width` overestimates both a little, which is the safe side.
    """
    return display_width(text) * size * 0.6


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


def _fit(text: str, room: float, size: float = FONT_SIZE) -> str:
    """``text`` truncated to what fits in ``room`` user units at font ``size``."""
    return truncate(text, max(int(room / (size * 0.6)), 1))


def _decimals(value: float) -> int:
    """The fewest decimal places that write ``value`` exactly (up to 12)."""
    for places in range(13):
        if abs(round(value, places) - value) <= 1e-9 * abs(value):
            return places
    return 12


def compact(value: Number, step: Number | None = None) -> str:
    """A number the Chinese way: 9500, 1.2万, 4.82万, 3.4亿.

    With ``step`` (an axis's tick step), enough decimals to tell neighbouring ticks apart, so
    ticks 10万 and 10.025万 do not both read "10万".
    """
    number = float(value)
    for unit, size in (("亿", 1e8), ("万", 1e4), ("", 1.0)):
        if abs(number) >= size or not unit:
            break
    scaled = number / size
    if step is not None:
        places = _decimals(float(step) / size)
    elif unit or number != int(number):
        # Three significant figures, but never fewer than two decimals below 10.
        magnitude = abs(scaled)
        places = 2 if magnitude < 10 else 1 if magnitude < 100 else 0
        if 0 < magnitude < 1:
            places = 2 - math.floor(math.log10(magnitude))
    else:
        places = 0
    text = f"{scaled:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if unit != "亿" and abs(float(text)) >= 10_000:
        # 99,999,999 rounds up to "10000万", which reads better as 1亿. (Ticks cannot get
        # here: they are exact multiples of their step.)
        return compact(math.copysign(10_000 * size, number))
    if float(text) == 0:
        text = "0"  # never "-0"
    return text + unit


def nice_ticks(low: float, high: float, max_ticks: int = 6) -> list[float]:
    """Evenly spaced round ticks covering ``low``..``high``: steps of 1, 2, 2.5 or 5 × 10^n,
    the finest step that needs at most ``max_ticks`` ticks.

    At least three ticks are allowed, whatever ``max_ticks`` says: a range that straddles a
    multiple of every step (such as -0.5..0.5 around zero) cannot be covered by two.
    """
    low, high = min(low, high), max(low, high)
    if high - low < 1e-6:
        # A flat series sits in the middle of a small band instead of dividing by zero.
        pad = abs(high) * 0.1 if abs(high) >= 1e-5 else 1.0
        low, high = low - pad, high + pad
    intervals = max(max_ticks - 1, 2)
    power = 10.0 ** math.floor(math.log10((high - low) / intervals))
    while True:
        for multiple in (1, 2, 2.5, 5):
            step = multiple * power
            # Rounded to the step's decimals, so 3 × 0.1 is 0.3, not 0.30000000000000004.
            places = _decimals(step)

            def tick(k: int, step: float = step, places: int = places) -> float:
                return round(k * step, places)

            first, last = math.floor(low / step), math.ceil(high / step)
            # The divisions carry float noise; the rounded ticks must still cover the data.
            first += 1 if tick(first + 1) <= low else -1 if tick(first) > low else 0
            last += -1 if tick(last - 1) >= high else 1 if tick(last) < high else 0
            if last - first <= intervals:
                return [tick(k) for k in range(first, max(last, first + 1) + 1)]
        power *= 10


def _number(value: Number | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    # NaN or infinity from a broken import is treated as a missing value, not drawn.
    return number if math.isfinite(number) else None


def _f(value: float) -> str:
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def _open(width: float, height: float, title: str, *, empty: bool = False) -> list[str]:
    label = title or "图表"
    if empty:
        label = f"{label}：{EMPTY}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" '
        f'width="{_f(width)}" height="{_f(height)}" role="img" aria-label="{escape(label)}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f"<title>{escape(label)}</title>",
        f'<rect x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="#fff"/>',
    ]
    if title:
        parts.append(
            f'<text x="{PAD}" y="17" font-size="{TITLE_SIZE}" font-weight="bold" fill="{TEXT}">'
            f"{escape(_fit(title, width - 2 * PAD, TITLE_SIZE))}</text>"
        )
    return parts


def _close(parts: list[str]) -> str:
    return "\n".join([*parts, "</svg>"])


def as_image(svg: str) -> str:
    """One of these charts as an ``<img>`` holding the SVG as a data URL, its title as ``alt``.

    For the printed report: WeasyPrint reads an image's SVG with a plain XML parser and styles
    only the SVG, whereas inline SVG goes through its (pure Python) HTML parser and the page's
    CSS cascade, node by node. A report of ten accounts took 1.6 s instead of 2.2 s this way
    (``benchmarks/metrics.py``); the drawing, text included, is the same.
    """
    # The title is already escaped by _open, quotes included, so it is a safe attribute value.
    alt = svg.partition("<title>")[2].partition("</title>")[0]
    data = base64.b64encode(svg.encode()).decode("ascii")
    return f'<img alt="{alt}" src="data:image/svg+xml;base64,{data}">'


def _empty(width: float, height: float, title: str) -> str:
    parts = _open(width, height, title, empty=True)
    parts.append(
        f'<text x="{_f(width / 2)}" y="{_f(height / 2 + 4)}" text-anchor="middle" '
        f'fill="{MUTED}">{EMPTY}</text>'
    )
    return _close(parts)


def _color(series: Series, index: int) -> str:
    return escape(series.color or PALETTE[index % len(PALETTE)])


def _legend(series: Sequence[Series], width: float, top: float) -> tuple[list[str], float]:
    """Swatches and names in rows from ``top``; returns the parts and the height used."""
    if len(series) < 2:
        return [], 0.0
    parts: list[str] = []
    x, row = float(PAD), 0
    for index, item in enumerate(series):
        name = _fit(item.name, width - 2 * PAD - 14)
        if x > PAD and x + 14 + text_width(name) > width - PAD:
            x, row = float(PAD), row + 1  # wrap
        y = top + row * LEGEND_ROW
        parts.append(
            f'<rect x="{_f(x)}" y="{_f(y + 2)}" width="10" height="10" '
            f'fill="{_color(item, index)}"/>'
        )
        parts.append(f'<text x="{_f(x + 14)}" y="{_f(y + 11)}" fill="{TEXT}">{escape(name)}</text>')
        # Spaced by the name's likely width (ideographs are 1 em), not the generous estimate
        # that keeps it inside the box, which would leave wide gaps after Chinese names.
        x += 14 + display_width(name) * FONT_SIZE * 0.5 + 16
    return parts, (row + 1) * LEGEND_ROW


@dataclass(frozen=True)
class _Plot:
    """The plot area inside a time chart and its value scale."""

    left: float
    top: float
    right: float
    bottom: float
    ticks: list[float]

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)


def _time_frame(
    values: list[float],
    *,
    zero: bool,
    width: int,
    height: int,
    title: str,
    y_label: str,
    series: Sequence[Series],
) -> tuple[list[str], _Plot]:
    """Title, legend, unit label and y axis of a chart over days; returns the plot area."""
    parts = _open(width, height, title)
    top = float(TITLE_ROW if title else PAD)
    legend, used = _legend(series, width, top)
    parts += legend
    top += used
    if y_label:
        parts.append(
            f'<text x="{PAD}" y="{_f(top + 11)}" fill="{MUTED}">'
            f"{escape(_fit(y_label, width - 2 * PAD))}</text>"
        )
        top += LEGEND_ROW
    top += FONT_SIZE / 2  # room for the top tick's label, which is centred on its line
    bottom = height - X_LABEL_ROW
    low, high = min(values), max(values)
    if zero:
        low, high = min(low, 0.0), max(high, 0.0)
    # Ticks at least two text lines apart, so their labels never touch.
    room = max(int((bottom - top) // (FONT_SIZE * 2.2)) + 1, 2)
    ticks = nice_ticks(low, high, min(room, 6))
    step = ticks[1] - ticks[0]
    labels = [compact(tick, step) for tick in ticks]
    left = PAD + max(text_width(label) for label in labels) + TEXT_GAP
    plot = _Plot(left, top, width - PAD - 4, bottom, ticks)
    for tick, label in zip(ticks, labels, strict=True):
        y = _f(plot.y(tick))
        parts.append(
            f'<line x1="{_f(left)}" y1="{y}" x2="{_f(plot.right)}" y2="{y}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{_f(left - TEXT_GAP)}" y="{_f(plot.y(tick) + 4)}" text-anchor="end" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
    return parts, plot


def _x_labels(
    first: dt.date, last: dt.date, x_of: Callable[[int], float], plot: _Plot
) -> list[str]:
    """Dates as M/D under the plot: at most :data:`MAX_X_LABELS`, never closer than one label's
    width, and always the first day; the last day too when it has room."""
    span = (last - first).days
    label_w = text_width("12/31")
    spacing = label_w + 10
    per_day = (x_of(1) - x_of(0)) if span else spacing
    every = max(math.ceil(span / MAX_X_LABELS), math.ceil(spacing / per_day), 1)
    offsets = list(range(0, span + 1, every))
    if offsets[-1] != span and (span - offsets[-1]) * per_day >= spacing:
        offsets.append(span)
    y = _f(plot.bottom + 16)
    parts = []
    for offset in offsets:
        day = first + dt.timedelta(days=offset)
        # Centred on its day, but kept whole inside the view box.
        x = min(max(x_of(offset), label_w / 2 + 1), plot.right + 4 - label_w / 2)
        parts.append(
            f'<text x="{_f(x)}" y="{y}" text-anchor="middle" fill="{TEXT}">'
            f"{day.month}/{day.day}</text>"
        )
    return parts


def line_chart(
    series: Sequence[Series],
    *,
    title: str = "",
    width: int = 640,
    height: int = 260,
    y_label: str = "",
) -> str:
    """Lines over days, one per series, with a legend when there are several; a day without a
    value breaks the line, and a value with no neighbour is drawn as a dot. ``y_label`` names
    the unit above the axis (e.g. "人")."""
    values = [n for item in series for _day, v in item.points if (n := _number(v)) is not None]
    if not values:
        return _empty(width, height, title)
    days = sorted({day for item in series for day, _v in item.points})
    first, span = days[0], (days[-1] - days[0]).days
    parts, plot = _time_frame(
        values,
        zero=False,
        width=width,
        height=height,
        title=title,
        y_label=y_label,
        series=series,
    )

    def x_of(offset: int) -> float:
        if not span:
            return (plot.left + plot.right) / 2
        return plot.left + offset / span * (plot.right - plot.left)

    for index, item in enumerate(series):
        color = _color(item, index)
        runs: list[list[tuple[float, float]]] = [[]]
        for day, value in sorted(item.points, key=lambda point: point[0]):
            number = _number(value)
            if number is None:
                runs.append([])
            else:
                runs[-1].append((x_of((day - first).days), plot.y(number)))
        for run in runs:
            if len(run) == 1:
                x, y = run[0]
                parts.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="2.5" fill="{color}"/>')
            elif run:
                points = " ".join(f"{_f(x)},{_f(y)}" for x, y in run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{color}" '
                    f'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
                )
    parts.append(
        f'<line x1="{_f(plot.left)}" y1="{_f(plot.bottom)}" x2="{_f(plot.right)}" '
        f'y2="{_f(plot.bottom)}" stroke="{AXIS}"/>'
    )
    parts += _x_labels(first, days[-1], x_of, plot)
    return _close(parts)


def bar_chart(
    series: Series, *, title: str = "", width: int = 640, height: int = 220, y_label: str = ""
) -> str:
    """A bar per day from the zero line, which is always on the axis; negative values (a day
    that lost followers) go below it in :data:`NEGATIVE`."""
    values = [n for _day, v in series.points if (n := _number(v)) is not None]
    if not values:
        return _empty(width, height, title)
    days = sorted({day for day, _v in series.points})
    first, span = days[0], (days[-1] - days[0]).days
    parts, plot = _time_frame(
        values, zero=True, width=width, height=height, title=title, y_label=y_label, series=[]
    )
    slot = (plot.right - plot.left) / (span + 1)

    def x_of(offset: int) -> float:
        return plot.left + slot * (offset + 0.5)

    color = _color(series, 0)
    zero = plot.y(0.0)
    bar = max(slot * 0.7, 1.0)
    for day, value in sorted(series.points, key=lambda point: point[0]):
        number = _number(value)
        if not number:
            continue  # no data, or zero: nothing to draw
        y = plot.y(number)
        parts.append(
            f'<rect x="{_f(x_of((day - first).days) - bar / 2)}" y="{_f(min(y, zero))}" '
            f'width="{_f(bar)}" height="{_f(max(abs(zero - y), 0.5))}" '
            f'fill="{color if number > 0 else NEGATIVE}"/>'
        )
    parts.append(
        f'<line x1="{_f(plot.left)}" y1="{_f(zero)}" x2="{_f(plot.right)}" y2="{_f(zero)}" '
        f'stroke="{AXIS}"/>'
    )
    parts += _x_labels(first, days[-1], x_of, plot)
    return _close(parts)


def hbar_chart(
    items: Sequence[tuple[str, Number]],
    *,
    title: str = "",
    width: int = 640,
    bar_height: int = 22,
    value_format: Callable[[Number], str] = compact,
) -> str:
    """Horizontal bars in the order given (largest first for a ranking), each labelled on the
    left and with its value, written by ``value_format``, at its end. Labels longer than about
    a third of the width are cut with "…"; negative values draw no bar."""
    if not items:
        return _empty(width, 120, title)
    gap = 6
    top = TITLE_ROW if title else PAD
    height = top + len(items) * (bar_height + gap) + PAD
    values = [_number(value) or 0.0 for _label, value in items]
    written = [value_format(value) for _label, value in items]
    value_w = max(text_width(text) for text in written) + TEXT_GAP
    longest = max(text_width(label) for label, _value in items)
    label_w = min(longest, width * 0.35)
    bar_x = PAD + label_w + TEXT_GAP
    plot_w = max(width - PAD - value_w - bar_x, 1.0)
    largest = max(max(values), 0.0) or 1.0
    parts = _open(width, height, title)
    for index, ((label, _value), number, text) in enumerate(
        zip(items, values, written, strict=True)
    ):
        y = top + index * (bar_height + gap)
        baseline = _f(y + bar_height / 2 + FONT_SIZE * 0.35)
        size = max(number, 0.0) / largest * plot_w
        parts.append(
            f'<text x="{_f(bar_x - TEXT_GAP)}" y="{baseline}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_fit(label, label_w))}</text>"
        )
        if size > 0:
            parts.append(
                f'<rect x="{_f(bar_x)}" y="{_f(y)}" width="{_f(max(size, 0.5))}" '
                f'height="{bar_height}" fill="{PALETTE[0]}"/>'
            )
        parts.append(
            f'<text x="{_f(bar_x + size + TEXT_GAP)}" y="{baseline}" fill="{TEXT}">'
            f"{escape(text)}</text>"
        )
    return _close(parts)


def funnel_chart(steps: Sequence[tuple[str, Number]], *, title: str = "", width: int = 480) -> str:
    """Centred bars narrowing step by step (visitors → orders), each with its count, and the
    conversion rate from one step to the next written between them."""
    values = [max(_number(value) or 0.0, 0.0) for _label, value in steps]
    if not any(values):
        return _empty(width, 120, title)
    row, between = 28, 20
    top = TITLE_ROW if title else PAD
    height = top + len(steps) * row + (len(steps) - 1) * between + PAD
    largest = max(values)
    usable = width - 2 * PAD
    parts = _open(width, height, title)
    for index, ((label, _value), number) in enumerate(zip(steps, values, strict=True)):
        y = top + index * (row + between)
        if index:
            previous = values[index - 1]
            rate = f"{number / previous:.1%}" if previous else "—"
            parts.append(
                f'<text x="{_f(width / 2)}" y="{_f(y - between / 2 + 4)}" text-anchor="middle" '
                f'font-size="10" fill="{MUTED}">↓ 转化率 {rate}</text>'
            )
        size = max(number / largest * usable, 2.0)
        parts.append(
            f'<rect x="{_f((width - size) / 2)}" y="{_f(y)}" width="{_f(size)}" height="{row}" '
            f'fill="{FUNNEL[index % len(FUNNEL)]}" rx="3"/>'
        )
        amount = f" {compact(number)}"
        baseline = _f(y + row / 2 + FONT_SIZE * 0.35)
        inside = size - 12
        beside = width - PAD - ((width + size) / 2 + TEXT_GAP)
        if text_width(label + amount) <= inside or inside >= beside:
            name = _fit(label, inside - text_width(amount))
            parts.append(
                f'<text x="{_f(width / 2)}" y="{baseline}" text-anchor="middle" fill="#111">'
                f"{escape(name + amount)}</text>"
            )
        else:
            # A narrow bar cannot hold its label, which then goes to the right of it.
            name = _fit(label, beside - text_width(amount))
            parts.append(
                f'<text x="{_f((width + size) / 2 + TEXT_GAP)}" y="{baseline}" fill="#111">'
                f"{escape(name + amount)}</text>"
            )
    return _close(parts)
