"""The report's SVG charts: round ticks, Chinese numbers, well-formed, inside their box, escaped,
deterministic, honest about missing data, and visible when WeasyPrint lays them out."""

from __future__ import annotations

import base64
import ctypes
import datetime as dt
import itertools
import math
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yunying.reports import charts

DAYS = [dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(31)]
NS = "{http://www.w3.org/2000/svg}"
# Where the rendering test leaves its pictures, to be looked at.
PICTURES = Path(tempfile.gettempdir()) / "yunying-charts"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def series(
    values: Sequence[charts.Number | None], name: str = "粉丝总数", color: str | None = None
) -> charts.Series:
    return charts.Series(name, list(zip(DAYS[: len(values)], values, strict=True)), color)


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in parse(svg).iter(f"{NS}text")]


def out_of_box(svg: str) -> list[str]:
    """Every point, shape corner and (estimated) text extent outside the view box."""
    root = parse(svg)
    assert root.attrib["viewBox"] == f"0 0 {root.attrib['width']} {root.attrib['height']}"
    width, height = float(root.attrib["width"]), float(root.attrib["height"])
    found: list[tuple[str, float, float]] = []
    for element in root.iter():
        attrs, tag = element.attrib, element.tag.removeprefix(NS)
        if "points" in attrs:
            for pair in attrs["points"].split():
                px, py = pair.split(",")
                found.append((tag, float(px), float(py)))
        for x_name, y_name in (("x", "y"), ("cx", "cy"), ("x1", "y1"), ("x2", "y2")):
            if x_name in attrs and y_name in attrs:
                found.append((tag, float(attrs[x_name]), float(attrs[y_name])))
        if tag == "rect":
            right = float(attrs["x"]) + float(attrs["width"])
            found.append((tag, right, float(attrs["y"]) + float(attrs["height"])))
        if tag == "text":
            size = float(attrs.get("font-size", charts.FONT_SIZE))
            extent = charts.text_width(element.text or "", size)
            tx, ty = float(attrs["x"]), float(attrs["y"])
            left = {"start": tx, "middle": tx - extent / 2, "end": tx - extent}[
                attrs.get("text-anchor", "start")
            ]
            text = element.text or ""
            found += [(text, left, ty - size), (text, left + extent, ty)]
    return [
        f"{what} at {x},{y}" for what, x, y in found if not (0 <= x <= width and 0 <= y <= height)
    ]


def cjk_fonts(page: Any) -> set[str]:
    """The names of the fonts the page's Chinese characters are drawn with."""
    textpage = page.get_textpage()
    found = set()
    for index in range(textpage.count_chars()):
        if charts.display_width(chr(pdfium_raw.FPDFText_GetUnicode(textpage, index))) == 2:
            name = ctypes.create_string_buffer(128)
            pdfium_raw.FPDFText_GetFontInfo(textpage, index, name, 128, None)
            found.add(name.value.decode())
    return found


# One of each kind, with the awkward cases: long names, negatives, gaps, large numbers.
GALLERY = {
    "line": lambda: charts.line_chart(
        [series([21_000 + i * 97 for i in range(31)])], title="粉丝总数走势", y_label="单位：人"
    ),
    "lines": lambda: charts.line_chart(
        [
            series([120_000 + 50_000 * math.sin(i / 3) for i in range(31)], "播放量"),
            series([None if i in (9, 10) else 30_000 + i * 500 for i in range(31)], "互动量"),
            series([5_000 + i for i in range(31)], "一个很长很长的系列名称用来看图例怎样换行"),
        ],
        title="每日播放量与互动量",
    ),
    "narrow lines": lambda: charts.line_chart(
        [series([1, 2], "播放量"), series([2, 3], "互动量"), series([3, 1], "评论与转发合计")],
        title="三条线",
        width=240,
        y_label="单位：次",
    ),
    "bars": lambda: charts.bar_chart(
        series([(i * 37) % 90 - 30 for i in range(31)], "净增"),
        title="每日净增粉丝（新增 − 取关）",
    ),
    "narrow bars": lambda: charts.bar_chart(
        series([Decimal(i) for i in range(30)]), title="每日净增", width=240, height=160
    ),
    "ranking": lambda: charts.hbar_chart(
        [
            ("三分钟学会在家做冷萃咖啡，夏天必备的清爽饮品教程", 1_234_567),
            ("茶山日记 vol.3", Decimal(856_000)),
            ("短", 999),
        ],
        title="阅读/播放最高的作品",
    ),
    "funnel": lambda: charts.funnel_chart(
        [("店铺访客数", 12_800), ("商品浏览", 5_400), ("加购", 900), ("订单数", 24)],
        title="店铺访客到下单",
    ),
    "long title": lambda: charts.line_chart(
        [series([1, 2])], title="一个非常长的标题" * 12, width=300
    ),
}


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 97, [0, 20, 40, 60, 80, 100]),
        (21_000, 24_000, [21_000, 22_000, 23_000, 24_000]),
        (-40, 410, [-200, 0, 200, 400, 600]),
        (7, 7, [6, 6.5, 7, 7.5, 8]),
        (0, 0, [-1, -0.5, 0, 0.5, 1]),
        (0.1, 0.3, [0.1, 0.15, 0.2, 0.25, 0.3]),
        (0, 2_400_000_000, [0, 5e8, 1e9, 1.5e9, 2e9, 2.5e9]),
    ],
)
def test_ticks_are_round_numbers_covering_the_data(
    low: float, high: float, expected: list[float]
) -> None:
    # Exact equality: a tick of 0.15000000000000002 would print as such on the axis.
    assert charts.nice_ticks(low, high) == expected


