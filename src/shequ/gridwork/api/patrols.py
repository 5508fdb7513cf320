"""Grid work API: patrols and their track."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..models import Patrol
from ..schemas import (
    GridworkListFilters,
    GridworkPatrolOut,
    GridworkPatrolPage,
    GridworkPatrolStartIn,
    GridworkPatrolStopIn,
    GridworkPointsIn,
    GridworkPointsOut,
    PatrolIdPath,
)
from .common import PATROL, grid_or_error, name_of, renamed, router


def patrol_out(p: Patrol) -> GridworkPatrolOut:
    count = getattr(p, "point_count", None)
    return GridworkPatrolOut(
        id=p.pk,
        key=p.key,
        grid_id=p.grid_id,
        grid_name=p.grid.name,
        worker_name=name_of(p.worker),
        started_at=p.started_at,
        ended_at=p.ended_at,
        notes=p.notes,
        distance_m=p.distance_m,
        point_count=count if count is not None else p.points.count(),
    )


@router.get("/patrols", response={200: GridworkPatrolPage, **ERRORS}, summary="巡查记录列表")
def list_patrols(request: HttpRequest, filters: Query[GridworkListFilters]) -> GridworkPatrolPage:
    qs = selectors.patrols_visible_to(request.user)
    if filters.grid_id is not None:
        qs = qs.filter(grid_id=filters.grid_id)
    qs = qs.order_by("-started_at", "-id")
    items = [patrol_out(p) for p in qs[filters.offset : filters.offset + filters.limit]]
    return GridworkPatrolPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.post(
    "/patrols",
    response={201: GridworkPatrolOut, 200: GridworkPatrolOut, **ERRORS},
    summary="开始巡查（带幂等键）",
)
def start_patrol(request: HttpRequest, payload: GridworkPatrolStartIn) -> Status[GridworkPatrolOut]:
    actor = request.user
    existing = selectors.own_record_by_key(actor, Patrol, payload.key)
    if existing is not None:
        return Status(200, patrol_out(selectors.patrol_for(actor, existing.pk)))
    errors: dict[str, str] = {}
    grid = grid_or_error(actor, payload.grid_id, errors)
    if errors:
        raise ValidationError(errors)
    try:
        patrol, created = services.patrol_start(
            actor=actor, key=payload.key, grid=grid, started_at=payload.started_at
        )
    except ValidationError as exc:
        raise renamed(exc, {"grid": "grid_id"}) from exc
    return Status(201 if created else 200, patrol_out(selectors.patrol_for(actor, patrol.pk)))


@router.get(
    "/patrols/{patrol_id}",
    response={200: GridworkPatrolOut, **ERRORS},
    summary="巡查详情",
    openapi_extra=PATROL,
)
def get_patrol(request: HttpRequest, patrol_id: PatrolIdPath) -> GridworkPatrolOut:
    return patrol_out(selectors.patrol_for(request.user, patrol_id))


@router.post(
    "/patrols/{patrol_id}/stop",
    response={200: GridworkPatrolOut, **ERRORS},
    summary="结束巡查（重复结束不报错）",
    openapi_extra=PATROL,
)
def stop_patrol(
    request: HttpRequest, patrol_id: PatrolIdPath, payload: GridworkPatrolStopIn
) -> GridworkPatrolOut:
    patrol = selectors.patrol_for(request.user, patrol_id)
    services.patrol_stop(actor=request.user, patrol=patrol, notes=payload.notes, ended_at=payload.ended_at)
    return patrol_out(selectors.patrol_for(request.user, patrol_id))


@router.post(
    "/patrols/{patrol_id}/points",
    response={200: GridworkPointsOut, **ERRORS},
    summary="上传巡查轨迹点（仅巡查进行中；每点带幂等键）",
    openapi_extra=PATROL,
)
def add_points(request: HttpRequest, patrol_id: PatrolIdPath, payload: GridworkPointsIn) -> GridworkPointsOut:
    patrol = selectors.patrol_for(request.user, patrol_id)
    added = services.track_points_add(
        actor=request.user,
        patrol=patrol,
        points=[services.PointInput(p.key, p.at, p.lat, p.lng, p.accuracy) for p in payload.points],
    )
    return GridworkPointsOut(patrol_id=patrol.pk, added=added)
