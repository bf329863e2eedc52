"""Agency-wide imports of daily values in the long format, at database speed.

``date,account,metric,value`` with ``account`` written ``PLATFORM:PLATFORM_ID`` (the same key the
``--account`` option takes), any number of accounts of one agency in one file: what a data team
exports from its own warehouse. The file is streamed, each row checked as it goes by, and the
rows are written with one statement per batch: PostgreSQL loads them with ``COPY`` into a
temporary table and writes them with a plain ``INSERT`` when none of the batch's accounts has
stored rows (a first import), ``INSERT … ON CONFLICT DO UPDATE`` otherwise; SQLite takes
``executemany`` of the same upsert. The next batch is read in a thread meanwhile.
Either way the whole file is one transaction: a file with any problem writes nothing, and every
problem is reported with its row and column.

Re-importing the same file changes nothing: the upsert only touches rows whose value differs.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from yunying.accounts.models import PlatformAccount
from yunying.audit.actions import record
from yunying.tenancy.models import Agency
from yunying.tenancy.scoping import Actor

from .definitions import STORED_ORDER
from .files import METRICS_COLUMNS, VALUE_INTEGER_DIGITS, VALUE_PLACES, Problem, value_problem
from .models import DailyMetric

# Two batches are in memory at once (one written, the next read ahead); 100,000 rows were as
# fast as 200,000 and 40 MB smaller (measured on a million rows).
BATCH = 100_000
KEPT_PROBLEMS = 200
TABLE = "metrics_dailymetric"
METRIC_INDEX = {code: index for index, code in enumerate(STORED_ORDER)}


class BulkRejected(Exception):
    """The file had problems; nothing was written."""

    def __init__(self, result: BulkResult) -> None:
        super().__init__(f"{result.problem_count} problems")
        self.result = result


@dataclass
class BulkResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.rows - self.created - self.updated

    def problem(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(problem)


# A checked row: account id, client id, the date and the value as plain text (ISO date, a
# non-negative number within the column's digits), ready for COPY's text format or executemany.
Row = tuple[int, int, str, str, str]
# ASCII digits only: ``\d`` would pass other scripts' digits, which Decimal reads but the
# databases do not.
PLAIN_NUMBER = re.compile(rf"[0-9]{{1,{VALUE_INTEGER_DIGITS}}}(?:\.[0-9]{{1,{VALUE_PLACES}}})?")


def _check(
    source: str,
    number: int,
    cells: list[str],
    accounts: dict[str, tuple[int, int]],
    days: dict[str, tuple[str, int]],
    result: BulkResult,
) -> tuple[tuple[int, int], int, tuple[str, int], str] | None:
    """The slow path of :func:`_rows` for a row that is not plainly good: (account, metric index,
    date as ISO text and day number, value as plain text), or None with every problem reported."""
    raw_date, key, metric, raw_value = cells
    bad = False
    day = days.get(raw_date)
    if day is None:
        try:
            parsed = dt.date.fromisoformat(raw_date)
        except ValueError:
            result.problem(
                Problem(source, number, "date", f"日期格式应为 YYYY-MM-DD：“{raw_date}”")
            )
            bad = True
        else:
            day = days[raw_date] = (parsed.isoformat(), parsed.toordinal())
    found = accounts.get(key)
    if found is None:
        result.problem(Problem(source, number, "account", f"本服务商没有账号“{key}”"))
        bad = True
    index = METRIC_INDEX.get(metric)
    if index is None:
        result.problem(Problem(source, number, "metric", f"未知指标“{metric}”"))
        bad = True
    value = raw_value
    if not PLAIN_NUMBER.fullmatch(raw_value):
        # Anything but a plain number must still be a Decimal within the limits; it is then
        # written in plain notation.
        try:
            exact = Decimal(raw_value)
            if value_problem(exact, raw_value) is not None:
                raise InvalidOperation
            value = format(exact, "f")
        except InvalidOperation:
            message = f"应为不小于 0、最多 {VALUE_PLACES} 位小数的数：“{raw_value}”"
            result.problem(Problem(source, number, "value", message))
            bad = True
    if bad or day is None or found is None or index is None:
        return None
    return found, index, day, value


def _rows(
    lines: Iterable[str], source: str, accounts: dict[str, tuple[int, int]], result: BulkResult
) -> Iterator[Row]:
    """Checked rows; problems go to ``result``. The loop runs once a row (a million for a
    first import): a plainly good row costs four lookups and a regex, anything else goes to
    :func:`_check`, which names every problem of the row."""
    reader = csv.reader(lines)
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
    if header != list(METRICS_COLUMNS):
        expected = ",".join(METRICS_COLUMNS)
        result.problem(Problem(source, 1, "", f"表头应为 {expected}，收到 {','.join(header)}"))
        return
    seen: set[int] = set()
    # A file has few distinct dates: each is parsed once, kept as ISO text and day number.
    days: dict[str, tuple[str, int]] = {}
    plain = PLAIN_NUMBER.fullmatch
    for number, cells in enumerate(reader, start=2):
        if len(cells) != 4:
            if any(cell.strip() for cell in cells):
                result.problem(Problem(source, number, "", f"应有 4 个单元格，有 {len(cells)} 个"))
            continue
        raw_date, key, metric, value = cells
        day = days.get(raw_date)
        found = accounts.get(key)
        index = METRIC_INDEX.get(metric)
        if day is None or found is None or index is None or not plain(value):
            checked = _check(source, number, cells, accounts, days, result)
            if checked is None:
                continue
            found, index, day, value = checked
        # One int per key keeps a million keys in tens of megabytes.
        packed = (found[0] * 4_000_000 + day[1]) * 64 + index
        if packed in seen:
            result.problem(
                Problem(source, number, "metric", "与前面的行重复（同一日期、账号和指标）")
            )
            continue
        seen.add(packed)
        result.rows += 1
        yield found[0], found[1], day[0], metric, value


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_ahead(batches: Iterator[list[Row]]) -> Iterator[list[Row]]:
    """``batches``, the next one read and checked in a thread while the caller writes this one,
    so that Python and the database work at the same time (the thread touches no database)."""
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(next, batches, None)
        while (batch := pending.result()) is not None:
            pending = reader.submit(next, batches, None)
            yield batch


def _stored_accounts(agency_id: int) -> set[int]:
    """The agency's accounts, competitors' included, that have any stored value (one index
    probe per account)."""
    return set(
        PlatformAccount.tracked.filter(agency_id=agency_id)
        .filter(Exists(DailyMetric.objects.filter(account=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )


INSERT = f"""
    INSERT INTO {TABLE} (agency_id, client_id, account_id, date, metric, value, source, updated_at)
    SELECT %s, client_id, account_id, date, metric, value, %s, %s FROM metric_load
    -- In key order the indexes are written page by page, not at random.
    ORDER BY account_id, date, metric
