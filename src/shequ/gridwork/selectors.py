"""Reads of grid work, scoped to the acting user.

A grid worker or grid leader sees their grid(s); community, street and district staff see
their subtree (area posts only, as for the registry: :func:`shequ.registry.access.registry_q`).
An id outside that answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from shequ.core.access import get_or_404
from shequ.core.models import Area, AreaLevel
from shequ.registry.access import registry_q
from shequ.registry.models import Building, Household, Membership, Place

from . import policy
from .models import (
    ChecklistTemplate,
    CheckResult,
    Finding,
    FindingStatus,
    HazardCheck,
    Need,
    NeedStatus,
    Patrol,
    Photo,
    Visit,
)

# --------------------------------------------------------------------------- grids and registry


def grids_for(actor: Any, *, write: bool = False) -> QuerySet[Area]:
    today = timezone.localdate()
    return (
        Area.objects.filter(level=AreaLevel.GRID)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(registry_q(actor, "", write=write))
        .order_by("path")
    )


def grid_for(actor: Any, grid_id: Any, *, write: bool = True) -> Area | None:
    """A grid named in a request body: ``None`` when unknown or out of reach (the same answer)."""
    try:
        return grids_for(actor, write=write).filter(pk=int(grid_id)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def _in_reach(qs: QuerySet[Any], actor: Any, pk: Any) -> Any:
    try:
        return qs.filter(registry_q(actor, write=True)).filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def household_in_reach(actor: Any, pk: Any) -> Household | None:
    return _in_reach(Household.objects.select_related("grid"), actor, pk)


def place_in_reach(actor: Any, pk: Any) -> Place | None:
    return _in_reach(Place.objects.all(), actor, pk)


def building_in_reach(actor: Any, pk: Any) -> Building | None:
    return _in_reach(Building.objects.all(), actor, pk)


def person_of_household(household: Household, pk: Any) -> Any:
    try:
        membership = (
            Membership.objects.filter(household=household, valid_to__isnull=True, person_id=int(pk))
            .select_related("person")
            .first()
        )
    except (TypeError, ValueError, OverflowError):
        return None
    return membership.person if membership else None


def household_choices(actor: Any, grids: list[Area]) -> list[dict[str, Any]]:
    """Households of the actor's writable grids for the visit form (masked address, head name)."""
    rows = (
        Household.objects.filter(grid__in=grids, moved_out_on__isnull=True)
        .filter(registry_q(actor, write=True))
        .select_related("head", "grid")
        .order_by("grid__path", "id")
    )
    return [
        {"id": h.pk, "grid_id": h.grid_id, "label": f"{h.head.name if h.head else h} · {h.address or ''}"}
        for h in rows
    ]


def templates_with_items() -> list[ChecklistTemplate]:
    from .models import ChecklistItem

    items = ChecklistItem.objects.filter(active=True).order_by("order", "id")
    return list(
        ChecklistTemplate.objects.filter(active=True).prefetch_related(Prefetch("items", queryset=items))
    )


# --------------------------------------------------------------------------- records


def visits_visible_to(actor: Any) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(registry_q(actor))
        .select_related("grid", "household", "household__head", "worker", "person")
        .annotate(need_count=Count("needs", distinct=True), photo_count=Count("photos", distinct=True))
    )


def visit_for(actor: Any, visit_id: Any) -> Visit:
    return get_or_404(visits_visible_to(actor), pk=visit_id)


def checks_visible_to(actor: Any) -> QuerySet[HazardCheck]:
    fails = CheckResult.objects.filter(check_record=OuterRef("pk"), result="fail")
    return (
        HazardCheck.objects.filter(registry_q(actor))
        .select_related("grid", "worker", "place", "building", "household")
        .annotate(
            finding_count=Count("findings", distinct=True),
            has_fail=Exists(fails),
        )
    )


def check_for(actor: Any, check_id: Any) -> HazardCheck:
    return get_or_404(checks_visible_to(actor), pk=check_id)


def check_results(check: HazardCheck) -> list[CheckResult]:
    return list(check.results.select_related("item__template"))


def findings_visible_to(actor: Any) -> QuerySet[Finding]:
    return Finding.objects.filter(registry_q(actor)).select_related(
        "grid", "item", "check_record", "rectified_by", "verified_by"
    )


