"""The report's SVG charts: well-formed, inside their box, escaped, deterministic, and honest
about missing data."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from yunying.reports import charts

DAYS = [dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(31)]
NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def coordinates(root: ET.Element) -> list[tuple[float, float]]:
    found = []
    for element in root.iter():
        attrs = element.attrib
        if "points" in attrs:
            for pair in attrs["points"].split():
                x, y = pair.split(",")
                found.append((float(x), float(y)))
        for x_name, y_name in (("x", "y"), ("cx", "cy"), ("x1", "y1"), ("x2", "y2")):
            if x_name in attrs and y_name in attrs:
                found.append((float(attrs[x_name]), float(attrs[y_name])))
        if element.tag == f"{NS}rect" and "width" in attrs:
            found.append(
                (
                    float(attrs["x"]) + float(attrs["width"]),
                    float(attrs["y"]) + float(attrs["height"]),
                )
            )
    return found


def inside(svg: str) -> bool:
    root = parse(svg)
    _x, _y, width, height = (float(v) for v in root.attrib["viewBox"].split())
    return all(0 <= x <= width and 0 <= y <= height for x, y in coordinates(root))


def series(values: list[float | None], name: str = "粉丝总数") -> charts.Series:
    return charts.Series(name, list(zip(DAYS[: len(values)], values, strict=True)))


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 97, [0, 25, 50, 75, 100]),
        (21_000, 24_000, [21_000, 22_000, 23_000, 24_000]),
        (-40, 410, [-200, 0, 200, 400, 600]),
        (5, 5, [4.5, 4.75, 5.0, 5.25, 5.5]),
    ],
)
def test_ticks_are_round_numbers_covering_the_data(
    low: float, high: float, expected: list[float]
) -> None:
    ticks = charts.nice_ticks(low, high)
    assert ticks == pytest.approx(expected)
    assert ticks[0] <= low
    assert ticks[-1] >= high


@pytest.mark.parametrize(
    ("value", "text"),
    [(9500, "9500"), (12_000, "1.2万"), (48_164, "4.82万"), (340_000_000, "3.4亿"), (0.25, "0.25")],
)
def test_axis_numbers_read_the_chinese_way(value: float, text: str) -> None:
    assert charts.compact(value) == text


def test_long_labels_are_cut_by_display_width() -> None:
    assert charts.truncate("三分钟学会在家冷萃", 10) == "三分钟学…"
    assert charts.truncate("short", 10) == "short"
    assert charts.display_width("茶a") == 3


def test_a_line_chart_is_well_formed_inside_its_box_and_deterministic() -> None:
    values = [21_000 + i * 97 for i in range(31)]
    svg = charts.line_chart([series(values)], title="粉丝总数走势")
    assert svg == charts.line_chart([series(values)], title="粉丝总数走势")
    root = parse(svg)
    assert root.find(f"{NS}title").text == "粉丝总数走势"  # type: ignore[union-attr]
    assert len(root.findall(f"{NS}polyline")) == 1
    assert inside(svg)
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert "10/1" in labels
    assert "10/31" in labels
    assert len([t for t in labels if t and re.fullmatch(r"10/\d+", t)]) <= 8


def test_a_missing_day_breaks_the_line_instead_of_dropping_to_zero() -> None:
    svg = charts.line_chart([series([5, 6, None, 8, 9])])
    lines = parse(svg).findall(f"{NS}polyline")
    assert len(lines) == 2


def test_bars_go_below_zero_for_negative_growth() -> None:
    svg = charts.bar_chart(series([30, -12, 45], "净增"))
    root = parse(svg)
    bars = [r for r in root.iter(f"{NS}rect") if r.attrib.get("fill") in charts.PALETTE]
    assert len(bars) == 3
    zero = next(
        float(line.attrib["y1"])
        for line in root.iter(f"{NS}line")
        if line.attrib.get("stroke") == charts.AXIS
    )
    negative = bars[1]
    assert float(negative.attrib["y"]) == pytest.approx(zero, abs=0.1)
    assert inside(svg)


def test_text_is_escaped() -> None:
    svg = charts.hbar_chart([("<script>&", 10)], title="a<b")
    assert "<script>" not in svg
    assert "&lt;script&gt;&amp;" in svg
    parse(svg)


@pytest.mark.parametrize(
    "svg",
    [
        charts.line_chart([], title="空"),
        charts.line_chart([series([None, None])], title="空"),
        charts.bar_chart(series([]), title="空"),
        charts.hbar_chart([], title="空"),
        charts.funnel_chart([("访客", 0), ("订单", 0)], title="空"),
    ],
)
def test_no_data_says_so(svg: str) -> None:
    assert charts.EMPTY in svg
    parse(svg)


def test_a_single_point_and_a_constant_series_draw() -> None:
    one = charts.line_chart([series([7])])
    assert parse(one).find(f"{NS}circle") is not None
    flat = charts.line_chart([series([3, 3, 3])])
    assert inside(flat)


def test_two_series_get_a_legend() -> None:
    svg = charts.line_chart([series([1, 2], "播放量"), series([3, 4], "互动量")])
    labels = [t.text for t in parse(svg).iter(f"{NS}text")]
    assert "播放量" in labels
    assert "互动量" in labels


def test_the_funnel_shows_the_conversion_between_steps() -> None:
    svg = charts.funnel_chart([("店铺访客数", Decimal(800)), ("订单数", Decimal(24))])
    assert "订单数 24（转化 3.0%）" in svg
    assert inside(svg)


def test_a_ranking_keeps_its_order_and_sizes_bars_by_value() -> None:
    svg = charts.hbar_chart([("甲", 100), ("乙", 50)])
    bars = [r for r in parse(svg).iter(f"{NS}rect") if r.attrib.get("height") == "22"]
    assert float(bars[0].attrib["width"]) == pytest.approx(2 * float(bars[1].attrib["width"]))
    assert inside(svg)
