"""``yunying serve``: the web server and a background worker (with its scheduler) together.

On the embedded default the worker reads kombu's filesystem queue under the data directory, so
nothing else has to run. In production, run gunicorn and ``celery -A yunying worker`` /
``celery -A yunying beat`` as separate services instead (see docs/architecture.md).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and a Celery worker with the beat scheduler until interrupted."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        bind = f"{options['host']}:{options['port']}"
        commands = [
            [
                python,
                "-m",
                "gunicorn",
                "yunying.wsgi",
                "--bind",
                bind,
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
            ],
        ]
        if not options["no_worker"]:
            commands.append(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "yunying",
                    "--quiet",
                    "worker",
                    "--beat",
                    "--loglevel",
                    "WARNING",
                    "--concurrency",
                    "1",
                    "--schedule",
                    settings.CELERY_BEAT_SCHEDULE_FILENAME,
                ]
            )
        processes = [subprocess.Popen(cmd) for cmd in commands]  # noqa: S603 - our own argv
        self._wait_for_port(options["host"], options["port"], processes)
        self.stdout.write(self.style.SUCCESS(f"Yunying is running at http://{bind}/"))
        self.stdout.write("Press Ctrl-C to stop.")
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for p in processes:
                if p.poll() is None:
                    p.terminate()
            for p in processes:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
        failed = [p for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            raise SystemExit(1)

    @staticmethod
    def _wait_for_port(host: str, port: int, processes: list[subprocess.Popen[bytes]]) -> None:
        """Announce the URL only once the web server answers (or give up after a minute)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and all(p.poll() is None for p in processes):
            with socket.socket() as probe:
                if probe.connect_ex((host, port)) == 0:
                    return
            time.sleep(0.2)
