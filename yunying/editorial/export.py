"""The month's scores and bonus allocation as an Excel workbook (.xlsx), and the report it writes.

The page and the workbook show the same :class:`BonusReport`. The workbook is a document handed
to finance, so like settlement statements it is written in the product language (Chinese); the
page's text goes through the translation catalog. Numbers are stored as numbers with a number
format (amounts ``0.00``), dates as dates, so the sheet can be summed and sorted.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .bonus import Allocation

ALLOCATION_SHEET = "奖金分配"
DETAIL_SHEET = "评分明细"
AMOUNT = "0.00"
DATE = "yyyy-mm-dd"

CREDIT_RULE = (
    "计分规则：当月发布并已评分的每条内容，其文案和编辑各得该条的总分；"
    "同一人兼任只计一次。积分 = 总分之和。"
)
SHARE_RULE = (
    "分配规则：个人金额 = 奖金池 × 个人积分 ÷ 总积分，四舍五入到 0.01 元；"
    "舍入差额计入金额最大的一人，使各人金额之和正好等于奖金池。总积分为 0 时不分配。"
)
STATE_RULE = "已发布后撤下的内容不计入。"

ALLOCATION_HEADERS = ["姓名", "评分条数", "平均分", "积分", "分配金额（元）"]
DETAIL_HEADERS = ["发布日期", "客户", "标题", "文案", "编辑"]
DETAIL_TAIL = ["总分", "评分人", "评分时间", "评语"]


@dataclass(frozen=True)
class PersonRow:
    person_id: int
    name: str
    items: int
    points: Decimal
    average: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class ScoreRow:
    item_id: int
    published_on: dt.date
    client: str
    title: str
    author: str
    editor: str
    # criterion key → mark, as scored (the criteria snapshot of the score).
    marks: dict[str, Decimal]
    total: Decimal
    scorer: str
    scored_at: dt.datetime
    comment: str


@dataclass(frozen=True)
class BonusReport:
    """One month of scores and, given a pool, its allocation."""

    month: str
    people: list[PersonRow]
    scores: list[ScoreRow]
    # (key, label) of every criterion used by the month's scores, in order of first use.
    criteria: list[tuple[str, str]]
    total_points: Decimal
    allocation: Allocation[int] | None = None
    # The name of whoever received the rounding remainder.
    remainder_to: str = ""

    @property
    def pool(self) -> Decimal | None:
        return self.allocation.pool if self.allocation is not None else None

    @property
    def items(self) -> int:
        return len(self.scores)


def _row(sheet: Worksheet, values: Sequence[Any], formats: dict[int, str] | None = None) -> None:
    sheet.append(list(values))
    for column, number_format in (formats or {}).items():
        sheet.cell(row=sheet.max_row, column=column).number_format = number_format


def _bold_row(sheet: Worksheet) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _allocation_sheet(sheet: Worksheet, report: BonusReport) -> None:
    sheet.append([f"{report.month} 奖金分配"])
    sheet["A1"].font = Font(bold=True, size=14)
    _row(sheet, ["奖金池（元）", report.pool if report.pool is not None else "未填写"], {2: AMOUNT})
    _row(sheet, ["总积分", report.total_points], {2: AMOUNT})
    _row(sheet, ["评分条数", report.items])
    sheet.append([])
    sheet.append(ALLOCATION_HEADERS)
    _bold_row(sheet)
    for person in report.people:
        _row(
            sheet,
            [person.name, person.items, person.average, person.points, person.share],
            {3: AMOUNT, 4: AMOUNT, 5: AMOUNT},
        )
    allocated = report.allocation.allocated if report.allocation is not None else None
    _row(
        sheet,
        ["合计", sum(p.items for p in report.people), None, report.total_points, allocated],
        {4: AMOUNT, 5: AMOUNT},
    )
    _bold_row(sheet)
    sheet.append([])
    for text in (CREDIT_RULE, SHARE_RULE, STATE_RULE):
        sheet.append([text])
    if report.allocation is not None and report.allocation.remainder_to is not None:
        remainder = report.allocation.remainder
        sheet.append([f"本月舍入差额 {remainder} 元计入{report.remainder_to}。"])
    for column, width in zip("ABCDE", (18, 10, 10, 12, 16), strict=True):
        sheet.column_dimensions[column].width = width


def _detail_sheet(sheet: Worksheet, report: BonusReport) -> None:
    sheet.append([*DETAIL_HEADERS, *(label for _, label in report.criteria), *DETAIL_TAIL])
    _bold_row(sheet)
    first_mark = len(DETAIL_HEADERS) + 1
    total_column = first_mark + len(report.criteria)
    formats = {1: DATE, total_column: AMOUNT, total_column + 2: "yyyy-mm-dd hh:mm"}
    for row in report.scores:
        marks = [row.marks.get(key) for key, _ in report.criteria]
        _row(
            sheet,
            [
                row.published_on,
                row.client,
                row.title,
                row.author,
                row.editor,
                *marks,
                row.total,
                row.scorer,
                # Excel has no time zones: the local (Asia/Shanghai) wall-clock time.
                row.scored_at.replace(tzinfo=None),
                row.comment,
            ],
            formats,
        )
        sheet.cell(row=sheet.max_row, column=total_column + 3).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["C"].width = 36


def bonus_workbook(report: BonusReport) -> bytes:
    """The .xlsx file: sheet 奖金分配 (the table and its rules) and sheet 评分明细."""
    book = Workbook()
    allocation = book.active
    if allocation is None:  # pragma: no cover - a new workbook always has its first sheet
        allocation = book.create_sheet()
    allocation.title = ALLOCATION_SHEET
    _allocation_sheet(allocation, report)
    _detail_sheet(book.create_sheet(DETAIL_SHEET), report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
