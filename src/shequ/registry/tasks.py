"""Background jobs of the registry: checking and importing large rosters."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="shequ.registry.tasks.check_import")
def check_import(job_id: int) -> None:
    """The dry run of a large roster; progress saved on the job as it goes."""
    from .imports.jobs import fail_unexpected, run_check

    try:
        run_check(job_id)
    except Exception:
        log.exception("import job %s: check failed", job_id)
        fail_unexpected(job_id)
        raise


@shared_task(name="shequ.registry.tasks.run_import")
def run_import(job_id: int) -> None:
    """The import of a confirmed large roster, batch by batch."""
    from .imports.jobs import fail_unexpected
    from .imports.jobs import run_import as run

    try:
        run(job_id)
    except Exception:
        log.exception("import job %s: import failed", job_id)
        fail_unexpected(job_id)
        raise
