"""`yunying check [--platform P] [--json] FILE|-`: the compliance check of a text file.

Exit status: 0 when nothing blocks publication, 1 when a finding blocks it, 2 on bad input (a
missing or unreadable file, text that is not UTF-8, an unknown platform).
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yunying.compliance.engine.scanner import blocking, scan
from yunying.compliance.engine.types import PLATFORMS

from ._output import write


def read_text(source: str) -> str:
    """The text of FILE, or of standard input for "-"; CommandError (exit 2) when unreadable."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {source}: {error.strerror}", returncode=2) from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{source} is not UTF-8 text (byte {error.start}); save it as UTF-8 and try again",
            returncode=2,
        ) from error


class Command(BaseCommand):
    help = "Check a text (a file, or - for standard input) against the compliance rules."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a UTF-8 text file, or - for stdin")
        parser.add_argument("--platform", choices=PLATFORMS, default="douyin")
        parser.add_argument("--json", action="store_true", help="print findings as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        text = read_text(options["file"])
        findings = scan(text, platform=options["platform"])
        write(findings, self.stdout, as_json=options["json"])
        if blocking(findings):
            sys.exit(1)
