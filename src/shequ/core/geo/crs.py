"""Coordinate systems: WGS-84 is stored; GCJ-02 (AMap, Tencent) and BD-09 (Baidu) are accepted and converted.

The forward transforms are the widely published ones (the GCJ-02 offset on the Krasovsky
ellipsoid, Baidu's BD-09 rotation on top of it).  Their inverses have no closed form: the
inverses here iterate the forward transform until the round trip is within about 1 cm,
well under the 0.5 m this platform needs.  Outside mainland China GCJ-02 equals WGS-84
(the offset is not applied there), as the map providers do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
CRS_CHOICES = (WGS84, GCJ02, BD09)

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 formula uses it
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0

#: Iterate an inverse until the forward image is this close to the target (degrees, ≈ 1 cm).
_INVERSE_TOLERANCE = 1e-7
_INVERSE_MAX_STEPS = 30

Transform = Callable[[float, float], tuple[float, float]]


def out_of_china(lng: float, lat: float) -> bool:
    """The rough rectangle the GCJ-02 offset is applied in (the published test)."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    dlat = _offset_lat(lng - 105.0, lat - 35.0)
    dlng = _offset_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lng + dlng, lat + dlat


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _bd09_to_gcj02_published(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def _invert(forward: Transform, lng: float, lat: float, start: tuple[float, float]) -> tuple[float, float]:
    """The point that ``forward`` maps to (lng, lat), by fixed-point iteration from ``start``."""
    x, y = start
    for _step in range(_INVERSE_MAX_STEPS):
        fx, fy = forward(x, y)
        dx, dy = fx - lng, fy - lat
        if abs(dx) < _INVERSE_TOLERANCE and abs(dy) < _INVERSE_TOLERANCE:
            break
        x, y = x - dx, y - dy
    return x, y


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """The inverse of :func:`wgs84_to_gcj02`, iterated to about 1 cm."""
    if out_of_china(lng, lat):
        return lng, lat
    fx, fy = wgs84_to_gcj02(lng, lat)
    return _invert(wgs84_to_gcj02, lng, lat, (2 * lng - fx, 2 * lat - fy))


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """Baidu's published inverse, refined by iteration so that it round-trips exactly."""
    return _invert(gcj02_to_bd09, lng, lat, _bd09_to_gcj02_published(lng, lat))


def bd09_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


def wgs84_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


_TO_WGS84: dict[str, Transform] = {
    WGS84: lambda lng, lat: (lng, lat),
    GCJ02: gcj02_to_wgs84,
    BD09: bd09_to_wgs84,
}
_FROM_WGS84: dict[str, Transform] = {
    WGS84: lambda lng, lat: (lng, lat),
    GCJ02: wgs84_to_gcj02,
    BD09: wgs84_to_bd09,
}


def _transform(table: dict[str, Transform], crs: str) -> Transform:
    try:
        return table[(crs or WGS84).lower()]
    except KeyError:
        raise ValueError(f"unknown coordinate system {crs!r}") from None


def to_wgs84(lng: float, lat: float, crs: str = WGS84) -> tuple[float, float]:
    """(lng, lat) given in ``crs`` ("wgs84", "gcj02" or "bd09") as WGS-84."""
    return _transform(_TO_WGS84, crs)(lng, lat)


def from_wgs84(lng: float, lat: float, crs: str = WGS84) -> tuple[float, float]:
    """WGS-84 (lng, lat) in ``crs`` — for drawing on tiles that use it."""
    return _transform(_FROM_WGS84, crs)(lng, lat)


def _map_positions(coords: Any, fn: Transform) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        x, y = fn(float(coords[0]), float(coords[1]))
        return [x, y, *coords[2:]]
    return [_map_positions(c, fn) for c in coords]


def geometry_to_wgs84(geometry: dict[str, Any], crs: str = WGS84) -> dict[str, Any]:
    """A GeoJSON Polygon/MultiPolygon with every position converted from ``crs`` (no change for WGS-84)."""
    fn = _transform(_TO_WGS84, crs)
    if (crs or WGS84).lower() == WGS84:
        return geometry
    return {**geometry, "coordinates": _map_positions(geometry.get("coordinates") or [], fn)}


def points_to_wgs84(points: Iterable[Sequence[float]], crs: str = WGS84) -> list[tuple[float, float]]:
    fn = _transform(_TO_WGS84, crs)
    return [fn(float(p[0]), float(p[1])) for p in points]