# No deadline: a busy test machine must not turn a slow example into a failure.
@settings(deadline=None)
@given(
    st.floats(-1e10, 1e10, allow_nan=False),
    # Report figures: counts, money, rates; nothing finer than a thousandth.
    st.one_of(st.just(0.0), st.floats(1e-3, 1e10)),
    st.integers(3, 10),
)
def test_any_range_gets_few_evenly_spaced_round_ticks(
    low: float, spread: float, max_ticks: int
) -> None:
    high = low + spread
    ticks = charts.nice_ticks(low, high, max_ticks)
    assert 2 <= len(ticks) <= max_ticks
    assert ticks[0] <= low
    assert ticks[-1] >= high
    step = ticks[1] - ticks[0]
    # Float resolution: 64.1 - 64.0 is 0.0999999999999943, and worse near 4e9.
    noise = 1e-12 * max(abs(ticks[0]), abs(ticks[-1]))
    assert all(b - a == pytest.approx(step, abs=noise) for a, b in itertools.pairwise(ticks))
    nice = [m * 10.0**e for m in (1, 2, 2.5, 5) for e in range(-12, 11)]
    assert any(step == pytest.approx(n, rel=1e-9, abs=noise) for n in nice)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (9500, "9500"),
        (12_000, "1.2万"),
        (48_164, "4.82万"),
        (12_345_678, "1235万"),
        (340_000_000, "3.4亿"),
        (Decimal("250000000"), "2.5亿"),
        (99_999_999, "1亿"),
        (9_999.6, "1万"),
        (-12_000, "-1.2万"),
        (-0.001, "-0.001"),
        (0.25, "0.25"),
        (0.025, "0.025"),
        (0, "0"),
    ],
)
def test_numbers_read_the_chinese_way(value: float, text: str) -> None:
    assert charts.compact(value) == text


def test_axis_numbers_keep_the_decimals_that_tell_ticks_apart() -> None:
    ticks = charts.nice_ticks(100_000, 101_000)
    labels = [charts.compact(tick, ticks[1] - ticks[0]) for tick in ticks]
    assert labels == ["10万", "10.02万", "10.04万", "10.06万", "10.08万", "10.1万"]
    assert charts.compact(-0.0, 0.5) == "0"


def test_long_labels_are_cut_by_display_width() -> None:
    assert charts.display_width("茶a") == 3
    assert charts.truncate("三分钟学会在家冷萃", 10) == "三分钟学…"
    assert charts.truncate("abcdefghijkl", 10) == "abcdefghi…"
    assert charts.truncate("茶山日记", 8) == "茶山日记"
    svg = GALLERY["ranking"]()
    assert "三分钟学会在家做冷萃咖啡，夏天必…" in texts(svg)


@pytest.mark.parametrize("kind", GALLERY)
def test_every_chart_is_well_formed_titled_and_inside_its_box(kind: str) -> None:
    svg = GALLERY[kind]()
    root = parse(svg)
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"]
    assert root.find(f"{NS}title") is not None
    assert "Noto Sans CJK SC" in root.attrib["font-family"]
    assert out_of_box(svg) == []


