"""``yunying settle``: settle a month from files, or run the monthly settlement on the database.

From files (no database needed), to check a contract by hand::

    yunying settle --terms TERMS.yaml --metrics METRICS.csv [--posts POSTS.csv]
                   [--events EVENTS.csv] --period 2026-10 [--statement-date D] [--json]

On the database, every signed contract without a statement for the month gets a draft one::

    yunying settle --period 2026-10

Exit codes: 0 settled; 1 the database run could not settle some contracts (each is listed);
2 bad input (a one-line-per-problem message, never a traceback).
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yunying.contracts import terms as terms_module
from yunying.metrics.files import FileFormatError, parse_metrics_csv, parse_posts_csv
from yunying.settlement import engine
from yunying.settlement.events import parse_events_csv

BAD_INPUT = 2
SOME_FAILED = 1


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _read(path: str | None, what: str) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _bad(f"{what} 文件不存在：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(f"{what} 文件无法读取（应为 UTF-8 文本）：{path}：{exc}") from None


class Command(BaseCommand):
    help = (
        "Settle one month: from files (--terms ...) or for every signed contract in the database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--terms", help="terms YAML (yunying.terms/1)")
        parser.add_argument("--metrics", help="METRICS.csv: date,account,metric,value")
        parser.add_argument("--posts", help="POSTS.csv: post_id,account,published_on,kind,likes")
        parser.add_argument("--events", help="EVENTS.csv: date,kind,account,amount,ref")
        parser.add_argument("--statement-date", help="YYYY-MM-DD; default the period's last day")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = engine.Month.parse(options["period"])
        except ValueError as exc:
            raise _bad(f"--period：{exc}") from None
        statement_date = None
        if options["statement_date"]:
            try:
                statement_date = dt.date.fromisoformat(options["statement_date"])
            except ValueError:
                raise _bad("--statement-date：日期格式应为 YYYY-MM-DD") from None
        if options["terms"] is None:
            if options["metrics"] or options["posts"] or options["events"]:
                raise _bad("--metrics、--posts、--events 需与 --terms 一起使用")
            self.run_database(month, statement_date, as_json=options["json"])
            return
        if options["metrics"] is None:
            raise _bad("按文件结算需要 --metrics")
        statement = self.settle_files(options, month, statement_date)
        if options["json"]:
            self.stdout.write(json.dumps(statement.as_json(), ensure_ascii=False, indent=2))
        else:
            self.print_statement(statement)

    def settle_files(
        self, options: dict[str, Any], month: engine.Month, statement_date: dt.date | None
    ) -> engine.Statement:
        terms_text = _read(options["terms"], "--terms") or ""
        try:
            terms = terms_module.load_yaml(terms_text)
        except terms_module.TermsError as exc:
            raise _bad(f"{options['terms']} 有 {len(exc.errors)} 处错误：\n{exc}") from None
        try:
            facts = engine.Facts(
                metrics=parse_metrics_csv(
                    _read(options["metrics"], "--metrics") or "", source=options["metrics"]
                ),
                posts=parse_posts_csv(
                    _read(options["posts"], "--posts") or "", source=options["posts"]
                )
                if options["posts"]
                else (),
                events=parse_events_csv(
                    _read(options["events"], "--events") or "", source=options["events"]
                )
                if options["events"]
                else (),
            )
        except FileFormatError as exc:
            raise _bad(str(exc)) from None
        try:
            return engine.settle(
                terms,
                month,
                facts,
                statement_date=statement_date,
                add_working_days=_working_days,
            )
        except engine.SettlementError as exc:
            raise _bad(str(exc)) from None

    def print_statement(self, statement: engine.Statement) -> None:
        self.stdout.write(f"合同 {statement.contract}  期间 {statement.period}")
        if statement.overall_attainment is not None:
            self.stdout.write(f"总体达成率 {engine.plain(statement.overall_attainment)}")
        for line in statement.lines:
            self.stdout.write(f"{line.code:<28} {line.amount:>14,.2f}  {line.description}")
            self.stdout.write(f"    {line.formula}")
        for notice in statement.notices:
            self.stdout.write(f"注意：{notice}")
        self.stdout.write(f"{'合计':<26} {statement.total:>14,.2f}")

    def run_database(
        self, month: engine.Month, statement_date: dt.date | None, *, as_json: bool
    ) -> None:
        from yunying.settlement.runs import run_month

        result = run_month(month, statement_date=statement_date)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "period": str(month),
                        "settled": result.settled,
                        "skipped": result.skipped,
                        "failed": [{"contract": c, "reason": r} for c, r in result.failed],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            self.stdout.write(
                f"{month}：新结算 {result.settled} 份，不在合同期内跳过 {result.skipped} 份，"
                f"失败 {len(result.failed)} 份"
            )
            for number, reason in result.failed:
                self.stdout.write(f"  {number}：{reason}")
        if result.failed:
            raise CommandError(f"{len(result.failed)} 份合同未能结算", returncode=SOME_FAILED)


def _working_days(day: dt.date, n: int) -> dt.date:
    """One-off fees fall due in working days; the calendar lives in the database."""
    from yunying.workdays import services
    from yunying.workdays.calendar import MissingCalendarYear

    try:
        return services.add_working_days(day, n)
    except MissingCalendarYear as exc:
        raise engine.SettlementError(str(exc)) from None
