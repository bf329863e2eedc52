"""Figures for the metrics store: a million daily rows imported, then one client's report.

Run: ``.venv/bin/python benchmarks/metrics.py [ACCOUNTS] [DAYS]`` (default 1,000 × 1,000) on a
throw-away SQLite database; set DATABASE_URL, the variable the settings read, to an empty
PostgreSQL database to measure there (COPY into a temporary table, then per batch a plain
INSERT when none of its accounts has stored rows, as in the first import, an upsert otherwise).
Fewer rows while iterating: ``benchmarks/metrics.py 200 500``.

1. Writes the long-format CSV (``date,account,metric,value``, accounts of 100 clients).
2. Imports it with ``yunying.metrics.bulk.import_long`` (what ``yunying metrics import-bulk``
   runs): rows per second.
3. Imports it again: the no-op re-import.
4. Builds one client's monthly report with all rows present: figures, HTML and PDF timed apart.
5. Prints the query plans of the dashboard's and the report's reads (EXPLAIN), and peak memory.

Prints figures; asserts nothing about time (aims: import above 50,000 rows/s on PostgreSQL, a
client's report under 2 s).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("YUNYING_DATA_DIR", tempfile.mkdtemp(prefix="yunying-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yunying.settings")
os.environ.setdefault("YUNYING_VAULT_KEYS", "Q2hhbmdlTWVDaGFuZ2VNZUNoYW5nZU1lQ2hhbmdlTWU=")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ACCOUNTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
DAYS = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
CLIENTS = max(ACCOUNTS // 10, 1)
FIRST_DAY = date(2026, 10, 31) - timedelta(days=DAYS - 1)
METRICS = ("reads", "followers_new", "likes", "plays")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed() -> tuple[object, list[object]]:
    from yunying.accounts.models import PlatformAccount
    from yunying.tenancy.models import Agency, Client

    agency = Agency.objects.create(name="bench agency", slug="bench", credit_code="BENCH")
    clients = Client.objects.bulk_create(
        Client(agency=agency, name=f"client {i:03d}") for i in range(CLIENTS)
    )
    PlatformAccount.objects.bulk_create(
        PlatformAccount(
            agency=agency,
            client=clients[i % CLIENTS],
            platform="douyin",
            platform_id=f"dy{i:05d}",
            display_name=f"account {i:05d}",
        )
        for i in range(ACCOUNTS)
    )
    return agency, clients


def write_csv(path: Path) -> int:
    """One row per account and day; the metric rotates so a client's report has several."""
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("date,account,metric,value\n")
        for day_index in range(DAYS):
            day = (FIRST_DAY + timedelta(days=day_index)).isoformat()
            for account in range(ACCOUNTS):
                metric = METRICS[(account + day_index) % len(METRICS)]
                out.write(
                    f"{day},douyin:dy{account:05d},{metric},{(account * 7 + day_index) % 997}\n"
                )
                rows += 1
    return rows


def timed_import(path: Path, agency: object) -> tuple[float, object]:
    from yunying.metrics import bulk
    from yunying.tenancy.scoping import SYSTEM

    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as lines:
        result = bulk.import_long(
            lines,
            agency=agency,
            actor=SYSTEM,
            source="file",
            filename=path.name,  # type: ignore[arg-type]
        )
    return time.perf_counter() - started, result


def main() -> None:
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    print(f"database: {vendor}; {ACCOUNTS} accounts × {DAYS} days, {CLIENTS} clients")
    agency, clients = seed()
    path = Path(tempfile.mkdtemp(prefix="yunying-bench-csv-")) / "metrics.csv"
    started = time.perf_counter()
    rows = write_csv(path)
    print(
        f"CSV written: {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB in "
        f"{time.perf_counter() - started:.1f} s"
    )

    elapsed, result = timed_import(path, agency)
    print(
        f"import: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s "
        f"(created {result.created:,}, updated {result.updated:,})"
    )  # type: ignore[attr-defined]
    elapsed, result = timed_import(path, agency)
    print(
        f"re-import (no change): {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s "
        f"(created {result.created:,}, updated {result.updated:,}, "  # type: ignore[attr-defined]
        f"unchanged {result.unchanged:,})"
    )  # type: ignore[attr-defined]
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE metrics_dailymetric")

    from yunying.reports import render
    from yunying.reports.figures import client_figures
    from yunying.settlement.engine import Month

    client = clients[0]
    month = Month(2026, 10)
    for attempt in ("cold", "warm"):
        started = time.perf_counter()
        figures = client_figures(client, month)  # type: ignore[arg-type]
        built = time.perf_counter()
        html = render.render_html(figures, None)
        rendered = time.perf_counter()
        render.html_to_pdf(html)
        done = time.perf_counter()
        print(
            f"report of one client ({attempt}, {len(figures.accounts)} accounts): figures "
            f"{built - started:.3f} s, HTML with charts {rendered - built:.3f} s, "
            f"PDF {done - rendered:.2f} s; total {done - started:.2f} s"
        )

    from yunying.accounts.models import PlatformAccount
    from yunying.metrics.models import DailyMetric

    ids = list(PlatformAccount.objects.filter(client=client).values_list("pk", flat=True))
    reads = DailyMetric.objects.filter(
        account_id__in=ids, date__range=(date(2026, 9, 1), date(2026, 10, 31))
    ).values_list("account_id", "metric", "date", "value")
    print("\nEXPLAIN of the report's and dashboard's read (one client, two months):")
    print(reads.explain())
    account_series = DailyMetric.objects.filter(
        account_id=ids[0], metric="reads", date__range=(date(2026, 10, 1), date(2026, 10, 31))
    )
    print("\nEXPLAIN of one account's series of one metric:")
    print(account_series.explain())
    print(f"\npeak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