def test_a_label_too_long_for_the_box_would_be_caught() -> None:
    svg = charts.line_chart([series([1, 2])], width=300).replace(
        ">10/1<", ">10/1 这是一段超出图框的文字<"
    )
    assert out_of_box(svg)


@pytest.mark.parametrize("kind", GALLERY)
def test_the_same_input_draws_the_same_svg(kind: str) -> None:
    assert GALLERY[kind]() == GALLERY[kind]()


def test_decimals_and_floats_draw_alike_with_coordinates_rounded() -> None:
    values = [21_000.123 + i * 97.4567 for i in range(31)]
    floats = charts.line_chart([series(values)])
    decimals = charts.line_chart([series([Decimal(str(v)) for v in values])])
    assert floats == decimals
    numbers = re.findall(r' (?:x|y|x1|y1|x2|y2|points)="([^"]+)"', floats)
    assert all(re.fullmatch(r"-?\d+(\.\d)?", n) for ns in numbers for n in re.split("[ ,]", ns))


def test_text_is_escaped() -> None:
    line = charts.line_chart(
        [series([1, 2], "<script>&"), series([2, 3], "互动量", '"/><x y="')],
        title="a<b",
        y_label="单位&次",
    )
    ranking = charts.hbar_chart([("<script>&", 10)], title="a<b")
    funnel = charts.funnel_chart([("<script>&", 10), ("订单", 1)], title="a<b")
    for svg in (line, ranking, funnel):
        assert "<script>" not in svg
        assert "&lt;script&gt;&amp;" in svg
        assert parse(svg).find(f"{NS}title").text == "a<b"  # type: ignore[union-attr]
    assert "<script>&" in texts(line)
    assert "单位&次" in texts(line)
    assert "<x" not in line


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.line_chart([], title="空"),
        lambda: charts.line_chart([series([None, None])], title="空"),
        lambda: charts.line_chart([series([float("nan")])], title="空"),
        lambda: charts.bar_chart(series([]), title="空"),
        lambda: charts.bar_chart(series([None]), title="空"),
        lambda: charts.hbar_chart([], title="空"),
        lambda: charts.funnel_chart([], title="空"),
        lambda: charts.funnel_chart([("访客", 0), ("订单", 0)], title="空"),
    ],
)
def test_no_data_says_so_in_a_frame(draw: Callable[[], str]) -> None:
    svg = draw()
    assert texts(svg) == ["空", charts.EMPTY]
    assert parse(svg).attrib["aria-label"] == f"空：{charts.EMPTY}"
    assert out_of_box(svg) == []


def test_a_single_point_is_a_dot_labelled_with_its_day() -> None:
    svg = charts.line_chart([series([7])])
    root = parse(svg)
    assert len(root.findall(f"{NS}circle")) == 1
    assert root.find(f"{NS}polyline") is None
    assert "10/1" in texts(svg)
    assert "7" in texts(svg)
    assert out_of_box(svg) == []


def test_a_constant_series_sits_mid_axis() -> None:
    svg = charts.line_chart([series([3, 3, 3])])
    ys = {pair.split(",")[1] for pair in parse(svg).find(f"{NS}polyline").attrib["points"].split()}  # type: ignore[union-attr]
    grid = [
        float(line.attrib["y1"])
        for line in parse(svg).iter(f"{NS}line")
        if line.attrib["stroke"] == charts.GRID
    ]
    assert len(ys) == 1
    assert float(ys.pop()) == pytest.approx((grid[0] + grid[-1]) / 2, abs=0.1)
    assert charts.bar_chart(series([0, 0, 0])).count("<rect") == 1  # the background only


def test_a_missing_day_breaks_the_line_instead_of_dropping_to_zero() -> None:
    svg = charts.line_chart([series([5, 6, None, 8, 9, None, 11])])
    root = parse(svg)
    assert len(root.findall(f"{NS}polyline")) == 2
    assert len(root.findall(f"{NS}circle")) == 1  # 11 has no neighbour
    assert "0" not in texts(svg)  # the axis starts near the data, not at zero


