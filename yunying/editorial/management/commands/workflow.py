"""``yunying workflow [--json]``: the editorial transition table, as the code enforces it."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yunying.editorial import workflow


class Command(BaseCommand):
    help = "Print the editorial workflow: every allowed transition and the roles that may make it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        table = workflow.as_table()
        if options["json"]:
            self.stdout.write(json.dumps(table, ensure_ascii=False, indent=2))
            return
        width = max(len(str(row["from"])) for row in table)
        for row in table:
            roles = ", ".join(row["roles"])  # type: ignore[arg-type]
            self.stdout.write(f"{row['from']:<{width}}  →  {row['to']:<17}  {roles}")
