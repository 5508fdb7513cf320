"""Coordinate systems: published reference values, round trips, and the offset's size."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shequ.core.geo import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from shequ.core.geo.crs import geometry_to_wgs84

# 南京 bounding box (the whole city, WGS-84)
NANJING_LNG = (118.36, 119.24)
NANJING_LAT = (31.23, 32.62)
# 新街口, WGS-84
XINJIEKOU = (118.7785, 32.0433)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in metres between two nearby (lng, lat) points."""
    lat = math.radians((a[1] + b[1]) / 2)
    dx = (a[0] - b[0]) * 111_320 * math.cos(lat)
    dy = (a[1] - b[1]) * 110_574
    return math.hypot(dx, dy)


def test_forward_transforms_match_the_published_reference_values() -> None:
    # the reference vector of the widely used coordtransform implementations (天安门)
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.41024449916938, 39.91640428150164), abs=1e-12
    )
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)
    assert wgs84_to_bd09(116.404, 39.915) == pytest.approx(
        (116.41662724378733, 39.922699552216216), abs=1e-12
    )
    # Baidu's own inverse gives (116.39762729119315, 39.90865673957631); ours refines it by
    # iteration, a few centimetres away
    assert metres(bd09_to_gcj02(116.404, 39.915), (116.39762729119315, 39.90865673957631)) < 0.1


def test_a_point_in_nanjing_in_all_three_systems() -> None:
    gcj = wgs84_to_gcj02(*XINJIEKOU)
    bd = wgs84_to_bd09(*XINJIEKOU)
    # the GCJ-02 offset here is about half a kilometre, BD-09 about a kilometre more
    assert 300 < metres(gcj, XINJIEKOU) < 800
    assert 800 < metres(bd, XINJIEKOU) < 2000
    assert gcj == pytest.approx((118.78370850, 32.04125160), abs=1e-8)
    # back again, each way, to well under a metre
    assert metres(gcj02_to_wgs84(*gcj), XINJIEKOU) < 0.5
    assert metres(bd09_to_wgs84(*bd), XINJIEKOU) < 0.5
    assert metres(bd09_to_gcj02(*bd), gcj) < 0.5
    assert metres(to_wgs84(*gcj, "gcj02"), XINJIEKOU) < 0.5
    assert metres(to_wgs84(*bd, crs="bd09"), XINJIEKOU) < 0.5
    assert to_wgs84(*XINJIEKOU, "wgs84") == XINJIEKOU
    assert from_wgs84(*XINJIEKOU, "gcj02") == gcj


def test_outside_china_gcj02_equals_wgs84() -> None:
    paris = (2.3522, 48.8566)
    assert wgs84_to_gcj02(*paris) == paris
    assert gcj02_to_wgs84(*paris) == paris
    assert to_wgs84(*paris, "gcj02") == paris


def test_unknown_crs_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown coordinate system"):
        to_wgs84(118.8, 32.0, "epsg3857")


def test_geometry_conversion_converts_every_position() -> None:
    ring = [[118.79, 32.05], [118.80, 32.05], [118.80, 32.06], [118.79, 32.05]]
    gcj_ring = [list(wgs84_to_gcj02(*p)) for p in ring]
    converted = geometry_to_wgs84({"type": "Polygon", "coordinates": [gcj_ring]}, "gcj02")
    for got, want in zip(converted["coordinates"][0], ring, strict=True):
        assert metres(tuple(got), tuple(want)) < 0.5  # type: ignore[arg-type]


lngs = st.floats(*NANJING_LNG, allow_nan=False)
lats = st.floats(*NANJING_LAT, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(lng=lngs, lat=lats)
def test_gcj02_round_trip_over_nanjing(lng: float, lat: float) -> None:
    gcj = wgs84_to_gcj02(lng, lat)
    assert 200 < metres(gcj, (lng, lat)) < 1000
    assert metres(gcj02_to_wgs84(*gcj), (lng, lat)) < 0.5


@settings(max_examples=300, deadline=None)
@given(lng=lngs, lat=lats)
def test_bd09_round_trip_over_nanjing(lng: float, lat: float) -> None:
    bd = wgs84_to_bd09(lng, lat)
    assert metres(bd09_to_wgs84(*bd), (lng, lat)) < 0.5
    gcj = wgs84_to_gcj02(lng, lat)
    assert metres(bd09_to_gcj02(*gcj02_to_bd09(*gcj)), gcj) < 0.5