def finding_for(actor: Any, finding_id: Any) -> Finding:
    return get_or_404(findings_visible_to(actor), pk=finding_id)


def finding_list(
    actor: Any, *, status: str | None = None, grid_id: int | None = None, overdue: bool = False
) -> QuerySet[Finding]:
    qs = findings_visible_to(actor)
    if status:
        qs = qs.filter(status=status)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if overdue:
        qs = qs.filter(status=FindingStatus.OPEN, due_on__lt=timezone.localdate())
    return qs.order_by("due_on", "id")


def needs_visible_to(actor: Any) -> QuerySet[Need]:
    return Need.objects.filter(registry_q(actor)).select_related("grid", "visit", "referred_by")


def need_for(actor: Any, need_id: Any) -> Need:
    return get_or_404(needs_visible_to(actor), pk=need_id)


def open_needs(actor: Any) -> QuerySet[Need]:
    return needs_visible_to(actor).filter(status=NeedStatus.OPEN).order_by("-created_at", "-id")


def patrols_visible_to(actor: Any) -> QuerySet[Patrol]:
    return (
        Patrol.objects.filter(registry_q(actor))
        .select_related("grid", "worker")
        .annotate(point_count=Count("points"))
    )


def patrol_for(actor: Any, patrol_id: Any) -> Patrol:
    return get_or_404(patrols_visible_to(actor), pk=patrol_id)


def open_patrol(actor: Any) -> Patrol | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Patrol.objects.filter(worker=actor, ended_at__isnull=True).select_related("grid").first()


def photos_visible_to(actor: Any) -> QuerySet[Photo]:
    return Photo.objects.filter(registry_q(actor))


def photo_for(actor: Any, photo_id: Any) -> Photo:
    return get_or_404(photos_visible_to(actor), pk=photo_id)


# --------------------------------------------------------------------------- the worker's day


@dataclass
class DueHousehold:
    household: Household
    last_visit: Any


def visits_due(actor: Any, *, on: date | None = None, limit: int = 50) -> tuple[list[DueHousehold], int]:
    """Households of the actor's grids not visited within ``policy.VISIT_DUE_DAYS`` days, oldest first."""
    on = on or timezone.localdate()
    since = timezone.make_aware(datetime.combine(on - timedelta(days=policy.VISIT_DUE_DAYS), time.min))
    recent = Visit.objects.filter(household=OuterRef("pk"), visited_at__gte=since)
    qs = (
        Household.objects.filter(registry_q(actor), moved_out_on__isnull=True)
        .exclude(Exists(recent))
        .select_related("grid", "head")
    )
    total = qs.count()
    rows = list(qs.order_by("grid__path", "id")[:limit])
    last = dict(
        Visit.objects.filter(household__in=rows)
        .values_list("household_id")
        .annotate(last=Max("visited_at"))
        .values_list("household_id", "last")
    )
    return [DueHousehold(h, last.get(h.pk)) for h in rows], total


def day_summary(actor: Any) -> dict[str, Any]:
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    due, due_total = visits_due(actor, on=today, limit=20)
    findings = list(
        findings_visible_to(actor).filter(status=FindingStatus.OPEN).order_by("due_on", "id")[:20]
    )
    return {
        "today": today,
        "due": due,
        "due_total": due_total,
        "due_days": policy.VISIT_DUE_DAYS,
        "findings": findings,
        "findings_total": findings_visible_to(actor).filter(status=FindingStatus.OPEN).count(),
        "visits_today": Visit.objects.filter(registry_q(actor), worker=actor, visited_at__gte=start).count(),
        "checks_today": HazardCheck.objects.filter(
            registry_q(actor), worker=actor, checked_at__gte=start
        ).count(),
        "patrol": open_patrol(actor),
    }


def places_for_grids(actor: Any, grids: list[Area]) -> QuerySet[Place]:
    return (
        Place.objects.filter(grid__in=grids).filter(registry_q(actor, write=True)).order_by("grid_id", "name")
    )


def can_write(actor: Any, grid: Area) -> bool:
    from shequ.registry.access import reaches

    return reaches(actor, grid, write=True)


def own_record_by_key(actor: Any, model: Any, key: Any) -> Any:
    """The actor's own visit, check or patrol submitted earlier with idempotency ``key``, or None."""
    return model.objects.filter(key=key, worker_id=getattr(actor, "pk", None)).first()
