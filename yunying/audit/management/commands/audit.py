"""``yunying audit verify``: recompute the hash chains and report the first broken link."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yunying.audit.verify import verify


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks every hash chain (exit 1 at the first broken link)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("verify", help="Recompute every chain; report the first break.")
        check.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify()
        total = sum(report.checked.values())
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": report.ok,
                        "checked": report.checked,
                        "break": None
                        if report.ok
                        else {
                            "chain": report.chain,
                            "seq": report.seq,
                            "entry_id": report.entry_id,
                            "problem": report.problem,
                        },
                    }
                )
            )
        elif report.ok:
            self.stdout.write(f"OK: {total} entries in {len(report.checked)} chains verified.")
        else:
            self.stdout.write(
                f"BROKEN: chain {report.chain}, entry {report.seq} (id {report.entry_id}): "
                f"{report.problem}"
            )
        if not report.ok:
            raise CommandError("audit chain broken", returncode=1)
