"""Registry API: courtyards, natural villages, and a building's rooms."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..models import Courtyard, NaturalVillage, Room
from ..schemas import BuildingIdPath, HistoryOut
from ..schemas_elements import (
    CourtyardIdPath,
    CourtyardIn,
    CourtyardOut,
    CourtyardPage,
    CourtyardPatch,
    ElementFilters,
    RoomIn,
    RoomOut,
    RoomPage,
    RoomPageFilters,
    RoomsGenerateIn,
    RoomsGenerateOut,
    VillageIdPath,
    VillageIn,
    VillageOut,
    VillagePage,
    VillagePatch,
)
from .common import BUILDING, _grid, _history, _renamed, router

COURTYARD = {"x-scoped-model": "registry.Courtyard"}
VILLAGE = {"x-scoped-model": "registry.NaturalVillage"}
GRID_NAMES = {"grid": "grid_id"}


def _grid_values(actor: Any, values: dict[str, Any]) -> dict[str, Any]:
    """A patch body's values with ``grid_id`` resolved to a writable grid (400 on the field if not)."""
    values = {k: v for k, v in values.items() if v is not None}
    if "grid_id" in values:
        errors: dict[str, str] = {}
        values["grid"] = _grid(actor, values.pop("grid_id"), errors)
        if errors:
            raise ValidationError(errors)
    return values


# --------------------------------------------------------------------------- courtyards


def _courtyard_out(c: Courtyard) -> CourtyardOut:
    count = getattr(c, "household_count", None)
    if count is None:
        count = c.households.filter(moved_out_on__isnull=True).count()
    return CourtyardOut(id=c.pk, grid_id=c.grid_id, grid_name=c.grid.name, name=c.name, household_count=count)


@router.get("/registry/courtyards", response={200: CourtyardPage, **ERRORS}, summary="院落列表")
def list_courtyards(request: HttpRequest, filters: Query[ElementFilters]) -> CourtyardPage:
    qs = selectors.courtyard_list(request.user, grid_id=filters.grid_id, q=filters.q)
    items = [_courtyard_out(c) for c in qs[filters.offset : filters.offset + filters.limit]]
    return CourtyardPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.post("/registry/courtyards", response={201: CourtyardOut, **ERRORS}, summary="新增院落")
def create_courtyard(request: HttpRequest, payload: CourtyardIn) -> Status[CourtyardOut]:
    errors: dict[str, str] = {}
    grid = _grid(request.user, payload.grid_id, errors)
    if errors:
        raise ValidationError(errors)
    try:
        courtyard = services.courtyard_create(actor=request.user, grid=grid, name=payload.name)
    except ValidationError as exc:
        raise _renamed(exc, GRID_NAMES) from exc
    return Status(201, _courtyard_out(courtyard))


@router.get(
    "/registry/courtyards/{courtyard_id}",
    response={200: CourtyardOut, **ERRORS},
    summary="院落详情",
    openapi_extra=COURTYARD,
)
def get_courtyard(request: HttpRequest, courtyard_id: CourtyardIdPath) -> CourtyardOut:
    return _courtyard_out(selectors.courtyard_or_404(request.user, courtyard_id))


@router.patch(
    "/registry/courtyards/{courtyard_id}",
    response={200: CourtyardOut, **ERRORS},
    summary="修改院落",
    openapi_extra=COURTYARD,
)
def update_courtyard(
    request: HttpRequest, courtyard_id: CourtyardIdPath, payload: CourtyardPatch
) -> CourtyardOut:
    courtyard = selectors.courtyard_or_404(request.user, courtyard_id)
    values = _grid_values(request.user, payload.dict(exclude_unset=True))
    try:
        services.courtyard_update(actor=request.user, courtyard=courtyard, **values)
    except ValidationError as exc:
        raise _renamed(exc, GRID_NAMES) from exc
    return _courtyard_out(courtyard)


@router.get(
    "/registry/courtyards/{courtyard_id}/history",
    response={200: list[HistoryOut], **ERRORS},
    summary="院落变更记录",
    openapi_extra=COURTYARD,
)
def courtyard_history(request: HttpRequest, courtyard_id: CourtyardIdPath) -> list[HistoryOut]:
    courtyard = selectors.courtyard_or_404(request.user, courtyard_id)
    return _history(selectors.history_of(courtyard, request.user))


# --------------------------------------------------------------------------- natural villages


def _village_out(n: NaturalVillage) -> VillageOut:
    return VillageOut(id=n.pk, grid_id=n.grid_id, grid_name=n.grid.name, name=n.name)


