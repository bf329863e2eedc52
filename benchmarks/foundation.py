"""Figures for the foundation: working-day arithmetic, audit append and verify, scoped lists.

Run: ``.venv/bin/python benchmarks/foundation.py`` (uses a throw-away SQLite database; set
DATABASE_URL to measure on PostgreSQL). Prints figures; asserts nothing about time.
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
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

N_CALLS = 100_000
N_AUDIT = 20_000
N_CLIENTS = 1_000


def timed(label: str, count: int, fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<48} {count:>8} in {seconds:7.3f} s  ({count / seconds:,.0f}/s)")
    return seconds


def main() -> None:
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    print(f"database: {connection.vendor}")

    from yunying.workdays.services import get_calendar

    calendar = get_calendar()
    start = date(2005, 1, 3)
    days = [start + timedelta(days=i % 7000) for i in range(N_CALLS)]
    timed(
        "add_working_days(d, 3)", N_CALLS, lambda: [calendar.add_working_days(d, 3) for d in days]
    )
    timed(
        "working_days_between(d, d + 400)",
        N_CALLS,
        lambda: [calendar.working_days_between(d, d + timedelta(days=400)) for d in days],
    )

    from yunying.audit.actions import record
    from yunying.audit.verify import verify
    from yunying.tenancy.scoping import SYSTEM

    timed(
        "audit record (one transaction each)",
        N_AUDIT,
        lambda: [record(actor=SYSTEM, action="bench.event", data={"i": i}) for i in range(N_AUDIT)],
    )
    timed("audit verify", N_AUDIT, verify)

    from yunying.tenancy.actions import create_client
    from yunying.testing import actor, build_world

    world = build_world()
    boss = actor(world.alpha.admin)
    timed(
        "create_client (audited)",
        N_CLIENTS,
        lambda: [create_client(actor=boss, name=f"bench client {i}") for i in range(N_CLIENTS)],
    )
    http = HttpClient()
    http.force_login(world.alpha.admin)
    for label, url in [
        ("GET /api/clients/ (page of 50 of 1,002)", "/api/clients/"),
        ("GET /clients/ page (50 rows)", "/clients/"),
        ("GET / admin home", "/"),
    ]:
        runs = 50
        seconds = timed(
            label, runs, lambda url=url, runs=runs: [http.get(url) for _ in range(runs)]
        )
        with CaptureQueriesContext(connection) as queries:
            http.get(url)
        print(f"{'':<48} {seconds / runs * 1000:7.1f} ms per request, {len(queries)} queries")


if __name__ == "__main__":
    main()
