"""Background work for real: a Redis server, a Celery worker process, a task through the broker.

The production set-up in miniature: this process enqueues the certification sweep on Redis, a
separate worker process picks it up and writes to the same (test) database.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from yunying.notify.models import Notification

pytestmark = [pytest.mark.worker]

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [
            REDIS,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:

        def answers() -> bool:
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0

        wait_for(answers, 10, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def database_url() -> str:
    """The URL of the test database this process uses, for the worker to use too."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def worker(redis_url: str, tmp_path: Path, live_db: None) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yunying.settings",
        "CELERY_BROKER_URL": redis_url,
        "DATABASE_URL": database_url(),
        "YUNYING_VAULT_KEYS": settings.YUNYING_VAULT_KEYS,
        "YUNYING_DATA_DIR": str(tmp_path / "worker-data"),
        "YUNYING_SECRET_KEY": "worker-test",
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "yunying",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=settings.BASE_DIR,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        print((tmp_path / "worker.log").read_text()[-3000:])


def test_worker_process_runs_a_task_from_redis(worker: Any, redis_url: str) -> None:
    from yunying.core import demo

    demo.seed()
    Notification.objects.filter(kind="certification_expiry").delete()
    # Not the current app: shared tasks of later tests must keep resolving to ours (eager).
    probe = Celery("probe", broker=redis_url, set_as_current=False)
    probe.send_task("yunying.accounts.tasks.sweep_certification_expiry")

    def reminded() -> bool:
        return Notification.objects.filter(kind="certification_expiry").exists()

    wait_for(reminded, 90, "the worker to write the reminders")
    assert worker.poll() is None, "the worker died"
    note = Notification.objects.filter(kind="certification_expiry").first()
    assert note is not None
    expires = timezone.localdate() + timedelta(days=25)
    assert note.params["expires_on"] == expires.isoformat()
