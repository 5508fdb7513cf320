"""Kernel API: areas (scoped), rules, calendar, audit."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors

router = Router(tags=["core"])


class AreaOut(Schema):
    id: int
    name: str
    level: str
    code: str | None
    parent_id: int | None
    stat_parent_id: int | None
    committee_type: str
    urban_rural_code: str
    is_rural: bool
    heavy_load: str
    valid_from: str
    valid_to: str | None


def _area_out(a: object) -> AreaOut:
    from .models import Area

    assert isinstance(a, Area)
    return AreaOut(
        id=a.pk, name=a.name, level=a.level, code=a.code, parent_id=a.parent_id, stat_parent_id=a.stat_parent_id,
        committee_type=a.committee_type, urban_rural_code=a.urban_rural_code, is_rural=a.is_rural,
        heavy_load=a.heavy_load, valid_from=a.valid_from.isoformat(),
        valid_to=a.valid_to.isoformat() if a.valid_to else None,
    )


@router.get("/areas", response=list[AreaOut], summary="可见区域列表")
def list_areas(request: HttpRequest, level: str | None = None, parent_id: int | None = None) -> list[AreaOut]:
    qs = selectors.areas_visible_to(request.user)
    if level:
        qs = qs.filter(level=level)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return [_area_out(a) for a in qs[:2000]]


@router.get("/areas/{area_id}", response=AreaOut, summary="区域详情", openapi_extra={"x-scoped-model": "core.Area"})
def get_area(request: HttpRequest, area_id: int) -> AreaOut:
    return _area_out(selectors.area_for(request.user, area_id))
