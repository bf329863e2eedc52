"""``yunying report monthly``: a client's monthly operations report as PDF (and HTML).

    yunying report monthly --client ID --month YYYY-MM --pdf OUT.pdf [--html OUT.html]

Reads the stored figures and the manager's text as they are now (nothing is published or
changed). Exit codes: 0 written; 2 bad input (unknown client, bad month, unwritable file).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yunying.core.pdf import RenderingUnavailable, html_to_pdf
from yunying.reports import render
from yunying.reports.figures import client_figures
from yunying.reports.models import MonthlyReport
from yunying.settlement.engine import Month
from yunying.tenancy.models import Client

BAD_INPUT = 2


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise _bad(f"无法写入 {path}：{exc.strerror or exc}") from None


class Command(BaseCommand):
    help = "Reports (monthly): write a client's monthly operations report."

    def add_arguments(self, parser: ArgumentParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        monthly = kinds.add_parser("monthly", help="the monthly operations report of a client")
        monthly.add_argument("--client", required=True, help="the client's id")
        monthly.add_argument("--month", required=True, help="YYYY-MM")
        monthly.add_argument("--pdf", required=True, help="where to write the PDF")
        monthly.add_argument("--html", help="also write the HTML here")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = Month.parse(options["month"])
        except ValueError as exc:
            raise _bad(f"--month：{exc}") from None
        raw = options["client"]
        client = Client.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if client is None:
            raise _bad(f"--client：找不到客户 {raw}")
        report = MonthlyReport.objects.filter(
            client=client, month=f"{month.year}-{month.month:02d}"
        ).first()
        figures = client_figures(client, month)
        html = render.render_html(figures, report)
        if options["html"]:
            _write(options["html"], html.encode())
        try:
            pdf = html_to_pdf(html)
        except RenderingUnavailable as exc:
            raise _bad(str(exc)) from None
        _write(options["pdf"], pdf)
        self.stdout.write(
            f"{client.name} {month.year}-{month.month:02d}：{len(figures.accounts)} 个账号，"
            f"{figures.post_count} 条作品，{len(figures.kpis)} 项考核指标 → {options['pdf']}"
        )
