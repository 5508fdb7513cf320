"""Boundary rules for areas on the map: valid shape, plausible size, inside the parent, no overlap.

An area's boundary must be a valid Polygon/MultiPolygon of plausible size for its level;
where its managing parent has a boundary it must lie inside it (a few metres of
tolerance); and it must not overlap a current sibling's boundary.  An overlap is refused
with its area in m² and its geometry (GeoJSON), so that the map can draw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from ..models import Area, AreaLevel
from .shapes import LocalProjection, area_m2, polygonal, to_geojson, to_shape

#: Parts of a boundary this far outside the parent's boundary are tolerated (drawing slop).
CONTAINMENT_TOLERANCE_M = 5.0
#: Outside parts smaller than this are ignored (after the tolerance).
OUTSIDE_TOLERANCE_M2 = 1.0
#: Overlaps with a sibling smaller than this are ignored (two hand-drawn edges never meet exactly).
OVERLAP_TOLERANCE_M2 = 1.0
#: Smallest plausible boundary of any area.
MIN_AREA_M2 = 50.0
#: Largest plausible boundary per level (Nanjing's largest street is ≈ 250 km²).
MAX_AREA_M2: dict[str, float] = {
    AreaLevel.GRID: 25e6,
    AreaLevel.COMMUNITY: 200e6,
    AreaLevel.VILLAGE: 200e6,
    AreaLevel.STREET: 2_000e6,
    AreaLevel.TOWN: 2_000e6,
    AreaLevel.ZONE: 5_000e6,
    AreaLevel.DISTRICT: 10_000e6,
    AreaLevel.CITY: 50_000e6,
}


class BoundaryError(ValidationError):
    """A refused boundary; ``overlap`` is a GeoJSON FeatureCollection of the overlaps, if any."""

    def __init__(self, errors: dict[str, Any], overlap: dict[str, Any] | None = None) -> None:
        super().__init__(errors)
        self.overlap = overlap


@dataclass(frozen=True)
class Neighbour:
    pk: int
    name: str
    geometry: BaseGeometry


def fmt_m2(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def sibling_boundaries(area: Area) -> list[Neighbour]:
    """Current siblings (same managing parent) that have a boundary."""
    if area.parent_id is None:
        return []
    return child_boundaries(area.parent_id, exclude={area.pk})


def child_boundaries(parent_id: int, *, exclude: set[int] | None = None) -> list[Neighbour]:
    """Current children of an area that have a boundary, except the ``exclude`` ids."""
    rows = (
        Area.objects.current()
        .filter(parent_id=parent_id, boundary__isnull=False)
        .exclude(pk__in=[pk for pk in (exclude or set()) if pk])
        .values_list("pk", "name", "boundary")
        .order_by("pk")
    )
    out = []
    for pk, name, boundary in rows:
        geometry = to_shape(boundary)
        if geometry is not None and geometry.is_valid:
            out.append(Neighbour(pk, name, geometry))
    return out


def check_size(level: str, geometry: BaseGeometry) -> str | None:
    size = area_m2(geometry)
    limit = MAX_AREA_M2.get(level, MAX_AREA_M2[AreaLevel.CITY])
    if size < MIN_AREA_M2:
        return _("边界面积只有%(area)s平方米，不像真实的区域边界（至少%(min)s平方米）。") % {
            "area": fmt_m2(size),
            "min": fmt_m2(MIN_AREA_M2),
        }
    if size > limit:
        return _("边界面积约%(area)s平方千米，超过%(level)s的合理范围（不超过%(max)s平方千米）。") % {
            "area": f"{size / 1e6:,.1f}",
            "level": AreaLevel(level).label if level in AreaLevel.values else level,
            "max": f"{limit / 1e6:,.0f}",
        }
    return None


def check_inside(
    geometry: BaseGeometry, parent_geometry: BaseGeometry | None, parent_name: str
) -> str | None:
    if parent_geometry is None:
        return None
    projection = LocalProjection.around(geometry, parent_geometry)
    mine = projection.forward(geometry)
    allowed = projection.forward(parent_geometry).buffer(CONTAINMENT_TOLERANCE_M)
    outside = mine.difference(allowed).area
    if outside <= OUTSIDE_TOLERANCE_M2:
        return None
    return _("边界有%(area)s平方米（占%(share)s%%）在上级“%(parent)s”的边界之外（容差%(tol)s米）。") % {
        "area": fmt_m2(outside),
        "share": f"{100 * outside / max(mine.area, 1e-9):.1f}",
        "parent": parent_name,
        "tol": f"{CONTAINMENT_TOLERANCE_M:g}",
    }


def find_overlaps(geometry: BaseGeometry, neighbours: list[Neighbour]) -> list[tuple[Neighbour, float, Any]]:
    """(neighbour, overlap m², overlap geometry in WGS-84) for every neighbour overlapping ``geometry``."""
    found = []
    for other in neighbours:
        if not geometry.intersects(other.geometry):
            continue
        projection = LocalProjection.around(geometry, other.geometry)
        common = polygonal(geometry.intersection(other.geometry))
        size = area_m2(common, projection) if common is not None else 0.0
        if size > OVERLAP_TOLERANCE_M2:
            found.append((other, size, common))
    return found


def overlap_message(overlaps: list[tuple[Neighbour, float, Any]]) -> str:
    total = sum(size for _n, size, _g in overlaps)
    names = "、".join(f"“{n.name}”" for n, _s, _g in overlaps)
    return _("边界与%(names)s重叠%(area)s平方米，相邻区域的边界不能重叠。") % {
        "names": names,
        "area": fmt_m2(total),
    }


def overlap_collection(overlaps: list[tuple[Neighbour, float, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": to_geojson(geometry),
                "properties": {"area_id": n.pk, "name": n.name, "area_m2": round(size, 1)},
            }
            for n, size, geometry in overlaps
        ],
    }


def check_area_boundary(area: Area, geometry: BaseGeometry) -> None:
    """Raise :class:`BoundaryError` when ``geometry`` (WGS-84, already a valid polygon) breaks a rule."""
    errors: list[str] = []
    size_error = check_size(area.level, geometry)
    if size_error:
        errors.append(size_error)
    parent = area.parent
    if parent is not None:
        inside_error = check_inside(geometry, to_shape(parent.boundary), parent.name)
        if inside_error:
            errors.append(inside_error)
    overlaps = find_overlaps(geometry, sibling_boundaries(area))
    if overlaps:
        errors.append(overlap_message(overlaps))
    if errors:
        raise BoundaryError({"boundary": errors}, overlap_collection(overlaps) if overlaps else None)


def union_m2(geometries: list[BaseGeometry], projection: LocalProjection) -> float:
    if not geometries:
        return 0.0
    return float(projection.forward(shapely.union_all(geometries)).area)
