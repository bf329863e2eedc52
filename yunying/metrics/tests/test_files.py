"""METRICS.csv and POSTS.csv, pure: every problem names its file, row and column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yunying.metrics.files import (
    FileFormatError,
    MetricRow,
    PostRow,
    Problem,
    parse_metrics_csv,
    parse_posts_csv,
)

METRICS_HEAD = "date,account,metric,value\n"
POSTS_HEAD = "post_id,account,published_on,kind,likes\n"


def problems_of(parse: object, text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(FileFormatError) as caught:
        parse(text)  # type: ignore[operator]
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_a_good_metrics_file_gives_its_rows_with_decimals() -> None:
    text = (
        "\ufeff"
        + METRICS_HEAD
        + "2026-10-08,A,followers_new,300\n2026-10-31, A ,followers_total,20000.5\n"
    )
    assert parse_metrics_csv(text) == [
        MetricRow(dt.date(2026, 10, 8), "A", "followers_new", Decimal(300)),
        MetricRow(dt.date(2026, 10, 31), "A", "followers_total", Decimal("20000.5")),
    ]


def test_columns_may_come_in_any_order_and_blank_lines_are_skipped() -> None:
    text = "value,metric,account,date\r\n\r\n5,calls,A,2026-10-01\r\n,,,\r\n"
    assert parse_metrics_csv(text) == [MetricRow(dt.date(2026, 10, 1), "A", "calls", Decimal(5))]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("2026/10/08,A,calls,1", "date", "日期格式应为 YYYY-MM-DD：“2026/10/08”"),
        ("20261008,A,calls,1", "date", "日期格式应为 YYYY-MM-DD：“20261008”"),
        ("2026-10-08,,calls,1", "account", "不能为空"),
        ("2026-10-08,A,fans,1", "metric", "未知指标“fans”"),
        ("2026-10-08,A,roi,1", "metric", "“roi”是计算得出的指标，不能导入"),
        ("2026-10-08,A,calls,abc", "value", "不是数字：“abc”"),
        ("2026-10-08,A,calls,NaN", "value", "不是数字：“NaN”"),
        ("2026-10-08,A,calls,-1", "value", "不能为负数：“-1”"),
        ("2026-10-08,A,calls,1.23456", "value", "最多 4 位小数"),
        ("2026-10-08,A,calls,12345678901234567", "value", "整数部分最多 16 位"),
        ("2026-10-08,A,calls", "value", "这一行有 3 个单元格，表头有 4 列"),
        ("2026-10-08,A,calls,1,extra", "value", "这一行有 5 个单元格，表头有 4 列"),
    ],
)
def test_each_bad_metrics_cell_is_named_by_row_and_column(
    line: str, column: str, message: str
) -> None:
    text = METRICS_HEAD + "2026-10-01,A,calls,1\n" + line + "\n"
    [(row, got_column, got_message)] = problems_of(parse_metrics_csv, text)
    assert (row, got_column) == (3, column)
    assert message in got_message


def test_every_problem_is_reported_at_once_one_per_line() -> None:
    text = METRICS_HEAD + "x,A,calls,1\n2026-10-01,A,calls,abc\n"
    with pytest.raises(FileFormatError) as caught:
        parse_metrics_csv(text)
    assert str(caught.value).splitlines() == [
        "METRICS.csv 第 2 行 date 列：日期格式应为 YYYY-MM-DD：“x”",
        "METRICS.csv 第 3 行 value 列：不是数字：“abc”",
    ]


def test_the_row_is_the_line_in_the_file_even_after_blank_lines() -> None:
    text = METRICS_HEAD + "\n\n2026-10-01,A,calls,abc\n"
    assert problems_of(parse_metrics_csv, text)[0][0] == 4


def test_a_duplicate_key_names_both_rows() -> None:
    text = METRICS_HEAD + "2026-10-01,A,calls,1\n2026-10-01,B,calls,1\n2026-10-01,A,calls,2\n"
    assert problems_of(parse_metrics_csv, text) == [
        (4, "metric", "与第 2 行重复（同一日期、账号和指标）")
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("date,account,value", [(1, "metric", "缺少该列")]),
        ("date,account,metric,value,note", [(1, "note", "未知的列")]),
        ("date,account,metric,value,value", [(1, "value", "该列重复")]),
        ("", [(1, c, "缺少该列") for c in ("date", "account", "metric", "value")]),
    ],
)
def test_header_problems_name_the_column(header: str, expected: list[object]) -> None:
    assert problems_of(parse_metrics_csv, header + "\n") == expected


def test_the_source_name_is_used_in_messages() -> None:
    with pytest.raises(FileFormatError, match=r"^oct\.csv 第 2 行 value 列"):
        parse_metrics_csv(METRICS_HEAD + "2026-10-01,A,calls,x\n", source="oct.csv")


def test_a_good_posts_file_gives_its_rows() -> None:
    text = POSTS_HEAD + "v1,D,2026-08-03,video,100\n"
    assert parse_posts_csv(text) == [PostRow("v1", "D", dt.date(2026, 8, 3), "video", 100)]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        (",D,2026-08-03,video,1", "post_id", "不能为空"),
        ("x" * 65 + ",D,2026-08-03,video,1", "post_id", "最多 64 个字符"),
        ("v2,,2026-08-03,video,1", "account", "不能为空"),
        ("v2,D,3 Aug,video,1", "published_on", "日期格式应为 YYYY-MM-DD"),
        ("v2,D,2026-08-03,,1", "kind", "不能为空"),
        ("v2,D,2026-08-03,livestream-replay,1", "kind", "最多 16 个字符"),
        ("v2,D,2026-08-03,video,-1", "likes", "非负整数：“-1”"),
        ("v2,D,2026-08-03,video,1.5", "likes", "非负整数：“1.5”"),
        ("v2,D,2026-08-03,video,99999999999", "likes", "非负整数"),
        ("v1,D,2026-08-04,video,3", "post_id", "与第 2 行重复"),
    ],
)
def test_each_bad_posts_cell_is_named_by_row_and_column(
    line: str, column: str, message: str
) -> None:
    text = POSTS_HEAD + "v1,D,2026-08-03,video,100\n" + line + "\n"
    [(row, got_column, got_message)] = problems_of(parse_posts_csv, text)
    assert (row, got_column) == (3, column)
    assert message in got_message


def test_the_same_post_id_on_two_accounts_is_fine() -> None:
    text = POSTS_HEAD + "v1,D,2026-08-03,video,1\nv1,E,2026-08-03,video,1\n"
    assert len(parse_posts_csv(text)) == 2


def test_a_problem_reads_as_file_row_column_message() -> None:
    problem = Problem("METRICS.csv", 3, "value", "不是数字：“abc”")
    assert str(problem) == "METRICS.csv 第 3 行 value 列：不是数字：“abc”"
