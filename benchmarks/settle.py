"""Figures for the monthly settlement run: 10,000 signed contracts settled from the database.

Run: ``.venv/bin/python benchmarks/settle.py [N]`` (a throw-away SQLite database; set
DATABASE_URL, the variable the settings read, to an empty PostgreSQL database to measure there).
Each contract has the seed 002 KPI terms (two WeChat accounts, four KPIs, three tiers) and a
month of daily metrics per account, all bulk-inserted. Only ``run_month`` is timed. Prints
figures; asserts nothing about time (the aim is the whole run under 60 s on two cores).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("YUNYING_DATA_DIR", tempfile.mkdtemp(prefix="yunying-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yunying.settings")
os.environ.setdefault("YUNYING_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("YUNYING_VAULT_KEYS", "Q2hhbmdlTWVDaGFuZ2VNZUNoYW5nZU1lQ2hhbmdlTWU=")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

N_CONTRACTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
BATCH = 500
PERIOD = (date(2026, 10, 1), date(2026, 10, 31))


def terms(number: str) -> dict[str, object]:
    """Seed 002's KPI contract (examples/seed-002-kpi) under another number."""
    kpi = {"performance_pay": "300.00"}
    return {
        "schema": "yunying.terms/1",
        "id": number,
        "kind": "account_operation",
        "client": "bench client",
        "agency": "bench agency",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "accounts": {
            "A": {"platform": "wechat_oa", "name": "A"},
            "B": {"platform": "wechat_oa", "name": "B"},
        },
        "fees": {"fixed_monthly": "3000.00"},
        "kpis": [
            {"id": "a_growth", "account": "A", "metric": "followers_net_growth", "target": 400,
             "cap": 2.0, **kpi},
            {"id": "b_growth", "account": "B", "metric": "followers_net_growth", "target": 150,
             "cap": 2.0, **kpi},
            {"id": "a_calls", "account": "A", "metric": "calls_per_follower", "target": 0.005,
             **kpi},
            {"id": "b_calls", "account": "B", "metric": "calls_per_follower", "target": 0.004,
             **kpi},
        ],
        "settlement": {
            "tiers": [
                {"above": 0.70, "fixed_share": 1.0, "performance": True},
                {"above": 0.50, "fixed_share": 0.8, "performance": False},
                {"fixed_share": 0.0, "performance": False},
            ]
        },
        "windows": {"review_working_days": 3, "payment_day": 10},
    }  # fmt: skip


def seed(n: int) -> None:
    from yunying.accounts.models import PlatformAccount
    from yunying.contracts.models import Contract, ContractAccount, ContractVersion
    from yunying.metrics.models import DailyMetric
    from yunying.tenancy.models import Agency, Client
    from yunying.testing import build_world

    world = build_world()
    agency: Agency = world.alpha.agency
    admin = world.alpha.admin
    client: Client = world.alpha.clients[0].client
    days = [PERIOD[0] + timedelta(days=i) for i in range((PERIOD[1] - PERIOD[0]).days + 1)]
    tenant = {"agency": agency, "client": client}
    with transaction.atomic():
        accounts = PlatformAccount.objects.bulk_create(
            PlatformAccount(
                **tenant,
                platform="wechat_oa",
                oa_type="service",
                platform_id=f"bench-{i}",
                display_name=f"bench {i}",
            )
            for i in range(2 * n)
        )
        contracts = Contract.objects.bulk_create(
            Contract(
                **tenant,
                number=f"B-{i:05d}",
                title=f"bench {i}",
                kind="account_operation",
                status="signed",
                signed_on=date(2025, 12, 20),
                created_by=admin,
            )
            for i in range(n)
        )
        ContractVersion.objects.bulk_create(
            ContractVersion(
                **tenant,
                contract=c,
                number=1,
                effective_from=date(2026, 1, 1),
                terms=terms(c.number),
                created_by=admin,
            )
            for c in contracts
        )
        ContractAccount.objects.bulk_create(
            ContractAccount(**tenant, contract=c, key=key, account=accounts[2 * i + j])
            for i, c in enumerate(contracts)
            for j, key in enumerate("AB")
        )
        # A month of four daily metrics per account is 124 rows each: plain executemany, as
        # bulk_create would build millions of model instances first.
        table = DailyMetric._meta.db_table
        sql = (
            f"INSERT INTO {table} (agency_id, client_id, account_id, date, metric, value, source,"  # noqa: S608
            " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        )
        now = timezone.now()
        with connection.cursor() as cursor:
            for start in range(0, len(accounts), 1000):
                rows = []
                for k, account in enumerate(accounts[start : start + 1000]):
                    spread = (start + k) % 7  # so that contracts land in different tiers
                    for d, day in enumerate(days):
                        for metric, value in (
                            ("followers_new", 12 + spread),
                            ("followers_lost", 3 + (d % 3)),
                            ("calls", 1 + (d + spread) % 2),
                            ("followers_total", 8000 + 10 * d),
                        ):
                            rows.append(
                                (agency.pk, client.pk, account.pk, day, metric, str(value),
                                 "file", now)
                            )  # fmt: skip
                cursor.executemany(sql, rows)


def main() -> None:
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    print(f"database: {connection.vendor}, contracts: {N_CONTRACTS:,}, batch size: {BATCH}")
    started = time.perf_counter()
    seed(N_CONTRACTS)
    print(f"seeded (bulk inserts, not timed below) in {time.perf_counter() - started:7.1f} s")

    from yunying.settlement.engine import Month
    from yunying.settlement.runs import run_month

    month = Month(2026, 10)
    # Recording the SQL costs next to nothing here: a batch makes a few dozen queries.
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run_month(month, batch_size=BATCH)
        seconds = time.perf_counter() - started
    print(
        f"run_month: {result.settled:,} settled, {result.skipped} skipped, "
        f"{len(result.failed)} failed in {seconds:.1f} s "
        f"({result.settled / seconds:,.0f} contracts/s)"
    )
    if result.failed:
        print("first failure:", result.failed[0])
    batches = -(-N_CONTRACTS // BATCH)
    print(
        f"queries: {len(queries)} for {batches} batches of {BATCH} "
        f"({len(queries) / batches:.1f} per batch; SQLite splits bulk inserts at 999 parameters)"
    )


if __name__ == "__main__":
    main()
