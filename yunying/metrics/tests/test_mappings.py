"""Column mappings on the golden files: each platform export reads to the rows we agreed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from yunying.metrics import mappings as m
from yunying.metrics.definitions import plain
from yunying.metrics.files import Problem

GOLDEN = Path(__file__).parent / "golden"
EXPECTED: dict[str, Any] = json.loads((GOLDEN / "expected.json").read_text(encoding="utf-8"))


def parsed_as_json(parsed: m.Parsed) -> dict[str, Any]:
    """The parse in the shape of expected.json (posts keyed by title)."""
    posts = {}
    for post in parsed.posts:
        shown: dict[str, Any] = {
            "published_on": post.published_on.isoformat(),
            "kind": post.kind,
            "likes": post.likes,
            **post.counts,
            "extras": post.extras,
        }
        if not post.post_id.startswith("t-"):
            shown["post_id"] = post.post_id
        posts[post.title] = shown
    return {
        "days": {
            d.date.isoformat(): {k: plain(v) for k, v in d.metrics.items()} for d in parsed.days
        },
        "extras": {d.date.isoformat(): d.extras for d in parsed.days if d.extras},
        "posts": posts,
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_golden_file_reads_to_the_agreed_rows(name: str) -> None:
    expected = EXPECTED[name]
    parsed = m.parse((GOLDEN / name).read_bytes(), name, m.mapping(expected["mapping"]))
    assert parsed.problems == []
    assert parsed_as_json(parsed) == {k: expected[k] for k in ("days", "extras", "posts")}


def test_a_bad_file_names_each_bad_cell_by_row_and_column() -> None:
    parsed = m.parse((GOLDEN / "douyin_bad.csv").read_bytes(), "douyin_bad.csv", m.DOUYIN)
    where = [(p.row, p.column) for p in parsed.problems]
    assert where == [(3, "点赞量"), (4, "日期"), (5, "点赞量"), (5, "净增粉丝"), (6, "日期")]
    messages = [p.message for p in parsed.problems]
    assert "五百" in messages[0]
    assert "2026-13-03" in messages[1]
    assert "约数" in messages[2]
    assert "新增粉丝 − 取关粉丝 = 60，表中为 50" in messages[3]
    assert "与第 2 行重复" in messages[4]
    assert str(parsed.problems[0]) == "douyin_bad.csv 第 3 行 点赞量 列：不是数字：“五百”"
    # Only row 2 is good; four rows are rejected.
    assert [d.date for d in parsed.days] == [dt.date(2026, 10, 1)]
    assert parsed.rejected_rows == 4


def test_the_generic_template_refuses_a_column_it_does_not_know() -> None:
    data = "日期,新增粉丝,新增粉丝数\n2026-10-01,3,4\n".encode()
    parsed = m.parse(data, "t.csv", m.GENERIC)
    assert parsed.problems == [Problem("t.csv", 1, "新增粉丝数", "未知的列（请使用模板中的列名）")]
    assert parsed.days == []


def test_the_generic_template_takes_metric_codes_as_headers_too() -> None:
    parsed = m.parse(b"date,calls,followers_total\n2026-10-01,3,900\n", "t.csv", m.GENERIC)
    assert parsed.days[0].metrics == {"calls": 3, "followers_total": 900}


def test_a_file_without_a_known_header_says_which_format_it_expected() -> None:
    parsed = m.parse("名称,数值\n甲,1\n".encode(), "x.csv", m.WECHAT_OA)
    assert len(parsed.problems) == 1
    assert parsed.problems[0].row == 1
    assert "微信公众号后台导出" in parsed.problems[0].message


def test_a_file_in_neither_utf8_nor_gb18030_is_reported_not_crashed() -> None:
    parsed = m.parse(b"\xff\xfe\x00\xd8\x00\xdc" * 3, "x.csv", m.DOUYIN)
    assert len(parsed.problems) == 1
    assert "编码" in parsed.problems[0].message


def test_a_broken_workbook_is_reported_not_crashed() -> None:
    parsed = m.parse(b"PK\x03\x04 not really a zip", "x.xlsx", m.DOUYIN)
    assert "XLSX" in parsed.problems[0].message


def test_a_post_given_twice_is_a_problem_on_the_later_row() -> None:
    data = "作品名称,作品ID,发布时间,点赞量\n甲,1,2026-10-01,3\n乙,1,2026-10-02,4\n".encode()
    parsed = m.parse(data, "v.csv", m.DOUYIN)
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "作品编号")]


def test_two_sheets_may_give_different_metrics_of_one_day(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    first.append(["日期", "新增粉丝"])
    first.append([dt.date(2026, 10, 1), 5])
    second = book.create_sheet("电话")
    second.append(["日期", "电话量"])
    second.append([dt.date(2026, 10, 1), 2])
    book.save(tmp_path / "two.xlsx")
    parsed = m.parse((tmp_path / "two.xlsx").read_bytes(), "two.xlsx", m.GENERIC)
    assert parsed.problems == []
    assert parsed.days[0].metrics == {"followers_new": 5, "calls": 2}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-10-01", dt.date(2026, 10, 1)),
        ("2026/10/1", dt.date(2026, 10, 1)),
        ("2026年10月1日", dt.date(2026, 10, 1)),
        ("20261001", dt.date(2026, 10, 1)),
        ("2026-10-01 18:30", dt.date(2026, 10, 1)),
        (dt.datetime(2026, 10, 1, 9, 0), dt.date(2026, 10, 1)),
    ],
)
def test_dates_are_read_as_exports_write_them(cell: Any, expected: dt.date) -> None:
    assert m.parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["2026-02-30", "10/01/2026", "昨天", ""])
def test_a_date_that_is_not_one_is_refused(cell: str) -> None:
    with pytest.raises(ValueError, match="不是日期"):
        m.parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1,234", "1234"), ("12.5", "12.5"), (0.1, "0.1"), (7, "7"), ("-", None), ("", None)],
)
def test_numbers_are_read_exactly(cell: Any, expected: str | None) -> None:
    value = m.parse_number(cell)
    assert (plain(value) if value is not None else None) == expected


def test_the_template_headers_are_what_the_generic_mapping_reads() -> None:
    header = m.TEMPLATE_DAILY_HEADER
    layout = m.GENERIC.layout_for(header)
    assert layout is not None
    assert layout.kind == "daily"
    assert all(layout.target_of(name) for name in header)
    posts = m.GENERIC.layout_for(m.TEMPLATE_POSTS_HEADER)
    assert posts is not None
    assert posts.kind == "posts"
    assert all(posts.target_of(name) for name in m.TEMPLATE_POSTS_HEADER)


def test_the_downloadable_samples_import_cleanly_with_the_generic_mapping() -> None:
    workbook = m.parse(m.sample_workbook(), "template.xlsx", m.GENERIC)
    assert workbook.problems == []
    assert [d.date for d in workbook.days] == [dt.date(2026, 10, 1), dt.date(2026, 10, 2)]
    assert workbook.days[1].metrics["followers_total"] == 5031
    assert "calls" not in workbook.days[1].metrics  # a blank cell is no value, not 0
    assert [p.post_id for p in workbook.posts] == ["v-20261001-1", "a-20261002-1"]
    assert workbook.posts[1].counts == {
        "reads": 3200,
        "comments": 12,
        "shares": 30,
        "favourites": 8,
    }
    csv = m.parse(m.sample_csv(), "template.csv", m.GENERIC)
    assert csv.problems == []
    assert [d.metrics for d in csv.days] == [d.metrics for d in workbook.days]
