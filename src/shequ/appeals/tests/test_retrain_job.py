"""Retraining really runs as a background job: a Celery worker picks it up from the broker."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from shequ.accounts.roles import Role
from shequ.appeals.models import Category, ClassifierVersion
from shequ.appeals.services import record_dispatch_label

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 120


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}{port}/{quote(s['NAME'], safe='')}"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_queued_retraining_is_trained_and_activated_by_the_worker(
    personas: dict[str, Any], tmp_path: Path
) -> None:
    if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
        pytest.fail("the SQLite test database must be a file for the worker to share it")
    admin = personas[Role.CITY_ADMIN]
    record_dispatch_label(
        actor=admin, text="楼道里堆了好多杂物", category=Category.objects.get(code="HOU-PROP"), corrected=True
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "CELERY_BROKER_URL", "SHEQU_VAR_DIR", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_database_url(),
        SHEQU_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
        SHEQU_CELERY_QUEUE=f"test-appeals-{os.getpid()}",
    )
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    with (tmp_path / "worker.log").open("wb") as out:
        worker = subprocess.Popen(
            [*celery, "worker", "--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO",
             f"--hostname=appeals-{os.getpid()}@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        kwargs = json.dumps({"actor_id": admin.pk, "reason": "后台任务测试"})
        subprocess.run(
            [*celery, "call", "shequ.appeals.tasks.retrain_classifier", f"--kwargs={kwargs}"],
            cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        deadline = time.monotonic() + WAIT_SECONDS
        version = None
        while time.monotonic() < deadline and version is None:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
            version = ClassifierVersion.objects.filter(is_active=True).first()
            time.sleep(1)
        log = (tmp_path / "worker.log").read_text(errors="replace")
        assert version is not None, f"no version within {WAIT_SECONDS}s\n{log[-3000:]}"
        assert (version.version, version.learned_count, version.trained_by) == (1, 1, admin)
        assert version.eval_count >= 1000
        assert "shequ.appeals.tasks.retrain_classifier" in log
    finally:
        _stop(worker)