"""  # noqa: S608 - the table name is our constant; values are parameters
MERGE = f"""
    WITH merged AS (
        {INSERT}
        ON CONFLICT (account_id, date, metric) DO UPDATE
            SET value = EXCLUDED.value, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
            WHERE {TABLE}.value IS DISTINCT FROM EXCLUDED.value
        RETURNING (xmax = 0) AS inserted
    )
    SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
"""  # noqa: S608 - as above


def _write_postgresql(agency_id: int, batches: Iterator[list[Row]], source: str) -> tuple[int, int]:
    now = timezone.now()
    created = updated = 0
    # The file's own keys are unique (checked), so only a row stored before the import can
    # conflict, and none is stored meanwhile (the accounts are locked, see import_long): a
    # batch of accounts without stored rows takes a plain INSERT, which spares the unique index
    # a probe before each insert.
    stored = _stored_accounts(agency_id)
    with connection.cursor() as cursor:
        # IF NOT EXISTS and TRUNCATE: an import inside a longer transaction (a second import in
        # it) finds the table of the first still there.
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS metric_load (account_id bigint,"
            " client_id bigint, date date, metric varchar(32), value numeric(20, 4))"
            " ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE metric_load")
        for batch in batches:
            raw = cursor.cursor  # psycopg 3's own cursor: COPY is not in the DB-API
            # COPY's text format written directly: every field is already checked text or a
            # number, none can hold a tab, newline or backslash.
            with raw.copy("COPY metric_load FROM STDIN") as copy:
                copy.write(
                    "".join(
                        f"{account}\t{client}\t{day}\t{metric}\t{value}\n"
                        for account, client, day, metric, value in batch
                    )
                )
            parameters = (agency_id, source, now)
            if stored.isdisjoint(row[0] for row in batch):
                cursor.execute(INSERT, parameters)
                created += cursor.rowcount
            else:
                cursor.execute(MERGE, parameters)
                new, changed = cursor.fetchone()
                created, updated = created + new, updated + changed
            cursor.execute("TRUNCATE metric_load")
    return created, updated


def _write_sqlite(agency_id: int, batches: Iterator[list[Row]], source: str) -> tuple[int, int]:
    now = timezone.now().isoformat()
    created = updated = 0
    sql = f"""
        INSERT INTO {TABLE}
            (agency_id, client_id, account_id, date, metric, value, source, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (account_id, date, metric) DO UPDATE
            SET value = excluded.value, source = excluded.source, updated_at = excluded.updated_at
            WHERE {TABLE}.value IS NOT excluded.value
    """  # noqa: S608 - the table name is our constant; values are parameters
    connection.ensure_connection()
    raw = connection.connection  # sqlite3's own connection: total_changes is not in the DB-API
    if raw is not None:
        for batch in batches:
            before_rows = raw.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]  # noqa: S608
            before_changes = raw.total_changes
            raw.executemany(
                sql,
                (
                    (agency_id, client, account, day, metric, value, source, now)
                    for account, client, day, metric, value in batch
                ),
            )
            touched = raw.total_changes - before_changes
            new = raw.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] - before_rows  # noqa: S608
            created, updated = created + new, updated + touched - new
    return created, updated


@transaction.atomic
def import_long(
    lines: Iterable[str], *, agency: Agency, actor: Actor, source: str, filename: str
) -> BulkResult:
    """Import a long-format file for ``agency``; raises :class:`BulkRejected` (having written
    nothing) when any row has a problem. One audit entry with the counts."""
    # Competitors' accounts too: their figures are kept like the client's own.
    rows = PlatformAccount.tracked.filter(agency=agency)
    if connection.vendor == "postgresql":
        # The accounts' rows locked once, where a foreign key would lock them row by row
        # (DailyMetric has none, see its docstring): none changes or goes while its figures are
        # written, and two imports of one agency take turns instead of colliding on the key.
        rows = rows.select_for_update(of=("self",), no_key=True)
    accounts = {
        f"{platform}:{platform_id}": (pk, client_id)
        for pk, client_id, platform, platform_id in rows.values_list(
            "pk", "client_id", "platform", "platform_id"
        )
    }
    result = BulkResult()
    batches = _read_ahead(_batches(_rows(lines, filename, accounts, result)))
    writer = _write_postgresql if connection.vendor == "postgresql" else _write_sqlite
    result.created, result.updated = writer(agency.pk, batches, source)
    if result.problem_count or not result.rows:
        if not result.problem_count:
            result.problem(Problem(filename, 1, "", "文件中没有数据行"))
        raise BulkRejected(result)  # leaving the atomic block rolls every batch back
    if result.created or result.updated:
        record(
            actor=actor,
            action="metrics.import_bulk",
            agency_id=agency.pk,
            data={
                "file": filename,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
            },
        )
    return result
