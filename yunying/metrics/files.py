"""The agreed fact files: METRICS.csv (daily values) and POSTS.csv (published items).

Pure: imports nothing from Django. Used by ``yunying settle`` on files and by database imports,
so a file accepted here fits the database columns (at most 4 decimal places, 16 integer digits).
Every bad cell is reported with file, row (the line number in the file, header = 1) and column;
a file with any problem yields no rows. A UTF-8 byte-order mark is accepted.

    METRICS.csv  date,account,metric,value
    POSTS.csv    post_id,account,published_on,kind,likes

``account`` is a free key ("A", a Douyin id ...); it names the account inside the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from yunying.metrics.definitions import DERIVED, STORED

METRICS_COLUMNS = ("date", "account", "metric", "value")
POSTS_COLUMNS = ("post_id", "account", "published_on", "kind", "likes")
# The storage's limits (DailyMetric.value, PostFact fields), checked here so files and the
# database accept the same things.
VALUE_PLACES = 4
VALUE_INTEGER_DIGITS = 16
MAX_ACCOUNT = 64
MAX_POST_ID = 64
MAX_KIND = 16
MAX_LIKES = 2_147_483_647


@dataclass(frozen=True)
class MetricRow:
    """One daily value of one stored metric for one account."""

    date: dt.date
    account: str
    metric: str
    value: Decimal


@dataclass(frozen=True)
class PostRow:
    """One published item and the likes it had when the file was made."""

    post_id: str
    account: str
    published_on: dt.date
    kind: str
    likes: int


@dataclass(frozen=True)
class Problem:
    """One bad cell (or header column, row 1) of a file."""

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


class _Cells:
    """The cells of one row, recording a problem against its row and column on request."""

    def __init__(self, source: str, row: int, values: dict[str, str], problems: list[Problem]):
        self.source, self.row, self.values, self.problems = source, row, values, problems
        self.bad = False

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.source, self.row, column, message))
        self.bad = True

    def text(self, column: str, max_length: int) -> str:
        value = self.values[column]
        if not value:
            self.problem(column, "不能为空")
        elif len(value) > max_length:
            self.problem(column, f"最多 {max_length} 个字符：“{value}”")
        return value

    def date(self, column: str) -> dt.date:
        value = self.values[column]
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        self.problem(column, f"日期格式应为 YYYY-MM-DD：“{value}”")
        return dt.date.min


def _read(text: str, columns: tuple[str, ...], source: str) -> tuple[list[_Cells], list[Problem]]:
    """The data rows of a file whose header has exactly ``columns`` (in any order), and the
    problems found so far; the caller adds the problems of the cells to the same list.

    Header problems are raised at once (nothing else can be read); a row with a wrong number of
    cells is reported and skipped; empty rows (",,,," from spreadsheets) are skipped.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        raise FileFormatError([Problem(source, 1, columns[0], f"无法读取表头：{exc}")]) from None
    problems += [Problem(source, 1, c, "缺少该列") for c in columns if c not in header]
    problems += [Problem(source, 1, c, "未知的列") for c in header if c not in columns]
    problems += [Problem(source, 1, c, "该列重复") for i, c in enumerate(header) if c in header[:i]]
    if problems:
        raise FileFormatError(problems)
    rows: list[_Cells] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(source, reader.line_num, columns[0], f"CSV 格式错误：{exc}"))
            break
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            column = header[min(len(values), len(header) - 1)]
            message = f"这一行有 {len(values)} 个单元格，表头有 {len(header)} 列"
            problems.append(Problem(source, reader.line_num, column, message))
            continue
        cells = {name: value.strip() for name, value in zip(header, values, strict=True)}
        rows.append(_Cells(source, reader.line_num, cells, problems))
    return rows, problems


def _raise_if_any(problems: list[Problem]) -> None:
    if problems:
        raise FileFormatError(sorted(problems, key=lambda p: p.row))


def value_problem(value: Decimal, raw: object, *, signed: bool = False) -> str | None:
    """Why ``value`` (read from ``raw``) cannot be stored as a metric, or None when it can:
    the one statement of the column's limits for files, platform exports, forms and APIs."""
    if not value.is_finite():
        return f"不是数字：“{raw}”"
    if value < 0 and not signed:
        return f"不能为负数：“{raw}”"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > VALUE_PLACES:
        return f"最多 {VALUE_PLACES} 位小数：“{raw}”"
    if value.adjusted() >= VALUE_INTEGER_DIGITS:
        return f"整数部分最多 {VALUE_INTEGER_DIGITS} 位：“{raw}”"
    return None


def _value(cells: _Cells) -> Decimal:
    raw = cells.values["value"]
    try:
        value = Decimal(raw)
    except InvalidOperation:
        cells.problem("value", f"不是数字：“{raw}”")
        return Decimal(0)
    problem = value_problem(value, raw)
    if problem:
        cells.problem("value", problem)
    return value


def parse_metrics_csv(text: str, *, source: str = "METRICS.csv") -> list[MetricRow]:
    """The rows of a METRICS.csv; every problem of the file raised at once."""
    rows: list[MetricRow] = []
    seen: dict[tuple[dt.date, str, str], int] = {}
    cells_of_rows, problems = _read(text, METRICS_COLUMNS, source)
    for cells in cells_of_rows:
        day = cells.date("date")
        account = cells.text("account", MAX_ACCOUNT)
        metric = cells.values["metric"]
        if metric in DERIVED:
            cells.problem("metric", f"“{metric}”是计算得出的指标，不能导入")
        elif metric not in STORED:
            cells.problem("metric", f"未知指标“{metric}”，可选：{', '.join(sorted(STORED))}")
        value = _value(cells)
        if cells.bad:
            continue
        key = (day, account, metric)
        if key in seen:
            cells.problem("metric", f"与第 {seen[key]} 行重复（同一日期、账号和指标）")
            continue
        seen[key] = cells.row
        rows.append(MetricRow(day, account, metric, value))
    _raise_if_any(problems)
    return rows


def parse_posts_csv(text: str, *, source: str = "POSTS.csv") -> list[PostRow]:
    """The rows of a POSTS.csv; every problem of the file raised at once."""
    rows: list[PostRow] = []
    seen: dict[tuple[str, str], int] = {}
    cells_of_rows, problems = _read(text, POSTS_COLUMNS, source)
    for cells in cells_of_rows:
        post_id = cells.text("post_id", MAX_POST_ID)
        account = cells.text("account", MAX_ACCOUNT)
        day = cells.date("published_on")
        kind = cells.text("kind", MAX_KIND)
        raw = cells.values["likes"]
        likes = int(raw) if raw.isascii() and raw.isdigit() else -1
        if not 0 <= likes <= MAX_LIKES:
            cells.problem("likes", f"应为不大于 {MAX_LIKES} 的非负整数：“{raw}”")
        if cells.bad:
            continue
        key = (account, post_id)
        if key in seen:
            cells.problem("post_id", f"与第 {seen[key]} 行重复（同一账号和作品编号）")
            continue
        seen[key] = cells.row
        rows.append(PostRow(post_id, account, day, kind, likes))
    _raise_if_any(problems)
    return rows
