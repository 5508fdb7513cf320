"""Kernel API: the area tree (scoped to the caller) and its adjustments.

Every operation with an ``{area_id}`` declares ``x-scoped-model: core.Area``; an id outside
the caller's areas answers 404.  An area id in a request body that does not exist or lies
outside the caller's areas answers the same 400 on its field.  Writes need
``core.manage_areas`` (403 without it) and a writable scope over every area involved.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from . import selectors
from .access import scope_of
from .area_changes import (
    area_abolish,
    area_merge,
    area_move,
    area_split,
    authorize_area_write,
)
from .areas import area_create, area_update
from .models import Area, AreaChange

router = Router(tags=["areas"])

SCOPED = {"x-scoped-model": "core.Area"}
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
AreaIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="区域编号")]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class BoundaryErrorOut(Schema):
    detail: str
    errors: dict[str, Any] | None = Field(
        None,
        description=(
            "字段 → 错误信息列表；边界与相邻区域重叠时另有 overlap：重叠部分（GeoJSON FeatureCollection）"
        ),
    )


BOUNDARY_ERRORS: dict[int, Any] = {**ERRORS, 400: BoundaryErrorOut}


# --------------------------------------------------------------------------- output


class AreaOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    code: str | None
    parent_id: int | None
    stat_parent_id: int | None
    depth: int
    committee_type: str
    urban_rural_code: str
    is_rural: bool
    heavy_load: str
    valid_from: date
    valid_to: date | None
    is_current: bool
    successor_id: int | None


class AreaDetailOut(AreaOut):
    path: str
    rural_override: bool | None
    boundary: dict[str, Any] | None


class AreaPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AreaOut]


class AreaRef(Schema):
    id: int
    name: str
    level: str
    code: str | None


class AreaChangeOut(Schema):
    id: int
    kind: str
    kind_label: str
    effective_on: date
    document: str
    details: dict[str, Any]
    sources: list[AreaRef]
    results: list[AreaRef]
    recorded_by: str | None
    recorded_at: datetime


def _area_fields(a: Area) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "level": a.level,
        "level_label": str(a.get_level_display()),
        "code": a.code,
        "parent_id": a.parent_id,
        "stat_parent_id": a.stat_parent_id,
        "depth": a.depth,
        "committee_type": a.committee_type,
        "urban_rural_code": a.urban_rural_code,
        "is_rural": a.is_rural,
        "heavy_load": a.heavy_load,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
        "is_current": a.is_current,
        "successor_id": a.successor_id,
    }


def _area_out(a: Area) -> AreaOut:
    return AreaOut(**_area_fields(a))


def area_detail_out(a: Area) -> AreaDetailOut:
    return AreaDetailOut(**_area_fields(a), path=a.path, rural_override=a.rural_override, boundary=a.boundary)


def area_ref(a: Area) -> AreaRef:
    return AreaRef(id=a.pk, name=a.name, level=a.level, code=a.code)


def _change_out(c: AreaChange) -> AreaChangeOut:
    recorder = c.recorded_by
    return AreaChangeOut(
        id=c.pk,
        kind=c.kind,
        kind_label=str(c.get_kind_display()),
        effective_on=c.effective_on,
        document=c.document,
        details=c.details or {},
        sources=[area_ref(a) for a in c.sources.all()],
        results=[area_ref(a) for a in c.results.all()],
        recorded_by=(getattr(recorder, "display_name", "") or getattr(recorder, "username", ""))
        if recorder
        else None,
        recorded_at=c.recorded_at,
    )


def _statistical_parent(user: Any, area_id: int | None) -> Area | None:
    """A statistical parent named in a request body: any current division (public facts)."""
    authorize_area_write(user)
    if area_id is None:
        return None
    area = selectors.statistical_area(area_id)
    if area is None:
        raise ValidationError({"stat_parent_id": _("编号为%(id)s的区划不存在或已撤销。") % {"id": area_id}})
    return area


def _existing_area(user: Any, area_id: int | None, field: str) -> Area | None:
    """An area named in a request body, among the caller's areas.

    An id that does not exist and an id outside the caller's areas get the same 400 on that
    field, so that the answer does not tell which ids exist elsewhere.  A caller without the
    permission to manage areas gets 403 first; whether the caller may write there is still
    checked by the service.
    """
    authorize_area_write(user)
    if area_id is None:
        return None
    area = selectors.area_visible_to(user, area_id)
    if area is None:
        raise ValidationError({field: _("编号为%(id)s的区域不存在或不在您的管辖范围内。") % {"id": area_id}})
    return area


# --------------------------------------------------------------------------- reads


class AreaFilters(Schema):
    level: str | None = Field(None, max_length=16, description="层级，如 community、grid")
    parent_id: Id | None = Field(None, description="上级区域编号")
    q: str | None = Field(None, max_length=100, description="名称包含或代码开头")
    include_closed: bool = Field(False, description="包括已撤销的区域")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/areas", response={200: AreaPage, **ERRORS}, summary="可见区域列表")
def list_areas(request: HttpRequest, filters: Query[AreaFilters]) -> AreaPage:
    qs = selectors.area_search(
        request.user,
        level=filters.level,
        parent_id=filters.parent_id,
        q=(filters.q or "").replace("\x00", "") or None,
        include_closed=filters.include_closed,
    )
    count = qs.count()
    items = [_area_out(a) for a in qs[filters.offset : filters.offset + filters.limit]]
    return AreaPage(count=count, limit=filters.limit, offset=filters.offset, items=items)


@router.get(
    "/areas/{area_id}", response={200: AreaDetailOut, **ERRORS}, summary="区域详情", openapi_extra=SCOPED
)
def get_area(request: HttpRequest, area_id: AreaIdPath) -> AreaDetailOut:
    return area_detail_out(selectors.area_for(request.user, area_id))


@router.get(
    "/areas/{area_id}/children",
    response={200: list[AreaOut], **ERRORS},
    summary="下级区域",
    openapi_extra=SCOPED,
)
def area_children(request: HttpRequest, area_id: AreaIdPath, include_closed: bool = False) -> list[AreaOut]:
    area = selectors.area_for(request.user, area_id)
    return [_area_out(a) for a in selectors.area_children(request.user, area, include_closed=include_closed)]


@router.get(
    "/areas/{area_id}/history",
    response={200: list[AreaChangeOut], **ERRORS},
    summary="区划调整历史",
    openapi_extra=SCOPED,
)
def area_history(request: HttpRequest, area_id: AreaIdPath) -> list[AreaChangeOut]:
    area = selectors.area_for(request.user, area_id)
    return [_change_out(c) for c in selectors.area_history(request.user, area)]


# --------------------------------------------------------------------------- writes


class AreaCreateIn(Schema):
    name: str = Field(..., max_length=200)
    level: str = Field(..., max_length=16)
    parent_id: Id | None = None
    code: str | None = Field(None, max_length=32)
    stat_parent_id: Id | None = None
    urban_rural_code: str = Field("", max_length=8)
    heavy_load: str = Field("", max_length=32)
    rural_override: bool | None = None
    boundary: dict[str, Any] | None = None
    valid_from: date | None = None
    document: str = Field("", max_length=200)


class AreaPatchIn(Schema):
    name: str | None = Field(None, max_length=200)
    urban_rural_code: str | None = Field(None, max_length=8)
    heavy_load: str | None = Field(None, max_length=32)
    rural_override: bool | None = None
    boundary: dict[str, Any] | None = None
    reason: str = Field("", max_length=500)


class MoveIn(Schema):
    new_parent_id: Id
    stat_parent_id: Id | None = None
    effective_on: date
    document: str = Field("", max_length=200)


class MergeIn(Schema):
    source_ids: list[Id] = Field(..., min_length=1, max_length=50, description="并入本区域的区域编号")
    effective_on: date
    document: str = Field("", max_length=200)


class SplitPartIn(Schema):
    name: str = Field(..., max_length=200)
    code: str | None = Field(None, max_length=32)
    urban_rural_code: str = Field("", max_length=8)
    heavy_load: str = Field("", max_length=32)
    rural_override: bool | None = None
    boundary: dict[str, Any] | None = None


class SplitIn(Schema):
    parts: list[SplitPartIn] = Field(..., min_length=1, max_length=20)
    assignments: dict[str, int] = Field(
        default_factory=dict, description="下级区域编号 → 新区域序号（从0起）"
    )
    effective_on: date
    document: str = Field("", max_length=200)


class AbolishIn(Schema):
    effective_on: date
    document: str = Field("", max_length=200)


def refuse_nul(**values: Any) -> None:
    """PostgreSQL text cannot hold NUL characters; refuse them as a field error."""
    errors = {k: _("不能包含控制字符。") for k, v in values.items() if isinstance(v, str) and "\x00" in v}
    if errors:
        raise ValidationError(errors)


@router.post("/areas", response={201: AreaDetailOut, **ERRORS}, summary="设立区域")
def create_area(request: HttpRequest, payload: AreaCreateIn) -> Status[AreaDetailOut]:
    refuse_nul(name=payload.name, code=payload.code, document=payload.document)
    parent = _existing_area(request.user, payload.parent_id, "parent_id")
    stat_parent = _statistical_parent(request.user, payload.stat_parent_id)
    if parent is not None:
        (parent,) = authorize_area_write(request.user, parent)
    else:
        authorize_area_write(request.user)
        if not scope_of(request.user).everything:
            raise ValidationError({"parent_id": _("请选择上级区域。")})
    area = area_create(
        actor=request.user,
        name=payload.name,
        level=payload.level,
        parent=parent,
        code=payload.code,
        stat_parent=stat_parent,
        urban_rural_code=payload.urban_rural_code,
        heavy_load=payload.heavy_load,
        rural_override=payload.rural_override,
        boundary=payload.boundary,
        valid_from=payload.valid_from,
        document=payload.document,
    )
    return Status(201, area_detail_out(area))


@router.patch(
    "/areas/{area_id}",
    response={200: AreaDetailOut, **BOUNDARY_ERRORS},
    summary="修改区域",
    openapi_extra=SCOPED,
)
def patch_area(request: HttpRequest, area_id: AreaIdPath, payload: AreaPatchIn) -> Any:
    from .geo import BoundaryError

    area = selectors.area_for(request.user, area_id)
    (area,) = authorize_area_write(request.user, area)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    refuse_nul(reason=reason, **changes)
    try:
        area = area_update(actor=request.user, area=area, reason=reason, **changes)
    except BoundaryError as exc:
        return boundary_refused(exc)
    return area_detail_out(area)


@router.post(
    "/areas/{area_id}/move",
    response={200: AreaChangeOut, **ERRORS},
    summary="调整隶属",
    openapi_extra=SCOPED,
)
def move_area(request: HttpRequest, area_id: AreaIdPath, payload: MoveIn) -> AreaChangeOut:
    area = selectors.area_for(request.user, area_id)
    refuse_nul(document=payload.document)
    new_parent = _existing_area(request.user, payload.new_parent_id, "new_parent_id")
    stat_parent = _statistical_parent(request.user, payload.stat_parent_id)
    assert new_parent is not None
    change = area_move(
        actor=request.user,
        area=area,
        new_parent=new_parent,
        stat_parent=stat_parent,
        effective_on=payload.effective_on,
        document=payload.document,
    )
    return _change_out(change)


@router.post(
    "/areas/{area_id}/merge",
    response={200: AreaChangeOut, **ERRORS},
    summary="合并区域（把若干区域并入本区域）",
    openapi_extra=SCOPED,
)
def merge_areas(request: HttpRequest, area_id: AreaIdPath, payload: MergeIn) -> AreaChangeOut:
    target = selectors.area_for(request.user, area_id)
    refuse_nul(document=payload.document)
    sources = [_existing_area(request.user, pk, "source_ids") for pk in payload.source_ids]
    change = area_merge(
        actor=request.user,
        sources=[s for s in sources if s is not None],
        target=target,
        effective_on=payload.effective_on,
        document=payload.document,
    )
    return _change_out(change)


@router.post(
    "/areas/{area_id}/split",
    response={200: AreaChangeOut, **ERRORS},
    summary="拆分区域",
    openapi_extra=SCOPED,
)
def split_area(request: HttpRequest, area_id: AreaIdPath, payload: SplitIn) -> AreaChangeOut:
    source = selectors.area_for(request.user, area_id)
    refuse_nul(document=payload.document)
    for index, part in enumerate(payload.parts):
        if any("\x00" in (v or "") for v in (part.name, part.code, part.urban_rural_code, part.heavy_load)):
            raise ValidationError({"parts": _("第%(n)s个新区域含有控制字符。") % {"n": index + 1}})
    change = area_split(
        actor=request.user,
        source=source,
        parts=[part.dict() for part in payload.parts],
        assignments=payload.assignments,
        effective_on=payload.effective_on,
        document=payload.document,
    )
    return _change_out(change)


@router.post(
    "/areas/{area_id}/abolish",
    response={200: AreaChangeOut, **ERRORS},
    summary="撤销区域",
    openapi_extra=SCOPED,
)
def abolish_area(request: HttpRequest, area_id: AreaIdPath, payload: AbolishIn) -> AreaChangeOut:
    area = selectors.area_for(request.user, area_id)
    refuse_nul(document=payload.document)
    change = area_abolish(
        actor=request.user, area=area, effective_on=payload.effective_on, document=payload.document
    )
    return _change_out(change)


# --------------------------------------------------------------------------- the map


def boundary_refused(exc: ValidationError) -> Status[BoundaryErrorOut]:
    from .geo import BoundaryError

    errors: dict[str, Any] = {
        field: [str(m) for m in messages] for field, messages in exc.message_dict.items()
    }
    if isinstance(exc, BoundaryError) and exc.overlap is not None:
        errors["overlap"] = exc.overlap
    return Status(400, BoundaryErrorOut(detail="invalid", errors=errors))
