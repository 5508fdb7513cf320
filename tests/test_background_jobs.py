"""Background jobs really run: a Celery worker and Celery beat against the test database.

The heartbeat task reaches the database through the real broker (Redis when ``REDIS_URL``
is given, otherwise kombu's filesystem transport in a folder of this test), and the live
server's /healthz then reports the jobs healthy.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from shequ.core.models import JobHeartbeat

pytestmark = pytest.mark.slow

WAIT_SECONDS = 90


def database_url() -> str:
    """A DATABASE_URL for the test database this process is using."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}{port}/{quote(s['NAME'], safe='')}"


def start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            argv, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_worker_and_beat_keep_healthz_green(transactional_db: Any, live_server: Any, tmp_path: Path) -> None:
    if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
        pytest.fail("the SQLite test database must be a file for the worker to share it")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "SHEQU_VAR_DIR", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database_url(),
        SHEQU_HEARTBEAT_SECONDS="5",
        SHEQU_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
        SHEQU_CELERY_QUEUE=f"test-jobs-{os.getpid()}",
    )
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    worker = start(
        [
            *celery,
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            f"--hostname=test-{os.getpid()}@%h",
        ],
        env,
        tmp_path / "worker.log",
    )
    beat = start(
        [*celery, "beat", "--loglevel=INFO", f"--schedule={tmp_path / 'beat-schedule'}"],
        env,
        tmp_path / "beat.log",
    )

    def logs() -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in tmp_path.glob("*.log")
        )

    try:
        deadline = time.monotonic() + WAIT_SECONDS
        beat_row = None
        # Two beats: the one sent when the scheduler starts, and one from the periodic schedule.
        while time.monotonic() < deadline:
            assert worker.poll() is None, f"the worker exited\n{logs()}"
            assert beat.poll() is None, f"beat exited\n{logs()}"
            beat_row = JobHeartbeat.objects.filter(name="heartbeat").first()
            if beat_row is not None and beat_row.count >= 2:
                break
            time.sleep(1)
        assert beat_row is not None, f"no heartbeat within {WAIT_SECONDS}s\n{logs()}"
        assert beat_row.count >= 2, f"the periodic heartbeat did not come\n{logs()}"

        with urllib.request.urlopen(f"{live_server.url}/healthz", timeout=10) as response:
            body = json.loads(response.read())
        assert body["status"] == "ok"
        assert body["jobs"]["ok"] is True
        assert body["jobs"]["count"] >= 2
        assert body["database"]["vendor"] == connection.vendor
        broker = "redis://" if os.environ.get("REDIS_URL") else "filesystem://"
        assert broker in (tmp_path / "worker.log").read_text(errors="replace")
    finally:
        stop(beat)
        stop(worker)
    assert worker.poll() is not None
    assert beat.poll() is not None
