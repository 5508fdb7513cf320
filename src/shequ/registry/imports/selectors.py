"""Reads of import jobs: a job belongs to the area of its uploader's post; that area's staff see it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shequ.core.access import get_or_404

from ..access import registry_q
from ..models import ImportJob, Person


def jobs_visible_to(actor: Any, *, write: bool = False) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(registry_q(actor, "area", write=write)).select_related(
        "area", "created_by"
    )


def job_for(actor: Any, job_id: Any, *, write: bool = False) -> ImportJob:
    return get_or_404(jobs_visible_to(actor, write=write), pk=job_id)


def recent_jobs(actor: Any, limit: int = 20) -> list[ImportJob]:
    return list(jobs_visible_to(actor).order_by("-created_at", "-id")[:limit])


def imported_people(actor: Any, job: ImportJob, limit: int = 200) -> list[Person]:
    """The people a job created that the actor can see (the first ``limit``)."""
    from .. import selectors

    ids = [i for i in job.created_ids if isinstance(i, int)][:limit]
    return list(selectors.persons_visible_to(actor).filter(pk__in=ids).select_related("grid").order_by("id"))
