"""``yunying metrics import``: bring a platform export or our template into the store.

    yunying metrics import --mapping douyin --account douyin:dy_123 [--agency SLUG]
                           [--keep-good-rows] [--json] FILE
    yunying metrics import-bulk --agency SLUG [--json] FILE

``import-bulk`` takes the long format ``date,account,metric,value`` for any number of the
agency's accounts (``account`` = ``PLATFORM:PLATFORM_ID``), all or nothing, at database speed.

Prints the created, updated and unchanged counts of daily values, extras and posts, and every
rejected row with its row, column and reason. Exit codes: 0 imported; 1 imported the good rows
of a file with problems (``--keep-good-rows``); 2 bad input or a rejected file (nothing written).
The command acts as the system (whoever runs it holds the server); the import is audited.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from yunying.accounts.models import PlatformAccount
from yunying.metrics import actions, bulk, mappings
from yunying.metrics.choices import FactSource, ImportStatus
from yunying.metrics.models import ImportJob
from yunying.tenancy.models import Agency
from yunying.tenancy.scoping import SYSTEM

BAD_INPUT = 2
PARTLY = 1
KINDS = (("metrics", "每日指标"), ("extras", "平台附加数据"), ("posts", "作品"))


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _account(spec: str, agency: str | None) -> PlatformAccount:
    platform, sep, platform_id = spec.partition(":")
    if not sep or not platform or not platform_id:
        raise _bad(f"--account 应为 平台:平台账号ID（如 douyin:dy_123），收到“{spec}”")
    found = PlatformAccount.tracked.filter(platform=platform, platform_id=platform_id)
    if agency:
        found = found.filter(agency__slug=agency)
    accounts = list(found.select_related("agency", "client")[:2])
    if not accounts:
        raise _bad(f"找不到账号 {spec}" + (f"（服务商 {agency}）" if agency else ""))
    if len(accounts) > 1:
        raise _bad(f"多个服务商都有账号 {spec}，请用 --agency 指定")
    return accounts[0]


class Command(BaseCommand):
    help = "Import platform data files (import)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        bring = commands.add_parser("import", help="import a CSV or XLSX file")
        bring.add_argument("--mapping", required=True, help=", ".join(mappings.MAPPINGS))
        bring.add_argument("--account", required=True, help="PLATFORM:PLATFORM_ID")
        bring.add_argument("--agency", help="the agency's web name, when several have the id")
        bring.add_argument(
            "--keep-good-rows",
            action="store_true",
            help="write the good rows of a file with problems (default: all or nothing)",
        )
        bring.add_argument("--json", action="store_true", help="print JSON")
        bring.add_argument("file")
        bulk = commands.add_parser(
            "import-bulk", help="date,account,metric,value for many accounts"
        )
        bulk.add_argument("--agency", required=True, help="the agency's web name")
        bulk.add_argument("--json", action="store_true", help="print JSON")
        bulk.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "import-bulk":
            self.import_bulk(options)
            return
        account = _account(options["account"], options["agency"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _bad(f"无法读取文件 {path}：{exc.strerror or exc}") from None
        try:
            job = actions.create_import(
                actor=SYSTEM,
                account=account,
                mapping_name=options["mapping"],
                filename=path.name,
                data=data,
                keep_good_rows=options["keep_good_rows"],
            )
        except ValidationError as exc:
            lines = [f"--{k}：{'；'.join(v)}" for k, v in exc.message_dict.items()]
            raise _bad("\n".join(lines)) from None
        job = actions.run_import(job, actor=SYSTEM)
        self._print(job, as_json=options["json"])
        if job.status == ImportStatus.REJECTED:
            raise CommandError("文件未导入（没有写入任何数据）", returncode=BAD_INPUT)
        if job.problem_count:
            raise CommandError("部分行未导入", returncode=PARTLY)

    def _print(self, job: ImportJob, *, as_json: bool) -> None:
        if as_json:
            payload = {
                "status": job.status,
                "file": job.filename,
                "rows_read": job.rows_read,
                **{kind: job.result.get(kind) for kind, _name in KINDS},
                "rejected_rows": job.result.get("rejected_rows", 0),
                "problem_count": job.problem_count,
                "problems": job.problems,
                "extra_columns": job.result.get("extra_columns", []),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{job.filename}：读取 {job.rows_read} 行，{job.get_status_display()}")
        for kind, name in KINDS:
            counts = job.result.get(kind)
            if counts:
                self.stdout.write(
                    f"  {name}：新增 {counts['created']}，更新 {counts['updated']}，"
                    f"未变 {counts['unchanged']}"
                )
        for problem in job.problems:
            self.stdout.write(
                f"  第 {problem['row']} 行 {problem['column']} 列：{problem['message']}"
                f"（{problem['source']}）"
            )
        if job.problem_count > len(job.problems):
            self.stdout.write(f"  …… 共 {job.problem_count} 处问题")

    def import_bulk(self, options: dict[str, Any]) -> None:
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise _bad(f"--agency：找不到服务商 {options['agency']}")
        path = Path(options["file"])
        try:
            with path.open(encoding="utf-8-sig", newline="") as lines:
                result = bulk.import_long(
                    lines, agency=agency, actor=SYSTEM, source=FactSource.FILE, filename=path.name
                )
            status = "done"
        except OSError as exc:
            raise _bad(f"无法读取文件 {path}：{exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise _bad(f"{path}：请保存为 UTF-8 编码") from None
        except bulk.BulkRejected as rejected:
            result, status = rejected.result, "rejected"
        problems = [
            {"row": p.row, "column": p.column, "message": p.message} for p in result.problems
        ]
        if options["json"]:
            payload = {
                "status": status,
                "rows": result.rows,
                "created": result.created if status == "done" else 0,
                "updated": result.updated if status == "done" else 0,
                "unchanged": result.unchanged if status == "done" else 0,
                "problem_count": result.problem_count,
                "problems": problems,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        elif status == "done":
            self.stdout.write(
                f"{path.name}：{result.rows} 行，新增 {result.created}，更新 {result.updated}，"
                f"未变 {result.unchanged}"
            )
        else:
            for p in problems:
                self.stdout.write(f"  第 {p['row']} 行 {p['column']} 列：{p['message']}")
        if status == "rejected":
            raise CommandError("文件未导入（没有写入任何数据）", returncode=BAD_INPUT)
