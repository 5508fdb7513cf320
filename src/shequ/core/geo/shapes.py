"""Geometry helpers: GeoJSON ↔ shapely, a local metric projection, areas in m².

**Local projection.**  Areas and distances are computed on a local equirectangular plane
centred on the shapes involved: x = N·cos φ₀·Δλ, y = M·Δφ, with M and N the meridional
and prime-vertical radii of curvature of the WGS-84 ellipsoid at the centre latitude φ₀.
The scale is exact at φ₀ and drifts with the distance from it as the cosine of latitude
changes: at Nanjing's latitude (32°) the east-west scale is off by about 0.01 % per
kilometre of north-south distance from the centre, so the area of a community (1–5 km
across) is within about 0.05 %, and a street or district (10–30 km) within about 0.3 %.
Good enough for coverage shares and for refusing overlaps of a few square metres; not a
survey.
"""

from __future__ import annotations

import json
import math
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

_WGS84_A = 6378137.0
_WGS84_E2 = 6.69437999014e-3


class LocalProjection:
    """Longitude/latitude ↔ metres on a plane tangent at (lng0, lat0)."""

    def __init__(self, lng0: float, lat0: float) -> None:
        phi = math.radians(lat0)
        w = math.sqrt(1 - _WGS84_E2 * math.sin(phi) ** 2)
        n = _WGS84_A / w
        m = _WGS84_A * (1 - _WGS84_E2) / w**3
        self.lng0, self.lat0 = lng0, lat0
        self.kx = math.radians(1) * n * math.cos(phi)  # metres per degree of longitude
        self.ky = math.radians(1) * m  # metres per degree of latitude

    @classmethod
    def around(cls, *geometries: BaseGeometry) -> LocalProjection:
        boxes = [g.bounds for g in geometries if g is not None and not g.is_empty]
        if not boxes:
            return cls(0.0, 0.0)
        min_x = min(b[0] for b in boxes)
        min_y = min(b[1] for b in boxes)
        max_x = max(b[2] for b in boxes)
        max_y = max(b[3] for b in boxes)
        return cls((min_x + max_x) / 2, (min_y + max_y) / 2)

    def forward(self, geometry: BaseGeometry) -> BaseGeometry:
        lng0, lat0, kx, ky = self.lng0, self.lat0, self.kx, self.ky

        def project(coords: Any) -> Any:
            out = coords.copy()
            out[:, 0] = (coords[:, 0] - lng0) * kx
            out[:, 1] = (coords[:, 1] - lat0) * ky
            return out

        return shapely.transform(geometry, project)

    def inverse(self, geometry: BaseGeometry) -> BaseGeometry:
        lng0, lat0, kx, ky = self.lng0, self.lat0, self.kx, self.ky

        def unproject(coords: Any) -> Any:
            out = coords.copy()
            out[:, 0] = coords[:, 0] / kx + lng0
            out[:, 1] = coords[:, 1] / ky + lat0
            return out

        return shapely.transform(geometry, unproject)


def area_m2(geometry: BaseGeometry, projection: LocalProjection | None = None) -> float:
    if geometry is None or geometry.is_empty:
        return 0.0
    projection = projection or LocalProjection.around(geometry)
    return float(projection.forward(geometry).area)


def to_shape(value: dict[str, Any] | None) -> BaseGeometry | None:
    """A stored boundary as a shapely geometry (None for none or unreadable)."""
    if not value:
        return None
    try:
        geometry = shape(value)
    except Exception:  # a stored value that is not GeoJSON: treat as no boundary
        return None
    return None if geometry.is_empty else geometry


def polygonal(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """Only the polygon parts of a geometry (intersections may add lines and points), or None."""
    if geometry is None or geometry.is_empty:
        return None
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    if geometry.geom_type == "GeometryCollection":
        parts = [g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        if not parts:
            return None
        merged = shapely.union_all(parts)
        return None if merged.is_empty else merged
    return None


def to_geojson(geometry: BaseGeometry | None, *, digits: int = 7) -> dict[str, Any] | None:
    """Plain GeoJSON (lists, floats rounded to ``digits`` places: 7 ≈ 1 cm)."""
    if geometry is None or geometry.is_empty:
        return None
    rounded = shapely.set_precision(geometry, 10**-digits) if digits else geometry
    if rounded.is_empty:
        rounded = geometry
    return json.loads(json.dumps(mapping(rounded)))
