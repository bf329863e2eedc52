"""EVENTS.csv: the facts that are events (sessions, late check-ins, deliveries, payment notices).

Pure, like ``yunying.metrics.files``: columns ``date,kind,account,amount,ref``; ``account``,
``amount`` and ``ref`` may be empty where the kind does not need them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from yunying.metrics.files import FileFormatError, Problem
from yunying.settlement.engine import Event, EventKind

COLUMNS = ("date", "kind", "account", "amount", "ref")
NEEDS_AMOUNT = frozenset({EventKind.PAYMENT_NOTICE, EventKind.PAYMENT})
NEEDS_REF = frozenset(
    {EventKind.PAYMENT_NOTICE, EventKind.PAYMENT, EventKind.DELIVERY_DUE, EventKind.DELIVERED}
)


def parse_events_csv(text: str, *, source: str = "EVENTS.csv") -> list[Event]:
    """Every bad cell is reported with its row and column; nothing is returned then."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = tuple(reader.fieldnames or ())
    problems = [
        Problem(source, 1, column, "缺少该列") for column in COLUMNS if column not in header
    ] + [Problem(source, 1, column, "未知的列") for column in header if column not in COLUMNS]
    if problems:
        raise FileFormatError(problems)
    events = []
    for number, row in enumerate(reader, start=2):
        before = len(problems)
        try:
            day = dt.date.fromisoformat((row["date"] or "").strip())
        except ValueError:
            problems.append(
                Problem(source, number, "date", f"日期格式应为 YYYY-MM-DD：“{row['date']}”")
            )
        kind = (row["kind"] or "").strip()
        if kind not in EventKind.ALL:
            problems.append(
                Problem(
                    source,
                    number,
                    "kind",
                    f"未知事件“{kind}”，可选：{', '.join(sorted(EventKind.ALL))}",
                )
            )
        amount = None
        raw_amount = (row["amount"] or "").strip()
        if raw_amount:
            try:
                amount = Decimal(raw_amount)
                if not amount.is_finite() or amount < 0:
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(
                    Problem(source, number, "amount", f"金额应为非负数：“{raw_amount}”")
                )
        elif kind in NEEDS_AMOUNT:
            problems.append(Problem(source, number, "amount", f"{kind} 需要金额"))
        ref = (row["ref"] or "").strip()
        if not ref and kind in NEEDS_REF:
            problems.append(Problem(source, number, "ref", f"{kind} 需要编号 ref，用于配对"))
        if len(problems) == before:
            events.append(Event(day, kind, (row["account"] or "").strip(), amount, ref))
    if problems:
        raise FileFormatError(problems)
    return events
