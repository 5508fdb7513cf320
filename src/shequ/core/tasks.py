"""Background jobs of the kernel."""

from __future__ import annotations

import socket

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from .models import JobHeartbeat


@shared_task(name="shequ.core.tasks.heartbeat")
def heartbeat() -> str:
    """Proves the worker and the scheduler run: /healthz shows its age."""
    now = timezone.now()
    updated = JobHeartbeat.objects.filter(name="heartbeat").update(
        beat_at=now, hostname=socket.gethostname(), count=F("count") + 1
    )
    if not updated:
        JobHeartbeat.objects.create(name="heartbeat", beat_at=now, hostname=socket.gethostname(), count=1)
    return now.isoformat()


@shared_task(name="shequ.core.tasks.purge_expired_audit")
def purge_expired_audit() -> int:
    """Daily: remove audit entries past the configured retention (never younger than 183 days)."""
    from .audit_retention import audit_purge

    return audit_purge(actor=None).count