def test_bars_stand_on_zero_even_far_above_it() -> None:
    svg = charts.bar_chart(series([100, 105, 110]))
    assert "0" in texts(svg)
    bars = [r for r in parse(svg).iter(f"{NS}rect") if r.attrib["fill"] == charts.PALETTE[0]]
    assert float(bars[0].attrib["height"]) > float(bars[2].attrib["height"]) * 0.8


def test_bars_start_at_zero_and_go_below_it_for_negative_growth() -> None:
    svg = charts.bar_chart(series([30, -12, 45], "净增"))
    root = parse(svg)
    assert "0" in texts(svg)
    bars = [r for r in root.iter(f"{NS}rect") if r.attrib["fill"] != "#fff"]
    assert [b.attrib["fill"] for b in bars] == [
        charts.PALETTE[0],
        charts.NEGATIVE,
        charts.PALETTE[0],
    ]
    zero = next(
        float(li.attrib["y1"])
        for li in root.iter(f"{NS}line")
        if li.attrib["stroke"] == charts.AXIS
    )
    up, down = bars[0], bars[1]
    assert float(up.attrib["y"]) + float(up.attrib["height"]) == pytest.approx(zero, abs=0.1)
    assert float(down.attrib["y"]) == pytest.approx(zero, abs=0.1)
    assert float(down.attrib["height"]) == pytest.approx(
        float(up.attrib["height"]) * 12 / 30, abs=0.2
    )


def test_a_month_is_labelled_every_five_days() -> None:
    labels = [t for t in texts(GALLERY["line"]()) if re.fullmatch(r"\d+/\d+", t)]
    assert labels == ["10/1", "10/6", "10/11", "10/16", "10/21", "10/26", "10/31"]


@pytest.mark.parametrize("width", [160, 240, 400, 640, 1200])
def test_date_labels_never_overlap(width: int) -> None:
    for svg in (
        charts.line_chart([series([1.0] * 31)], width=width),
        charts.bar_chart(series([1.0] * 31), width=width),
    ):
        root = parse(svg)
        xs = [
            float(t.attrib["x"])
            for t in root.iter(f"{NS}text")
            if re.fullmatch(r"\d+/\d+", t.text or "")
        ]
        assert xs[0] < xs[-1] or len(xs) == 1
        gaps = [b - a for a, b in itertools.pairwise(xs)]
        assert min(gaps) >= charts.text_width("12/31")


def test_value_labels_on_the_axis_are_a_line_apart() -> None:
    svg = charts.bar_chart(series([1, 97]), height=120)
    ys = [
        float(t.attrib["y"])
        for t in parse(svg).iter(f"{NS}text")
        if t.attrib.get("text-anchor") == "end"
    ]
    assert len(ys) >= 2
    assert min(a - b for a, b in itertools.pairwise(ys)) >= charts.FONT_SIZE * 2


def test_a_legend_only_when_there_are_several_series() -> None:
    assert "粉丝总数" not in texts(charts.line_chart([series([1, 2])]))
    svg = charts.line_chart([series([1, 2], "播放量"), series([3, 4], "互动量")])
    assert {"播放量", "互动量"} <= set(texts(svg))
    swatches = [r.attrib["fill"] for r in parse(svg).iter(f"{NS}rect") if r.attrib["width"] == "10"]
    assert swatches == list(charts.PALETTE[:2])


def test_a_legend_too_wide_for_one_row_wraps() -> None:
    root = parse(GALLERY["narrow lines"]())
    swatch_rows = {r.attrib["y"] for r in root.iter(f"{NS}rect") if r.attrib["width"] == "10"}
    assert len(swatch_rows) == 2


def test_a_series_keeps_its_own_colour() -> None:
    svg = charts.line_chart([series([1, 2], color="#123456")])
    assert parse(svg).find(f"{NS}polyline").attrib["stroke"] == "#123456"  # type: ignore[union-attr]


def test_a_ranking_keeps_its_order_sizes_bars_by_value_and_formats_values() -> None:
    svg = charts.hbar_chart(
        [("甲", 100), ("乙", 50), ("丙", -5)], value_format=lambda v: f"{v:,.0f} 次"
    )
    bars = [r for r in parse(svg).iter(f"{NS}rect") if r.attrib["height"] == "22"]
    assert len(bars) == 2  # nothing drawn for a negative value
    assert float(bars[0].attrib["width"]) == pytest.approx(2 * float(bars[1].attrib["width"]))
    assert texts(svg) == ["甲", "100 次", "乙", "50 次", "丙", "-5 次"]


