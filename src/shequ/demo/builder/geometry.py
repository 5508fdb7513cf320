"""Approximate demo geometry: boxes around each district's rough centre, tiled downwards.

The boundaries are **schematic**, not survey data: each district is a WGS-84 square around
an approximate centre (sized so that no two districts overlap), its streets split that
square into rows of equal rectangles, the built communities and villages tile their
street the same way, and the grids tile their community.  Neighbours share their edges
exactly (every edge is computed once, rounded to 7 decimal places), so the tiles neither
overlap nor leave gaps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from shequ.core.models import Area

from .plan import BATCH

#: Approximate centre (longitude, latitude, WGS-84) of each district: demo geometry only.
DISTRICT_CENTRES: dict[str, tuple[float, float]] = {
    "320102": (118.80, 32.05),  # 玄武区
    "320104": (118.79, 32.02),  # 秦淮区
    "320105": (118.73, 32.00),  # 建邺区
    "320106": (118.77, 32.07),  # 鼓楼区
    "320111": (118.63, 32.06),  # 浦口区
    "320113": (118.91, 32.12),  # 栖霞区
    "320114": (118.78, 31.99),  # 雨花台区
    "320115": (118.84, 31.95),  # 江宁区
    "320116": (118.82, 32.32),  # 六合区
    "320117": (119.03, 31.65),  # 溧水区
    "320118": (118.88, 31.33),  # 高淳区
}
#: Largest half side of a district square, in degrees.
MAX_HALF = 0.08
DIGITS = 7

Box = tuple[float, float, float, float]  # west, south, east, north


def district_boxes(centres: dict[str, tuple[float, float]] = DISTRICT_CENTRES) -> dict[str, Box]:
    """A square per district, at most 0.45 × the Chebyshev distance to the nearest other centre.

    Two squares with half sides h₁ + h₂ < max(|Δlng|, |Δlat|) cannot overlap.
    """
    boxes: dict[str, Box] = {}
    for code, (lng, lat) in centres.items():
        nearest = min(
            (max(abs(lng - x), abs(lat - y)) for other, (x, y) in centres.items() if other != code),
            default=MAX_HALF / 0.45,
        )
        half = min(MAX_HALF, 0.45 * nearest)
        boxes[code] = _round_box((lng - half, lat - half, lng + half, lat + half))
    return boxes


def _round_box(box: Box) -> Box:
    w, s, e, n = box
    return (round(w, DIGITS), round(s, DIGITS), round(e, DIGITS), round(n, DIGITS))


def split_box(box: Box, n: int) -> list[Box]:
    """``n`` rectangles tiling ``box``: rows of equal height, each row split into equal widths."""
    if n <= 0:
        return []
    w, s, e, north = box
    rows = max(1, round(math.sqrt(n * (north - s) / max(e - w, 1e-12))))
    rows = min(rows, n)
    per_row = [n // rows + (1 if r < n % rows else 0) for r in range(rows)]
    ys = [s] + [round(s + (north - s) * (r + 1) / rows, DIGITS) for r in range(rows - 1)] + [north]
    out: list[Box] = []
    for r, count in enumerate(per_row):
        xs = [w] + [round(w + (e - w) * (c + 1) / count, DIGITS) for c in range(count - 1)] + [e]
        # North row first, west to east: reading order on a map.
        row = rows - 1 - r
        out.extend((xs[c], ys[row], xs[c + 1], ys[row + 1]) for c in range(count))
    return out


def polygon(box: Box) -> dict[str, Any]:
    w, s, e, n = box
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def box_of(boundary: dict[str, Any]) -> Box:
    ring = boundary["coordinates"][0]
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return (min(xs), min(ys), max(xs), max(ys))


def assign_boundaries(
    *,
    city: Area,
    districts: dict[str, Area],
    streets: dict[str, Area],
    street_codes_of: dict[str, Sequence[str]],
    committees: Sequence[Area],
    grids_of: dict[int, list[Area]],
) -> dict[int, Box]:
    """Set ``boundary`` on the areas (in memory) and write them in bulk; returns each grid's box."""
    boxes = district_boxes()
    changed: list[Area] = []
    now = timezone.now()

    def put(area: Area, box: Box) -> None:
        area.boundary = polygon(box)
        area.updated_at = now
        changed.append(area)

    for code, district in districts.items():
        put(district, boxes[code])
    west = min(b[0] for b in boxes.values())
    south = min(b[1] for b in boxes.values())
    east = max(b[2] for b in boxes.values())
    north = max(b[3] for b in boxes.values())
    put(city, _round_box((west - 0.01, south - 0.01, east + 0.01, north + 0.01)))
    street_box: dict[int, Box] = {}
    for district_code, codes in street_codes_of.items():
        for code, box in zip(codes, split_box(boxes[district_code], len(codes)), strict=True):
            street = streets[code]
            street_box[street.pk] = box
            put(street, box)
    by_street: dict[int, list[Area]] = {}
    for committee in committees:
        by_street.setdefault(committee.parent_id or 0, []).append(committee)
    grid_box: dict[int, Box] = {}
    for street_id, members in by_street.items():
        for committee, box in zip(members, split_box(street_box[street_id], len(members)), strict=True):
            put(committee, box)
            grids = grids_of.get(committee.pk, [])
            for grid, gbox in zip(grids, split_box(box, len(grids)), strict=True):
                put(grid, gbox)
                grid_box[grid.pk] = gbox
    Area.objects.bulk_update(changed, ["boundary", "updated_at"], batch_size=BATCH)
    return grid_box
