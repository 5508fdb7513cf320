"""Kernel pages: the health check."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and background-job status, for anyone: jobs are healthy when the heartbeat is fresh."""
    db_ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        db_ok = False
    jobs: dict[str, object] = {"ok": False, "heartbeat_at": None, "age_seconds": None, "count": 0}
    if db_ok:
        beat = selectors.job_heartbeat()
        if beat is not None:
            age = (timezone.now() - beat.beat_at).total_seconds()
            jobs = {
                "ok": age <= settings.SHEQU_HEARTBEAT_SECONDS * 3 + 10,
                "heartbeat_at": timezone.localtime(beat.beat_at).isoformat(),
                "age_seconds": round(age, 1),
                "count": beat.count,
                "worker": beat.hostname,
            }
    status = "ok" if db_ok and jobs["ok"] else "degraded"
    return JsonResponse(
        {"status": status, "database": {"ok": db_ok, "vendor": connection.vendor}, "jobs": jobs},
        status=200 if db_ok else 503,
    )
