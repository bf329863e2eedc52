"""The agreed fact files: METRICS.csv (daily values) and POSTS.csv (published items).

Pure: imports nothing from Django. Used by ``yunying settle`` on files and by database imports.
Every bad cell is reported with file, row (the line number, header = 1) and column; a file with
any problem yields no rows.

    METRICS.csv  date,account,metric,value
    POSTS.csv    post_id,account,published_on,kind,likes
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from yunying.metrics.definitions import STORED

METRICS_COLUMNS = ("date", "account", "metric", "value")
POSTS_COLUMNS = ("post_id", "account", "published_on", "kind", "likes")


@dataclass(frozen=True)
class MetricRow:
    date: dt.date
    account: str
    metric: str
    value: Decimal


@dataclass(frozen=True)
class PostRow:
    post_id: str
    account: str
    published_on: dt.date
    kind: str
    likes: int


@dataclass(frozen=True)
class Problem:
    source: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.source} 第 {self.row} 行 {self.column} 列：{self.message}"


class FileFormatError(ValueError):
    """A fact file with problems; ``problems`` lists each with its row and column."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _rows(text: str, columns: tuple[str, ...], source: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or ()]
    problems = [Problem(source, 1, c, "缺少该列") for c in columns if c not in header]
    problems += [Problem(source, 1, c, "未知的列") for c in header if c not in columns]
    if problems:
        raise FileFormatError(problems)
    reader.fieldnames = header
    out = []
    for number, row in enumerate(reader, start=2):
        if None in row:  # more cells than columns
            raise FileFormatError([Problem(source, number, columns[-1], "单元格多于列数")])
        out.append((number, {k: (v or "").strip() for k, v in row.items()}))
    return out


def _date(value: str, source: str, row: int, column: str, problems: list[Problem]) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(source, row, column, f"日期格式应为 YYYY-MM-DD：“{value}”"))
        return dt.date.min


def _required(value: str, source: str, row: int, column: str, problems: list[Problem]) -> str:
    if not value:
        problems.append(Problem(source, row, column, "不能为空"))
    return value


def parse_metrics_csv(text: str, *, source: str = "METRICS.csv") -> list[MetricRow]:
    problems: list[Problem] = []
    rows: list[MetricRow] = []
    seen: dict[tuple[dt.date, str, str], int] = {}
    for number, raw in _rows(text, METRICS_COLUMNS, source):
        before = len(problems)
        day = _date(raw["date"], source, number, "date", problems)
        account = _required(raw["account"], source, number, "account", problems)
        metric = raw["metric"]
        if metric not in STORED:
            problems.append(
                Problem(
                    source,
                    number,
                    "metric",
                    f"未知指标“{metric}”，可选：{', '.join(sorted(STORED))}",
                )
            )
        try:
            value = Decimal(raw["value"])
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(Problem(source, number, "value", f"不是数字：“{raw['value']}”"))
            value = Decimal(0)
        if value < 0:
            problems.append(Problem(source, number, "value", f"不能为负数：“{raw['value']}”"))
        if len(problems) > before:
            continue
        key = (day, account, metric)
        if key in seen:
            problems.append(
                Problem(
                    source, number, "metric", f"与第 {seen[key]} 行重复（同一日期、账号和指标）"
                )
            )
            continue
        seen[key] = number
        rows.append(MetricRow(day, account, metric, value))
    if problems:
        raise FileFormatError(problems)
    return rows


def parse_posts_csv(text: str, *, source: str = "POSTS.csv") -> list[PostRow]:
    problems: list[Problem] = []
    rows: list[PostRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in _rows(text, POSTS_COLUMNS, source):
        before = len(problems)
        post_id = _required(raw["post_id"], source, number, "post_id", problems)
        account = _required(raw["account"], source, number, "account", problems)
        day = _date(raw["published_on"], source, number, "published_on", problems)
        kind = _required(raw["kind"], source, number, "kind", problems)
        likes = 0
        try:
            likes = int(raw["likes"])
            if likes < 0:
                raise ValueError
        except ValueError:
            problems.append(Problem(source, number, "likes", f"应为非负整数：“{raw['likes']}”"))
        if len(problems) > before:
            continue
        key = (account, post_id)
        if key in seen:
            problems.append(Problem(source, number, "post_id", f"与第 {seen[key]} 行重复"))
            continue
        seen[key] = number
        rows.append(PostRow(post_id, account, day, kind, likes))
    if problems:
        raise FileFormatError(problems)
    return rows
