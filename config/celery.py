"""Celery with beat. Redis when reachable; otherwise kombu's broker-less filesystem transport.

Never eager: deadlines, notifications and roll-ups really run in the demo.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("shequ")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


def broker_settings(settings: object) -> dict[str, object]:
    explicit = getattr(settings, "CELERY_BROKER_URL", "")
    if explicit:
        return {"broker_url": explicit}
    redis_url = getattr(settings, "REDIS_URL", "")
    if redis_url and _redis_reachable(redis_url):
        return {"broker_url": redis_url}
    folder = Path(getattr(settings, "VAR_DIR", "var")) / "broker"
    for sub in ("out", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(folder / "out"),
            "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
    }


@app.on_after_configure.connect
def _configure_broker(sender: Celery, **_: object) -> None:
    from django.conf import settings

    sender.conf.update(broker_settings(settings))
    # A separate queue lets several installations (or test runs) share one Redis safely.
    queue = os.environ.get("SHEQU_CELERY_QUEUE", "").strip()
    if queue:
        sender.conf.task_default_queue = queue
    sender.conf.beat_schedule = {
        "heartbeat": {
            "task": "shequ.core.tasks.heartbeat",
            "schedule": float(settings.SHEQU_HEARTBEAT_SECONDS),
        },
        "purge-expired-audit": {
            "task": "shequ.core.tasks.purge_expired_audit",
            "schedule": crontab(hour=3, minute=17),
        },
        "deliver-due-notifications": {
            "task": "shequ.integration.outbox.tasks.deliver_due_notifications",
            "schedule": 60.0,
        },
        "appeals-classify-pending": {
            "task": "shequ.appeals.tasks.classify_pending",
            "schedule": 10.0,
        },
        "appeals-deadline-sweep": {
            "task": "shequ.appeals.tasks.deadline_sweep",
            "schedule": crontab(minute="*/5"),
        },
        "retrain-classifier": {
            "task": "shequ.appeals.tasks.retrain_classifier",
            "schedule": crontab(hour=2, minute=40),
        },
    }


@beat_init.connect
def _first_heartbeat(sender: object, **_: object) -> None:
    """Send one heartbeat as the scheduler starts, so /healthz turns green without waiting a period."""
    app.send_task("shequ.core.tasks.heartbeat")


app.autodiscover_tasks()
