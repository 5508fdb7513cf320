"""Geometry API: grid boundaries, coverage, boundary import and point placement.

Every operation with an ``{area_id}`` declares ``x-scoped-model: core.Area``; an id outside
the caller's areas answers 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from . import selectors
from .api import (
    BOUNDARY_ERRORS,
    ERRORS,
    SCOPED,
    AreaDetailOut,
    AreaIdPath,
    AreaRef,
    area_detail_out,
    area_ref,
    boundary_refused,
    refuse_nul,
)
from .geo import (
    community_coverage,
    grid_boundaries_import,
    grid_boundary_set,
)

router = Router(tags=["geo"])
CrsField = Field("wgs84", max_length=8, description="坐标系：wgs84、gcj02（高德、腾讯）或bd09（百度）")


class BoundaryIn(Schema):
    geometry: dict[str, Any] | None = Field(
        ..., description="GeoJSON Polygon 或 MultiPolygon；null 表示删除边界"
    )
    crs: str = CrsField
    reason: str = Field("", max_length=500)


class CoverageOut(Schema):
    area_id: int
    has_boundary: bool
    area_m2: float | None
    covered_m2: float | None
    share_uncovered: float | None = Field(None, description="1 − 下级边界并集∩本区域 / 本区域面积")
    children: int
    grids_without_boundary: list[dict[str, Any]]
    overlap_m2: float
    outside_m2: float
    uncovered: dict[str, Any] | None = Field(None, description="未覆盖部分（GeoJSON）")


class BoundaryImportIn(Schema):
    feature_collection: dict[str, Any] = Field(..., description="GeoJSON FeatureCollection")
    match_by: str = Field("name", max_length=8, description="按 name（名称）或 code（代码）对应网格")
    crs: str = CrsField
    dry_run: bool = Field(False, description="只检查，不保存")
    reason: str = Field("", max_length=500)


class BoundaryImportOut(Schema):
    dry_run: bool
    count: int
    grids: list[AreaRef]


class PointPlaceIn(Schema):
    lng: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)
    crs: str = CrsField


class PointPlaceOut(Schema):
    grid: AreaRef | None


@router.put(
    "/areas/{area_id}/boundary",
    response={200: AreaDetailOut, **BOUNDARY_ERRORS},
    summary="设置区域边界（可用GCJ-02或BD-09坐标）",
    openapi_extra=SCOPED,
)
def put_boundary(request: HttpRequest, area_id: AreaIdPath, payload: BoundaryIn) -> Any:

    area = selectors.area_for(request.user, area_id)
    refuse_nul(reason=payload.reason, crs=payload.crs)
    try:
        area = grid_boundary_set(
            actor=request.user, grid=area, geometry=payload.geometry, crs=payload.crs, reason=payload.reason
        )
    except ValidationError as exc:
        return boundary_refused(exc)
    return area_detail_out(area)


@router.get(
    "/areas/{area_id}/coverage",
    response={200: CoverageOut, **ERRORS},
    summary="下级边界对本区域的覆盖",
    openapi_extra=SCOPED,
)
def area_coverage(request: HttpRequest, area_id: AreaIdPath) -> CoverageOut:
    from dataclasses import asdict

    area = selectors.area_for(request.user, area_id)
    return CoverageOut(**asdict(community_coverage(area)))


@router.post(
    "/areas/{area_id}/grid-boundaries/import",
    response={200: BoundaryImportOut, **BOUNDARY_ERRORS},
    summary="从GeoJSON批量导入网格边界（全部成功或全部不导入）",
    openapi_extra=SCOPED,
)
def import_grid_boundaries(request: HttpRequest, area_id: AreaIdPath, payload: BoundaryImportIn) -> Any:

    community = selectors.area_for(request.user, area_id)
    refuse_nul(reason=payload.reason, crs=payload.crs, match_by=payload.match_by)
    try:
        result = grid_boundaries_import(
            actor=request.user,
            community=community,
            feature_collection=payload.feature_collection,
            match_by=payload.match_by,
            crs=payload.crs,
            dry_run=payload.dry_run,
            reason=payload.reason,
        )
    except ValidationError as exc:
        return boundary_refused(exc)
    return BoundaryImportOut(
        dry_run=result.dry_run, count=result.count, grids=[area_ref(grid) for grid, _g in result.matched]
    )


@router.post("/geo/place", response={200: PointPlaceOut, **ERRORS}, summary="坐标落在哪个网格")
def place(request: HttpRequest, payload: PointPlaceIn) -> PointPlaceOut:
    from .geo.services import place_visible

    refuse_nul(crs=payload.crs)
    grid = place_visible(request.user, payload.lng, payload.lat, payload.crs)
    return PointPlaceOut(grid=area_ref(grid) if grid is not None else None)