@router.get("/registry/natural-villages", response={200: VillagePage, **ERRORS}, summary="自然村列表")
def list_villages(request: HttpRequest, filters: Query[ElementFilters]) -> VillagePage:
    qs = selectors.village_list(request.user, grid_id=filters.grid_id, q=filters.q)
    items = [_village_out(n) for n in qs[filters.offset : filters.offset + filters.limit]]
    return VillagePage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.post("/registry/natural-villages", response={201: VillageOut, **ERRORS}, summary="新增自然村")
def create_village(request: HttpRequest, payload: VillageIn) -> Status[VillageOut]:
    errors: dict[str, str] = {}
    grid = _grid(request.user, payload.grid_id, errors)
    if errors:
        raise ValidationError(errors)
    try:
        village = services.natural_village_create(actor=request.user, grid=grid, name=payload.name)
    except ValidationError as exc:
        raise _renamed(exc, GRID_NAMES) from exc
    return Status(201, _village_out(village))


@router.get(
    "/registry/natural-villages/{village_id}",
    response={200: VillageOut, **ERRORS},
    summary="自然村详情",
    openapi_extra=VILLAGE,
)
def get_village(request: HttpRequest, village_id: VillageIdPath) -> VillageOut:
    return _village_out(selectors.village_or_404(request.user, village_id))


@router.patch(
    "/registry/natural-villages/{village_id}",
    response={200: VillageOut, **ERRORS},
    summary="修改自然村",
    openapi_extra=VILLAGE,
)
def update_village(request: HttpRequest, village_id: VillageIdPath, payload: VillagePatch) -> VillageOut:
    village = selectors.village_or_404(request.user, village_id)
    values = _grid_values(request.user, payload.dict(exclude_unset=True))
    try:
        services.natural_village_update(actor=request.user, village=village, **values)
    except ValidationError as exc:
        raise _renamed(exc, GRID_NAMES) from exc
    return _village_out(village)


@router.get(
    "/registry/natural-villages/{village_id}/history",
    response={200: list[HistoryOut], **ERRORS},
    summary="自然村变更记录",
    openapi_extra=VILLAGE,
)
def village_history(request: HttpRequest, village_id: VillageIdPath) -> list[HistoryOut]:
    village = selectors.village_or_404(request.user, village_id)
    return _history(selectors.history_of(village, request.user))


# --------------------------------------------------------------------------- rooms


def _room_out(r: Room) -> RoomOut:
    households = getattr(r, "current_households", None)
    if households is None:
        households = list(r.households.filter(moved_out_on__isnull=True))
    return RoomOut(
        id=r.pk,
        building_id=r.building_id,
        unit=r.unit,
        floor=r.floor,
        number=r.number,
        label=str(r),
        household_ids=[h.pk for h in households],
    )


@router.get(
    "/registry/buildings/{building_id}/rooms",
    response={200: RoomPage, **ERRORS},
    summary="楼栋的户室",
    openapi_extra=BUILDING,
)
def list_rooms(
    request: HttpRequest, building_id: BuildingIdPath, filters: Query[RoomPageFilters]
) -> RoomPage:
    building = selectors.building_for(request.user, building_id)
    qs = selectors.rooms_of(request.user, building)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    for room in page:
        room.building = building
    return RoomPage(
        count=qs.count(), limit=filters.limit, offset=filters.offset, items=[_room_out(r) for r in page]
    )


@router.post(
    "/registry/buildings/{building_id}/rooms",
    response={201: RoomOut, **ERRORS},
    summary="新增户室",
    openapi_extra=BUILDING,
)
def create_room(request: HttpRequest, building_id: BuildingIdPath, payload: RoomIn) -> Status[RoomOut]:
    building = selectors.building_for(request.user, building_id)
    room = services.room_create(
        actor=request.user, building=building, unit=payload.unit, floor=payload.floor, number=payload.number
    )
    room.current_households = []  # type: ignore[attr-defined]
    return Status(201, _room_out(room))


@router.post(
    "/registry/buildings/{building_id}/rooms/generate",
    response={201: RoomsGenerateOut, **ERRORS},
    summary="按单元、层数、每层户数批量生成户室（已有的保留）",
    openapi_extra=BUILDING,
)
def generate_rooms(
    request: HttpRequest, building_id: BuildingIdPath, payload: RoomsGenerateIn
) -> Status[RoomsGenerateOut]:
    building = selectors.building_for(request.user, building_id)
    created = services.rooms_generate(
        actor=request.user,
        building=building,
        per_floor=payload.per_floor,
        units=payload.units,
        floors=payload.floors,
    )
    return Status(201, RoomsGenerateOut(created=len(created), room_count=selectors.room_count(building)))
