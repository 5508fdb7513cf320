"""/healthz: database and background-job status, judged by the heartbeat's age."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shequ.core.models import JobHeartbeat


@pytest.fixture
def heartbeat_seconds(settings: Any) -> int:
    settings.SHEQU_HEARTBEAT_SECONDS = 30
    return 30


def test_no_heartbeat_is_degraded(client: Any, db: Any, heartbeat_seconds: int) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["jobs"]["ok"] is False
    assert body["jobs"]["heartbeat_at"] is None


def test_fresh_heartbeat_is_ok(client: Any, db: Any, heartbeat_seconds: int) -> None:
    JobHeartbeat.objects.create(
        name="heartbeat", beat_at=timezone.now() - timedelta(seconds=5), hostname="worker-1", count=7
    )
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["jobs"]["ok"] is True
    assert body["jobs"]["count"] == 7
    assert body["jobs"]["worker"] == "worker-1"
    assert 4 <= body["jobs"]["age_seconds"] <= 60


def test_stale_heartbeat_is_not_ok(client: Any, db: Any, heartbeat_seconds: int) -> None:
    # Three missed periods and more: the worker or the scheduler has stopped.
    JobHeartbeat.objects.create(
        name="heartbeat", beat_at=timezone.now() - timedelta(seconds=heartbeat_seconds * 3 + 60), count=3
    )
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["jobs"]["ok"] is False
    assert body["jobs"]["age_seconds"] > heartbeat_seconds * 3


def test_healthz_needs_no_login_and_is_not_cached(client: Any, db: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response.headers.get("Cache-Control", "") or "max-age=0" in response.headers.get(
        "Cache-Control", ""
    )
    assert client.post("/healthz").status_code == 405
