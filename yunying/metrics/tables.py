"""Spreadsheets as plain tables: CSV (UTF-8 or GB18030) and XLSX (every sheet), row numbers kept.

Pure: imports nothing from Django. A platform export is read into :class:`Table` objects whose
rows keep the line (CSV) or row (XLSX) number people see in their spreadsheet program, so a
problem can be reported as "row 7, column 新关注人数". Cells stay as the reader gives them (text
from CSV; text, numbers, dates from XLSX); :mod:`yunying.metrics.mappings` interprets them.

Exports from Chinese back offices often carry a title line or two above the header, so the header
is the first of the first :data:`HEADER_SEARCH_ROWS` rows that a caller's predicate accepts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

Cell = str | int | float | dt.date | dt.datetime | None

# How far down a sheet the header may sit (title and note lines of back-office exports).
HEADER_SEARCH_ROWS = 10
XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    """The bytes are not a CSV or XLSX file we can read; the message says why, in Chinese."""


@dataclass
class Table:
    """One sheet (or the CSV file): its header and the data rows below it.

    ``source`` names the file and, for workbooks, the sheet (``data.xlsx!每日数据``);
    ``header_row`` is the header's row number; ``rows`` holds (row number, cells) pairs.
    """

    source: str
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, Sequence[Cell]]]


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _decode(data: bytes, filename: str) -> str:
    # Excel on Chinese Windows saves "CSV" in GB18030 (GBK); WPS and the platforms' own
    # exports use UTF-8, often with a byte-order mark. Nothing else is in use here.
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile(f"{filename}：无法识别文件编码，请另存为 UTF-8 编码的 CSV") from None


def _find_header(
    rows: Iterator[tuple[int, Sequence[Cell]]], is_header: Callable[[list[str]], bool]
) -> tuple[int, list[str]] | None:
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            return None
        header = ["" if is_blank(c) else str(c).strip() for c in cells]
        if is_header(header):
            return number, header
    return None


def _csv_rows(text: str) -> Iterator[tuple[int, Sequence[Cell]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableFile(f"第 {reader.line_num} 行：CSV 格式错误：{exc}") from None
        yield reader.line_num, cells


def _xlsx_rows(sheet: object) -> Iterator[tuple[int, Sequence[Cell]]]:
    yield from enumerate(sheet.iter_rows(values_only=True), start=1)  # type: ignore[attr-defined]


def read_tables(
    data: bytes, filename: str, is_header: Callable[[list[str]], bool]
) -> tuple[list[Table], list[str]]:
    """The tables of a file and the names of sheets (or the file) where no header was found.

    XLSX is recognised by its content, not its name. A workbook yields a table per sheet with a
    header; a sheet without one is named in the second list so the caller can say so.
    """
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, filename, is_header)
    rows = _csv_rows(_decode(data, filename))
    found = _find_header(rows, is_header)
    if found is None:
        return [], [filename]
    return [Table(filename, found[1], found[0], rows)], []


def _read_xlsx(
    data: bytes, filename: str, is_header: Callable[[list[str]], bool]
) -> tuple[list[Table], list[str]]:
    # openpyxl is imported here so the CSV path and the settle command do not pay for it.
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(f"{filename}：不是可读取的 XLSX 文件（{exc}）") from None
    tables: list[Table] = []
    missing: list[str] = []
    for sheet in book.worksheets:
        source = f"{filename}!{sheet.title}"
        rows = _xlsx_rows(sheet)
        found = _find_header(rows, is_header)
        if found is None:
            missing.append(source)
        else:
            tables.append(Table(source, found[1], found[0], rows))
    return tables, missing