def test_the_funnel_shows_the_conversion_between_steps() -> None:
    svg = charts.funnel_chart([("店铺访客数", Decimal(800)), ("订单数", Decimal(24)), ("复购", 0)])
    assert texts(svg) == [
        "店铺访客数 800",
        "↓ 转化率 3.0%",
        "订单数 24",
        "↓ 转化率 0.0%",
        "复购 0",
    ]
    labels = [t for t in parse(svg).iter(f"{NS}text") if t.text == "订单数 24"]
    # Too long for its narrow bar, the label sits beside it instead of across it.
    assert labels[0].attrib.get("text-anchor", "start") == "start"
    assert out_of_box(svg) == []


def test_charts_render_visibly_in_a_weasyprint_pdf() -> None:
    """Each chart on a page of its own with `overflow: visible`, so anything drawn outside the
    chart's box would show in the page margin. Pictures: /tmp/yunying-charts/*.png."""
    import weasyprint  # loads Pango: imported only where needed

    margin, scale = 20, 2
    kinds = ["line", "lines", "narrow lines", "bars", "narrow bars", "ranking", "funnel"]
    svgs = [GALLERY[kind]() for kind in kinds]
    pages = "".join(
        f'<div style="page: p{i}; break-after: page">{svg}</div>' for i, svg in enumerate(svgs)
    )
    sizes = [
        (float(parse(svg).attrib["width"]), float(parse(svg).attrib["height"])) for svg in svgs
    ]
    page_rules = "".join(
        f"@page p{i} {{ size: {w + 2 * margin}px {h + 2 * margin}px; margin: {margin}px }}"
        for i, (w, h) in enumerate(sizes)
    )
    html = (
        f'<html><head><meta charset="utf-8"><style>{page_rules} body {{ margin: 0 }}'
        f" svg {{ display: block; overflow: visible }}</style></head><body>{pages}</body></html>"
    )
    data = weasyprint.HTML(string=html).write_pdf()
    pdf = pdfium.PdfDocument(data)
    assert len(pdf) == len(kinds)
    PICTURES.mkdir(exist_ok=True)
    expected_colours = {
        "line": [charts.PALETTE[0]],
        "lines": list(charts.PALETTE[:3]),
        "narrow lines": list(charts.PALETTE[:3]),
        "bars": [charts.PALETTE[0], charts.NEGATIVE],
        "narrow bars": [charts.PALETTE[0]],
        "ranking": [charts.PALETTE[0]],
        "funnel": list(charts.FUNNEL),
    }
    for index, kind in enumerate(kinds):
        page = pdf[index]
        text = page.get_textpage().get_text_range()
        title = parse(svgs[index]).find(f"{NS}title").text  # type: ignore[union-attr]
        assert title in text.replace("\r", "").replace("\n", "")
        # The Chinese is drawn with the CJK font, not as missing-glyph boxes of another.
        assert {"Noto-Sans-CJK"} == {name.split("+")[-1][:13] for name in cjk_fonts(page)}
        image = page.render(scale=scale).to_pil().convert("RGB")
        image.save(PICTURES / f"{kind.replace(' ', '-')}.png")
        pixels = np.asarray(image).astype(int)
        for colour in expected_colours[kind]:
            rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
            assert int((pixels == rgb).all(axis=2).sum()) > 50, f"{kind}: no {colour} drawn"
        # CSS px are 0.75 pt; the chart's box in device pixels, with 2 pixels of antialiasing.
        edge = round(margin * 0.75 * scale) - 2
        ink = pixels.sum(axis=2) < 750
        ink[edge:-edge, edge:-edge] = False
        assert not ink.any(), f"{kind}: drawn outside the chart's box"


def test_a_chart_as_an_image_holds_the_same_svg_and_its_title_as_alt() -> None:
    svg = charts.line_chart([series([1, 2])], title='增长 "<b>"')
    found: list[tuple[str, dict[str, str | None]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Tags().feed(charts.as_image(svg))
    [(tag, attrs)] = found
    assert tag == "img"
    assert attrs["alt"] == '增长 "<b>"'
    prefix, _, data = (attrs["src"] or "").partition(",")
    assert prefix == "data:image/svg+xml;base64"
    assert base64.b64decode(data).decode() == svg
