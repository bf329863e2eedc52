"""``yunying workdays``: working-day arithmetic and calendar imports from the shell.

Exit codes: 0 success; 1 an import file with problems (each printed as ``location: message``;
nothing stored); 2 bad arguments, or a question that touches a year without holiday data (a
one-line message naming the year).

``import`` must name the operator with ``--as USERNAME`` (an active superuser): the import changes
national reference data for every agency, and the audit log records who did it. There is no
default identity on purpose.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yunying.tenancy.scoping import build_actor
from yunying.workdays import actions, services
from yunying.workdays.calendar import MissingCalendarYear
from yunying.workdays.forms import MAX_WORKING_DAYS
from yunying.workdays.importing import FORMATS, guess_format

USAGE_ERROR = 2
IMPORT_REFUSED = 1


def _usage(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _date(raw: str, what: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _usage(f"{what}: {raw!r} is not a date in the form YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "PRC working days: `add DATE N`, `between START END`, `is-workday DATE`, `years`, "
        "`import FILE --as USERNAME`."
    )
    # A calculator answers at once; the project checks run with migrate and the test suite.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        add = sub.add_parser("add", help="Print the date N working days after DATE.")
        add.add_argument("date", help="YYYY-MM-DD (not counted)")
        add.add_argument("n", help="working days; negative counts backwards")
        between = sub.add_parser(
            "between", help="Print the working days after START up to and including END."
        )
        between.add_argument("start", help="YYYY-MM-DD (not counted)")
        between.add_argument("end", help="YYYY-MM-DD (counted)")
        is_workday = sub.add_parser("is-workday", help="Print yes or no.")
        is_workday.add_argument("date", help="YYYY-MM-DD")
        sub.add_parser("years", help="List the years with data, their day counts and sources.")
        imp = sub.add_parser("import", help="Import holidays from a YAML or CSV file.")
        imp.add_argument("file", help="the file, or - for standard input")
        imp.add_argument("--format", choices=FORMATS, help="default: from the file name")
        imp.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the operator doing the import: an active superuser (required)",
        )
        imp.add_argument("--source", default="", help="e.g. the title of the notice")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        try:
            if subcommand == "add":
                self._add(options)
            elif subcommand == "between":
                start = _date(options["start"], "START")
                end = _date(options["end"], "END")
                self.stdout.write(str(services.working_days_between(start, end)))
            elif subcommand == "is-workday":
                day = _date(options["date"], "DATE")
                self.stdout.write("yes" if services.is_working_day(day) else "no")
            elif subcommand == "years":
                self._years()
            else:
                self._import(options)
        except MissingCalendarYear as exc:
            raise _usage(services.missing_year_message(exc.year)) from None

    def _add(self, options: dict[str, Any]) -> None:
        start = _date(options["date"], "DATE")
        try:
            n = int(options["n"])
        except ValueError:
            raise _usage(f"N: {options['n']!r} is not a whole number.") from None
        if abs(n) > MAX_WORKING_DAYS:
            raise _usage(f"N: at most {MAX_WORKING_DAYS} working days either way.")
        self.stdout.write(services.add_working_days(start, n).isoformat())

    def _years(self) -> None:
        from yunying.workdays.models import CalendarYear

        for row in CalendarYear.objects.all():
            self.stdout.write(f"{row.year}\t{row.day_count:3d} days\t{row.source}")

    def _import(self, options: dict[str, Any]) -> None:
        username = options["as_user"]
        if not username:
            raise _usage(
                "import needs --as USERNAME naming an active superuser: the audit log records "
                "who changed the calendar."
            )
        user = (
            get_user_model()
            .objects.filter(username=username, is_active=True, is_superuser=True)
            .first()
        )
        if user is None:
            raise _usage(f"--as {username}: no active superuser with that username.")
        path = options["file"]
        fmt = options["format"] or guess_format(path)
        if fmt is None:
            raise _usage(f"{path}: cannot tell the format from the name; add --format yaml|csv.")
        text = self._read(path)
        source = options["source"]
        started = timezone.now()
        try:
            rows = actions.import_calendar(text, fmt=fmt, actor=build_actor(user), source=source)
        except ValidationError as exc:
            problems = [
                f"{location}: {message}"
                for location, messages in exc.message_dict.items()
                for message in messages
            ]
            for line in problems:
                self.stderr.write(line)
            raise CommandError(
                f"{len(problems)} problem(s) in {path}; nothing was imported.",
                returncode=IMPORT_REFUSED,
            ) from None
        except PermissionDenied as exc:
            raise _usage(str(exc)) from None
        for row in rows:
            state = "imported" if row.imported_at >= started else "unchanged"
            self.stdout.write(f"{row.year}: {row.day_count} days, {state}")

    @staticmethod
    def _read(path: str) -> str:
        if path == "-":
            return sys.stdin.read()
        try:
            return Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise _usage(f"{path}: cannot read the file ({exc}).") from None
