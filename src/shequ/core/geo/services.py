"""Boundary writes and reads: set one (any CRS), coverage of an area by its children, GeoJSON import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import scope
from ..area_changes import authorize_area_write
from ..areas import area_update, normalize_boundary, validate_boundary
from ..audit import record
from ..models import Area, AreaLevel
from .boundaries import (
    BoundaryError,
    Neighbour,
    check_inside,
    check_size,
    child_boundaries,
    find_overlaps,
    overlap_collection,
    overlap_message,
)
from .crs import CRS_CHOICES, geometry_to_wgs84
from .placement import grids_at
from .shapes import LocalProjection, polygonal, to_geojson, to_shape

MAX_IMPORT_FEATURES = 2000


def _crs(crs: str | None) -> str:
    value = (crs or "wgs84").strip().lower()
    if value not in CRS_CHOICES:
        raise ValidationError({"crs": _("坐标系应为wgs84、gcj02或bd09。")})
    return value


def convert_geometry(geometry: Any, crs: str) -> tuple[dict[str, Any] | None, str | None]:
    """(WGS-84 GeoJSON, None) or (None, error message) for a geometry given in ``crs``."""
    error = validate_boundary(geometry)
    if error:
        return None, error
    if geometry is None:
        return None, None
    try:
        converted = geometry_to_wgs84(geometry, crs)
    except (TypeError, ValueError, IndexError):
        return None, _("边界坐标格式不正确。")
    error = validate_boundary(converted)
    if error:
        return None, error
    return normalize_boundary(converted), None


@transaction.atomic
def grid_boundary_set(
    *, actor: Any, grid: Area, geometry: dict[str, Any] | None, crs: str = "wgs84", reason: str = ""
) -> Area:
    """Set (or with ``None`` remove) an area's boundary, given in ``crs``; stored as WGS-84.

    Refuses, field by field, a shape that is not a valid polygon, of implausible size,
    outside the parent's boundary or overlapping a sibling's (:class:`BoundaryError`
    carries the overlap as GeoJSON).  Saves through ``area_update``: one audit entry.
    """
    (grid,) = authorize_area_write(actor, grid)
    crs = _crs(crs)
    wgs84, error = convert_geometry(geometry, crs)
    if error:
        raise ValidationError({"boundary": error})
    return area_update(actor=actor, area=grid, reason=reason, boundary=wgs84)


boundary_set = grid_boundary_set


# --------------------------------------------------------------------------- coverage


@dataclass
class Coverage:
    """How far an area's boundary is covered by its current children's boundaries."""

    area_id: int
    has_boundary: bool
    area_m2: float | None
    covered_m2: float | None
    #: 1 − |union(children) ∩ area| / |area|; None when the area has no boundary
    share_uncovered: float | None
    children: int
    grids_without_boundary: list[dict[str, Any]] = field(default_factory=list)
    #: children's boundaries overlapping each other, in m² (should be 0)
    overlap_m2: float = 0.0
    #: the uncovered part as GeoJSON (None when fully covered or unknown)
    uncovered: dict[str, Any] | None = None
    #: boundary parts of the children lying outside the area, in m²
    outside_m2: float = 0.0


def community_coverage(community: Area) -> Coverage:
    """The uncovered share of an area (usually a community covered by its grids)."""
    rows = list(
        Area.objects.current()
        .filter(parent_id=community.pk)
        .order_by("pk")
        .values_list("pk", "name", "boundary")
    )
    shapes = [(pk, name, to_shape(boundary)) for pk, name, boundary in rows]
    without = [{"id": pk, "name": name} for pk, name, g in shapes if g is None or not g.is_valid]
    children = [g for _pk, _n, g in shapes if g is not None and g.is_valid]
    outline = to_shape(community.boundary)
    if outline is not None and not outline.is_valid:
        outline = None
    projection = LocalProjection.around(*(g for g in [outline, *children] if g is not None))
    union = shapely.union_all(children) if children else None
    overlap = 0.0
    if children:
        overlap = max(0.0, sum(projection.forward(g).area for g in children) - projection.forward(union).area)
    if outline is None:
        return Coverage(
            area_id=community.pk,
            has_boundary=False,
            area_m2=None,
            covered_m2=None,
            share_uncovered=None,
            children=len(rows),
            grids_without_boundary=without,
            overlap_m2=round(overlap, 1),
        )
    total = projection.forward(outline).area
    covered_geom = polygonal(outline.intersection(union)) if union is not None else None
    covered = projection.forward(covered_geom).area if covered_geom is not None else 0.0
    uncovered_geom = polygonal(outline.difference(union)) if union is not None else outline
    outside = projection.forward(union.difference(outline)).area if union is not None else 0.0
    share = max(0.0, min(1.0, 1 - covered / total)) if total > 0 else None
    return Coverage(
        area_id=community.pk,
        has_boundary=True,
        area_m2=round(total, 1),
        covered_m2=round(covered, 1),
        share_uncovered=share,
        children=len(rows),
        grids_without_boundary=without,
        overlap_m2=round(overlap, 1),
        uncovered=to_geojson(uncovered_geom) if share and share > 1e-6 else None,
        outside_m2=round(outside, 1),
    )


def place_visible(user: Any, lng: float, lat: float, crs: str = "wgs84") -> Area | None:
    """The grid holding the point among the grids ``user`` may see (smallest id on an edge), or None."""
    ids = grids_at(lng, lat, _crs(crs))
    if not ids:
        return None
    return scope(Area.objects.filter(pk__in=ids), user, field="").order_by("pk").first()


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    dry_run: bool
    matched: list[tuple[Area, dict[str, Any]]]

    @property
    def count(self) -> int:
        return len(self.matched)


def _feature_label(index: int, props: dict[str, Any], key: str) -> str:
    value = props.get(key) if isinstance(props, dict) else None
    if value not in (None, ""):
        return _("第%(n)s个要素（%(value)s）") % {"n": index + 1, "value": str(value)[:50]}
    return _("第%(n)s个要素") % {"n": index + 1}


@transaction.atomic
def grid_boundaries_import(
    *,
    actor: Any,
    community: Area,
    feature_collection: Any,
    match_by: str = "name",
    crs: str = "wgs84",
    dry_run: bool = False,
    reason: str = "",
) -> ImportResult:
    """Set many grids' boundaries from one GeoJSON FeatureCollection: all of them, or none.

    Each feature names a current grid of ``community`` by ``properties.name`` or
    ``properties.code``.  Every problem of every feature is listed (``features``); the
    boundaries are checked against the community's boundary, each other, and the grids the
    file does not touch.  One audit entry for the whole import.
    """
    (community,) = authorize_area_write(actor, community)
    crs = _crs(crs)
    if match_by not in ("name", "code"):
        raise ValidationError({"match_by": _("匹配方式应为name（名称）或code（代码）。")})
    if community.level not in (AreaLevel.COMMUNITY, AreaLevel.VILLAGE):
        raise ValidationError({"community": _("只能向社区或村导入网格边界。")})
    if (
        not isinstance(feature_collection, dict)
        or feature_collection.get("type") != "FeatureCollection"
        or not isinstance(feature_collection.get("features"), list)
    ):
        raise ValidationError({"feature_collection": _("请上传GeoJSON的FeatureCollection。")})
    features = feature_collection["features"]
    if not features:
        raise ValidationError({"feature_collection": _("文件中没有要素。")})
    if len(features) > MAX_IMPORT_FEATURES:
        raise ValidationError(
            {"feature_collection": _("一次最多导入%(n)s个要素。") % {"n": MAX_IMPORT_FEATURES}}
        )
    grids = list(Area.objects.current().filter(parent=community, level=AreaLevel.GRID).order_by("pk"))
    by_key: dict[str, list[Area]] = {}
    for candidate in grids:
        own_key = (candidate.name if match_by == "name" else candidate.code) or ""
        by_key.setdefault(own_key.strip(), []).append(candidate)
    problems: list[str] = []
    matched: list[tuple[int, Area, dict[str, Any], Any]] = []
    seen: dict[int, int] = {}
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        label = _feature_label(index, props, match_by)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("%(f)s：不是GeoJSON要素（Feature）。") % {"f": label})
            continue
        key = props.get(match_by)
        candidates = by_key.get(str(key).strip(), []) if key not in (None, "") else []
        target: Area | None = None
        if key in (None, ""):
            problems.append(_("%(f)s：缺少属性%(key)s。") % {"f": label, "key": match_by})
        elif not candidates:
            problems.append(_("%(f)s：本社区没有与之对应的现有网格。") % {"f": label})
        elif len(candidates) > 1:
            problems.append(_("%(f)s：本社区有多个同名网格，请按代码匹配。") % {"f": label})
        else:
            target = candidates[0]
            if target.pk in seen:
                problems.append(
                    _("%(f)s：与第%(n)s个要素对应同一网格。") % {"f": label, "n": seen[target.pk] + 1}
                )
                target = None
            else:
                seen[target.pk] = index
        wgs84, error = convert_geometry(feature.get("geometry"), crs)
        if error is None and wgs84 is None:
            error = _("要素没有几何图形。")
        if error:
            problems.append(f"{label}：{error}")
            continue
        geometry = to_shape(wgs84)
        size_error = check_size(AreaLevel.GRID, geometry)
        if size_error:
            problems.append(f"{label}：{size_error}")
        inside_error = check_inside(geometry, to_shape(community.boundary), community.name)
        if inside_error:
            problems.append(f"{label}：{inside_error}")
        if target is not None and wgs84 is not None:
            matched.append((index, target, wgs84, geometry))
    # overlaps: with grids the file leaves alone, and between the file's own features
    untouched = child_boundaries(community.pk, exclude=set(seen))
    overlaps_all: list[Any] = []
    for position, (index, grid, _wgs84, geometry) in enumerate(matched):
        label = _feature_label(index, {"v": grid.name}, "v")
        earlier = [Neighbour(g.pk, g.name, s) for _i, g, _w, s in matched[:position]]
        overlaps = find_overlaps(geometry, untouched + earlier)
        if overlaps:
            problems.append(f"{label}：{overlap_message(overlaps)}")
            overlaps_all.extend(overlaps)
    if problems:
        raise BoundaryError(
            {"features": problems}, overlap_collection(overlaps_all) if overlaps_all else None
        )
    result = ImportResult(dry_run=dry_run, matched=[(grid, wgs84) for _i, grid, wgs84, _s in matched])
    if dry_run:
        return result
    now = timezone.now()
    for grid, wgs84 in result.matched:
        Area.objects.filter(pk=grid.pk).update(boundary=wgs84, updated_at=now)
    record(
        actor=actor,
        action="area.boundaries_import",
        obj=community,
        area=community,
        changes={
            "grids": [[grid.pk, grid.name] for grid, _w in result.matched],
            "match_by": match_by,
            "crs": crs,
        },
        reason=reason,
    )
    return result


__all__ = [
    "BoundaryError",
    "Coverage",
    "ImportResult",
    "community_coverage",
    "convert_geometry",
    "grid_boundaries_import",
    "grid_boundary_set",
    "place_visible",
    "to_geojson",
]
