"""Boundary rules, coverage and GeoJSON import, through the services and the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shequ.core.geo import (
    BoundaryError,
    community_coverage,
    grid_boundaries_import,
    grid_boundary_set,
    wgs84_to_gcj02,
)
from shequ.core.models import Area, AreaLevel, AuditEntry

pytestmark = pytest.mark.django_db


def box(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


COMMUNITY = box(118.790, 32.050, 118.800, 32.060)  # about 945 m × 1,110 m
WEST = box(118.790, 32.050, 118.795, 32.060)
EAST = box(118.795, 32.050, 118.800, 32.060)
EAST_OVERLAPPING = box(118.794, 32.050, 118.800, 32.060)  # 0.001° × 0.01° into WEST


@pytest.fixture
def admin(personas: dict[str, Any]) -> Any:
    return personas["district_admin"]


@pytest.fixture
def grids(mini: Any, admin: Any) -> tuple[Area, Area]:
    from shequ.demo.factories import make_area

    grid_set = grid_boundary_set
    grid_set(actor=admin, grid=mini.community_a, geometry=COMMUNITY)
    mini.community_a.refresh_from_db()
    second = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    return mini.grid_a, second


def test_a_valid_boundary_is_saved_with_one_audit_entry(mini: Any, admin: Any, grids: Any) -> None:
    west, _east = grids
    before = AuditEntry.objects.count()
    grid_boundary_set(actor=admin, grid=west, geometry=WEST, reason="首次绘制")
    west.refresh_from_db()
    assert west.boundary["type"] == "Polygon"
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("pk")
    assert entry.action == "area.update"
    assert entry.reason == "首次绘制"


def test_a_gcj02_boundary_is_stored_as_wgs84(mini: Any, admin: Any, grids: Any) -> None:
    west, _east = grids
    ring = WEST["coordinates"][0]
    gcj = {"type": "Polygon", "coordinates": [[list(wgs84_to_gcj02(*p)) for p in ring]]}
    grid_boundary_set(actor=admin, grid=west, geometry=gcj, crs="gcj02")
    west.refresh_from_db()
    for got, want in zip(west.boundary["coordinates"][0], ring, strict=True):
        assert got == pytest.approx(want, abs=1e-6)  # 1e-6° ≈ 0.1 m


@pytest.mark.parametrize(
    ("geometry", "crs", "field", "text"),
    [
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "wgs84",
            "boundary",
            "无效",
        ),
        ({"type": "Point", "coordinates": [118.79, 32.05]}, "wgs84", "boundary", "Polygon"),
        (box(118.0, 31.5, 119.0, 32.5), "wgs84", "boundary", "平方千米"),  # far too large for a grid
        (WEST, "mercator", "crs", "坐标系"),
    ],
)
def test_bad_boundaries_are_refused_field_by_field(
    mini: Any, admin: Any, grids: Any, geometry: Any, crs: str, field: str, text: str
) -> None:
    west, _east = grids
    with pytest.raises(ValidationError) as caught:
        grid_boundary_set(actor=admin, grid=west, geometry=geometry, crs=crs)
    assert field in caught.value.message_dict
    assert text in " ".join(caught.value.message_dict[field])
    west.refresh_from_db()
    assert west.boundary is None


def test_tiny_polygon_message_names_its_size(mini: Any, admin: Any, grids: Any) -> None:
    west, _east = grids
    with pytest.raises(ValidationError) as caught:
        grid_boundary_set(actor=admin, grid=west, geometry=box(118.790, 32.050, 118.79005, 32.05005))
    assert "不像真实的区域边界" in caught.value.message_dict["boundary"][0]


def test_a_grid_outside_its_community_is_refused_saying_how_much(mini: Any, admin: Any, grids: Any) -> None:
    west, _east = grids
    sticking_out = box(118.785, 32.050, 118.795, 32.060)  # half of it west of the community
    with pytest.raises(ValidationError) as caught:
        grid_boundary_set(actor=admin, grid=west, geometry=sticking_out)
    message = caught.value.message_dict["boundary"][0]
    assert "大悲巷社区" in message
    assert "平方米" in message
    assert "50." in message or "49." in message  # about half of it lies outside


def test_a_few_metres_outside_is_tolerated(mini: Any, admin: Any, grids: Any) -> None:
    west, _east = grids
    # 0.00002° ≈ 2 m west of the community's edge
    grid_boundary_set(actor=admin, grid=west, geometry=box(118.78998, 32.050, 118.795, 32.060))


def test_overlap_with_a_sibling_is_refused_with_area_and_geometry(mini: Any, admin: Any, grids: Any) -> None:
    west, east = grids
    grid_boundary_set(actor=admin, grid=west, geometry=WEST)
    with pytest.raises(BoundaryError) as caught:
        grid_boundary_set(actor=admin, grid=east, geometry=EAST_OVERLAPPING)
    message = caught.value.message_dict["boundary"][0]
    assert "大悲巷第一网格" in message
    assert "重叠" in message
    overlap = caught.value.overlap
    assert overlap is not None
    assert overlap["type"] == "FeatureCollection"
    (feature,) = overlap["features"]
    assert feature["properties"]["area_id"] == west.pk
    # 0.001° × 0.01° at 32° N ≈ 94.5 m × 1,109 m ≈ 104,800 m²
    assert 100_000 < feature["properties"]["area_m2"] < 110_000
    assert feature["geometry"]["type"] == "Polygon"
    east.refresh_from_db()
    assert east.boundary is None
    # sharing an edge is not an overlap
    grid_boundary_set(actor=admin, grid=east, geometry=EAST)


def test_patch_runs_the_same_rules(admin_client: Any, mini: Any, admin: Any, grids: Any) -> None:
    west, east = grids
    grid_boundary_set(actor=admin, grid=west, geometry=WEST)
    response = admin_client.patch(
        f"/api/v1/areas/{east.pk}",
        json.dumps({"boundary": EAST_OVERLAPPING}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["overlap"]["features"]


def test_only_area_managers_in_scope_may_set_a_boundary(
    mini: Any, personas: dict[str, Any], grids: Any
) -> None:
    west, _east = grids
    with pytest.raises(PermissionDenied):
        grid_boundary_set(actor=personas["community_head"], grid=west, geometry=WEST)


# --------------------------------------------------------------------------- coverage


def test_coverage_of_a_community(mini: Any, admin: Any, grids: Any) -> None:
    west, east = grids
    coverage = community_coverage(mini.community_a)
    assert coverage.share_uncovered == pytest.approx(1.0)
    assert {g["id"] for g in coverage.grids_without_boundary} == {west.pk, east.pk}
    grid_boundary_set(actor=admin, grid=west, geometry=WEST)
    coverage = community_coverage(mini.community_a)
    assert coverage.share_uncovered == pytest.approx(0.5, abs=0.001)
    assert coverage.area_m2 == pytest.approx(1_048_000, rel=0.01)
    assert coverage.uncovered is not None
    assert [g["id"] for g in coverage.grids_without_boundary] == [east.pk]
    grid_boundary_set(actor=admin, grid=east, geometry=EAST)
    coverage = community_coverage(mini.community_a)
    assert coverage.share_uncovered == pytest.approx(0.0, abs=1e-6)
    assert coverage.uncovered is None
    assert coverage.grids_without_boundary == []
    assert coverage.overlap_m2 == pytest.approx(0.0, abs=1.0)


def test_coverage_without_a_community_boundary(mini: Any) -> None:
    coverage = community_coverage(mini.community_b)
    assert coverage.share_uncovered is None
    assert not coverage.has_boundary
    assert [g["id"] for g in coverage.grids_without_boundary] == [mini.grid_b.pk]


def test_coverage_api(client: Any, mini: Any, admin: Any, personas: dict[str, Any], grids: Any) -> None:
    west, _east = grids
    grid_boundary_set(actor=admin, grid=west, geometry=WEST)
    client.force_login(personas["community_worker"])
    body = client.get(f"/api/v1/areas/{mini.community_a.pk}/coverage").json()
    assert body["share_uncovered"] == pytest.approx(0.5, abs=0.001)
    assert body["uncovered"]["type"] in ("Polygon", "MultiPolygon")
    assert client.get(f"/api/v1/areas/{mini.community_b.pk}/coverage").status_code == 404


# --------------------------------------------------------------------------- the PUT endpoint


def _put(client: Any, area: Area, body: Any) -> Any:
    return client.put(f"/api/v1/areas/{area.pk}/boundary", json.dumps(body), content_type="application/json")


def test_put_boundary_api(client: Any, mini: Any, admin: Any, personas: dict[str, Any], grids: Any) -> None:
    west, east = grids
    client.force_login(admin)
    response = _put(client, west, {"geometry": WEST, "crs": "wgs84"})
    assert response.status_code == 200, response.content
    assert response.json()["boundary"]["type"] == "Polygon"
    response = _put(client, east, {"geometry": EAST_OVERLAPPING})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "重叠" in errors["boundary"][0]
    assert errors["overlap"]["features"][0]["properties"]["name"] == "大悲巷第一网格"
    for bad in ({"geometry": {"type": "Polygon", "coordinates": "x"}}, {"geometry": WEST, "crs": "utm"}, {}):
        assert _put(client, east, bad).status_code in (400, 422)
    assert _put(client, mini.grid_b, {"geometry": WEST}).status_code == 404
    # removing a boundary
    response = _put(client, west, {"geometry": None})
    assert response.status_code == 200
    assert response.json()["boundary"] is None
    client.force_login(personas["community_head"])
    assert _put(client, west, {"geometry": WEST}).status_code == 403


# --------------------------------------------------------------------------- import


def _fc(*features: tuple[dict[str, Any], dict[str, Any] | None]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
    }


def test_import_sets_every_grid_or_none(mini: Any, admin: Any, grids: Any) -> None:
    west, east = grids
    fc = _fc(({"name": "大悲巷第一网格"}, WEST), ({"name": "大悲巷第二网格"}, EAST))
    before = AuditEntry.objects.count()
    result = grid_boundaries_import(
        actor=admin, community=mini.community_a, feature_collection=fc, dry_run=True
    )
    assert result.count == 2
    west.refresh_from_db()
    assert west.boundary is None
    assert AuditEntry.objects.count() == before
    grid_boundaries_import(actor=admin, community=mini.community_a, feature_collection=fc)
    west.refresh_from_db()
    east.refresh_from_db()
    assert west.boundary
    assert east.boundary
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("pk").action == "area.boundaries_import"


def test_import_lists_every_problem_and_writes_nothing(mini: Any, admin: Any, grids: Any) -> None:
    west, east = grids
    fc = _fc(
        ({"name": "大悲巷第一网格"}, WEST),
        ({"name": "大悲巷第二网格"}, EAST_OVERLAPPING),  # overlaps the first feature
        ({"name": "不存在的网格"}, EAST),
        ({}, EAST),
        (
            {"name": "大悲巷第一网格"},
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        ),
    )
    with pytest.raises(BoundaryError) as caught:
        grid_boundaries_import(actor=admin, community=mini.community_a, feature_collection=fc)
    problems = caught.value.message_dict["features"]
    text = "\n".join(problems)
    assert "不存在的网格" in text
    assert "没有与之对应" in text
    assert "第4个要素" in text
    assert "缺少属性name" in text
    assert "第5个要素" in text
    assert "同一网格" in text
    assert "无效" in text
    assert "大悲巷第二网格" in text
    assert "重叠" in text
    assert caught.value.overlap is not None
    west.refresh_from_db()
    east.refresh_from_db()
    assert west.boundary is None
    assert east.boundary is None


def test_import_checks_against_grids_it_leaves_alone(mini: Any, admin: Any, grids: Any) -> None:
    west, _east = grids
    grid_boundary_set(actor=admin, grid=west, geometry=WEST)
    fc = _fc(({"name": "大悲巷第二网格"}, EAST_OVERLAPPING))
    with pytest.raises(BoundaryError):
        grid_boundaries_import(actor=admin, community=mini.community_a, feature_collection=fc)
    # replacing both at once is fine even though the new east overlaps the old west
    fc = _fc(
        ({"name": "大悲巷第一网格"}, box(118.790, 32.050, 118.794, 32.060)),
        ({"name": "大悲巷第二网格"}, EAST_OVERLAPPING),
    )
    assert grid_boundaries_import(actor=admin, community=mini.community_a, feature_collection=fc).count == 2


def test_import_api(client: Any, mini: Any, admin: Any, grids: Any) -> None:
    client.force_login(admin)
    url = f"/api/v1/areas/{mini.community_a.pk}/grid-boundaries/import"
    fc = _fc(({"code": "nope"}, WEST))
    response = client.post(
        url, json.dumps({"feature_collection": fc, "match_by": "code"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "没有与之对应" in response.json()["errors"]["features"][0]
    fc = _fc(({"name": "大悲巷第一网格"}, WEST))
    response = client.post(
        url, json.dumps({"feature_collection": fc, "dry_run": True}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["dry_run"] is True
    response = client.post(
        f"/api/v1/areas/{mini.grid_a.pk}/grid-boundaries/import",
        json.dumps({"feature_collection": fc}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "community" in response.json()["errors"]
    for bad in ({"feature_collection": {"type": "Feature"}}, {"feature_collection": fc, "match_by": "x"}):
        assert client.post(url, json.dumps(bad), content_type="application/json").status_code == 400
