"""`yunying check-name NAME [--json]`: an account name against the platforms' naming rules.

Exit status: 0 when no clause refuses the name, 1 when one does, 2 on bad input (an empty name).
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yunying.compliance.engine.names import check_name
from yunying.compliance.engine.scanner import blocking

from ._output import write


class Command(BaseCommand):
    help = "Check a proposed account name against the naming rules."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", metavar="NAME")
        parser.add_argument("--json", action="store_true", help="print findings as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError("the account name is empty", returncode=2)
        findings = check_name(name)
        write(findings, self.stdout, as_json=options["json"])
        if blocking(findings):
            sys.exit(1)
