"""Registry API: buildings and places."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..models import Building, Place
from ..schemas import (
    BuildingIdPath,
    BuildingIn,
    BuildingOut,
    BuildingPage,
    BuildingPatch,
    PageFilters,
    PlaceFilters,
    PlaceIdPath,
    PlaceIn,
    PlaceOut,
    PlacePage,
    PlacePatch,
)
from .common import BUILDING, PLACE, _float, _grid, _renamed, router

# --------------------------------------------------------------------------- buildings


def _building_out(b: Building) -> BuildingOut:
    return BuildingOut(
        id=b.pk,
        grid_id=b.grid_id,
        grid_name=b.grid.name,
        name=b.name,
        number=b.number,
        address=b.address,
        units=b.units,
        floors=b.floors,
        kind=b.kind,
        kind_label=str(b.get_kind_display()),
        latitude=_float(b.latitude),
        longitude=_float(b.longitude),
    )


@router.get("/registry/buildings", response={200: BuildingPage, **ERRORS}, summary="楼栋列表")
def list_buildings(request: HttpRequest, filters: Query[PageFilters]) -> BuildingPage:
    qs = selectors.buildings_visible_to(request.user)
    if filters.grid_id is not None:
        qs = qs.filter(grid_id=filters.grid_id)
    items = [_building_out(b) for b in qs[filters.offset : filters.offset + filters.limit]]
    return BuildingPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.post("/registry/buildings", response={201: BuildingOut, **ERRORS}, summary="新增楼栋")
def create_building(request: HttpRequest, payload: BuildingIn) -> Status[BuildingOut]:
    errors: dict[str, str] = {}
    grid = _grid(request.user, payload.grid_id, errors)
    if errors:
        raise ValidationError(errors)
    try:
        building = services.building_create(
            actor=request.user, grid=grid, **payload.dict(exclude={"grid_id"})
        )
    except ValidationError as exc:
        raise _renamed(exc, {"grid": "grid_id"}) from exc
    return Status(201, _building_out(building))


@router.get(
    "/registry/buildings/{building_id}",
    response={200: BuildingOut, **ERRORS},
    summary="楼栋详情",
    openapi_extra=BUILDING,
)
def get_building(request: HttpRequest, building_id: BuildingIdPath) -> BuildingOut:
    return _building_out(selectors.building_for(request.user, building_id))


@router.patch(
    "/registry/buildings/{building_id}",
    response={200: BuildingOut, **ERRORS},
    summary="修改楼栋",
    openapi_extra=BUILDING,
)
def update_building(request: HttpRequest, building_id: BuildingIdPath, payload: BuildingPatch) -> BuildingOut:
    building = selectors.building_for(request.user, building_id)
    values = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k in ("latitude", "longitude")
    }
    return _building_out(services.building_update(actor=request.user, building=building, **values))


# --------------------------------------------------------------------------- places


def _place_out(p: Place) -> PlaceOut:
    return PlaceOut(
        id=p.pk,
        grid_id=p.grid_id,
        grid_name=p.grid.name,
        kind=p.kind,
        kind_label=str(p.get_kind_display()),
        name=p.name,
        address=p.address,
        contact_phone_masked=str(p.contact_phone or ""),
        latitude=_float(p.latitude),
        longitude=_float(p.longitude),
    )


@router.get("/registry/places", response={200: PlacePage, **ERRORS}, summary="场所列表")
def list_places(request: HttpRequest, filters: Query[PlaceFilters]) -> PlacePage:
    qs = selectors.place_list(
        request.user,
        grid_id=filters.grid_id,
        kind=(filters.kind or "").replace("\x00", "") or None,
        q=filters.q,
    )
    items = [_place_out(p) for p in qs[filters.offset : filters.offset + filters.limit]]
    return PlacePage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.post("/registry/places", response={201: PlaceOut, **ERRORS}, summary="新增场所")
def create_place(request: HttpRequest, payload: PlaceIn) -> Status[PlaceOut]:
    errors: dict[str, str] = {}
    grid = _grid(request.user, payload.grid_id, errors)
    if errors:
        raise ValidationError(errors)
    try:
        place = services.place_create(actor=request.user, grid=grid, **payload.dict(exclude={"grid_id"}))
    except ValidationError as exc:
        raise _renamed(exc, {"grid": "grid_id"}) from exc
    return Status(201, _place_out(place))


@router.get(
    "/registry/places/{place_id}", response={200: PlaceOut, **ERRORS}, summary="场所详情", openapi_extra=PLACE
)
def get_place(request: HttpRequest, place_id: PlaceIdPath) -> PlaceOut:
    return _place_out(selectors.place_for(request.user, place_id))


@router.patch(
    "/registry/places/{place_id}", response={200: PlaceOut, **ERRORS}, summary="修改场所", openapi_extra=PLACE
)
def update_place(request: HttpRequest, place_id: PlaceIdPath, payload: PlacePatch) -> PlaceOut:
    place = selectors.place_for(request.user, place_id)
    values = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k in ("latitude", "longitude", "contact_phone")
    }
    return _place_out(services.place_update(actor=request.user, place=place, **values))
