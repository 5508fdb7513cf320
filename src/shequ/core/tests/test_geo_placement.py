"""Point-in-grid: the right grid, shared edges, outside, re-placing after a boundary changes, the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shequ.core.geo import grid_boundary_set, place_point, place_points, wgs84_to_bd09, wgs84_to_gcj02
from shequ.core.geo.placement import grid_index, reset_index
from shequ.core.models import Area, AreaLevel

from .test_geo_boundaries import COMMUNITY, EAST, WEST, box

pytestmark = pytest.mark.django_db

IN_WEST = (118.7925, 32.055)
IN_EAST = (118.7975, 32.055)
ON_EDGE = (118.795, 32.055)
OUTSIDE = (118.85, 32.10)


@pytest.fixture
def placed(mini: Any, personas: dict[str, Any]) -> tuple[Area, Area, Any]:
    from shequ.demo.factories import make_area

    reset_index()  # another test's index may be cached in this process
    admin = personas["district_admin"]
    grid_boundary_set(actor=admin, grid=mini.community_a, geometry=COMMUNITY)
    east = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    grid_boundary_set(actor=admin, grid=mini.grid_a, geometry=WEST)
    grid_boundary_set(actor=admin, grid=east, geometry=EAST)
    return mini.grid_a, east, admin


def test_a_point_lands_in_its_grid(placed: Any) -> None:
    west, east, _admin = placed
    assert place_point(*IN_WEST) == west
    assert place_point(*IN_EAST) == east
    assert place_point(*OUTSIDE) is None


def test_points_in_gcj02_and_bd09_are_converted_first(placed: Any) -> None:
    west, _east, _admin = placed
    assert place_point(*wgs84_to_gcj02(*IN_WEST), crs="gcj02") == west
    assert place_point(*wgs84_to_bd09(*IN_WEST), crs="bd09") == west
    # read as WGS-84, the GCJ-02 coordinates are ≈ 500 m east: outside the community
    assert place_point(*wgs84_to_gcj02(*IN_WEST)) != west


def test_a_point_on_a_shared_edge_goes_to_the_smaller_id_every_time(placed: Any) -> None:
    west, east, _admin = placed
    first = min(west.pk, east.pk)
    assert place_point(*ON_EDGE).pk == first  # type: ignore[union-attr]
    assert place_points([ON_EDGE] * 5) == [first] * 5


def test_bulk_placement(placed: Any) -> None:
    west, east, _admin = placed
    assert place_points([IN_WEST, IN_EAST, OUTSIDE, IN_WEST]) == [west.pk, east.pk, None, west.pk]
    assert place_points([]) == []


def test_within_limits_to_a_subtree(placed: Any, mini: Any) -> None:
    west, _east, _admin = placed
    assert place_point(*IN_WEST, within=mini.community_a) == west
    assert place_point(*IN_WEST, within=mini.street_a) == west
    assert place_point(*IN_WEST, within=mini.community_b) is None
    assert place_points([IN_WEST], within=mini.community_b) == [None]


def test_changing_a_boundary_replaces_points(placed: Any) -> None:
    west, east, admin = placed
    point = (118.7940, 32.055)  # in the west grid, 95 m from the edge
    assert place_point(*point) == west
    index = grid_index()
    assert grid_index() is index  # nothing changed: the same tree is reused
    # move the edge 0.002° west: the point is now in the east grid
    grid_boundary_set(actor=admin, grid=west, geometry=box(118.790, 32.050, 118.793, 32.060))
    assert place_point(*point) is None  # in the gap, until the east grid grows
    grid_boundary_set(actor=admin, grid=east, geometry=box(118.793, 32.050, 118.800, 32.060))
    assert place_point(*point) == east
    assert grid_index() is not index


def test_removing_a_boundary_or_abolishing_a_grid_unplaces(placed: Any) -> None:
    west, _east, admin = placed
    grid_boundary_set(actor=admin, grid=west, geometry=None)
    assert place_point(*IN_WEST) is None


def test_place_api_answers_only_with_grids_the_caller_sees(
    client: Any, placed: Any, personas: dict[str, Any]
) -> None:
    west, _east, _admin = placed

    def place(user: Any, body: dict[str, Any]) -> Any:
        client.force_login(user)
        return client.post("/api/v1/geo/place", json.dumps(body), content_type="application/json")

    response = place(personas["grid_worker"], {"lng": IN_WEST[0], "lat": IN_WEST[1]})
    assert response.status_code == 200
    assert response.json()["grid"]["id"] == west.pk
    gcj = wgs84_to_gcj02(*IN_WEST)
    assert (
        place(personas["grid_worker"], {"lng": gcj[0], "lat": gcj[1], "crs": "gcj02"}).json()["grid"]["id"]
        == west.pk
    )
    # the east grid is outside the grid worker's area: no answer rather than a name
    assert place(personas["grid_worker"], {"lng": IN_EAST[0], "lat": IN_EAST[1]}).json()["grid"] is None
    assert (
        place(personas["community_worker"], {"lng": IN_EAST[0], "lat": IN_EAST[1]}).json()["grid"]["name"]
        == "大悲巷第二网格"
    )
    assert place(personas["grid_worker"], {"lng": 500, "lat": 32}).status_code == 422
    assert place(personas["grid_worker"], {"lng": 118.8, "lat": 32, "crs": "utm"}).status_code == 400


def test_the_index_is_trusted_for_a_while_and_a_saved_boundary_marks_it_stale(
    placed: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _west, east, admin = placed
    settings.SHEQU_GRID_INDEX_RECHECK_SECONDS = 3600
    reset_index()
    assert place_point(*IN_EAST) == east
    # a change behind the process's back (a queryset update) is not seen until the re-check …
    Area.objects.filter(pk=east.pk).update(boundary=None)
    assert place_point(*IN_EAST) == east
    # … while a boundary saved through the services marks the index stale once it commits
    northern_half = box(118.795, 32.0575, 118.800, 32.060)  # no longer holds IN_EAST (y = 32.055)
    with django_capture_on_commit_callbacks(execute=True):
        grid_boundary_set(actor=admin, grid=east, geometry=northern_half)
    assert place_point(*IN_EAST) is None
    assert place_point(118.7975, 32.059) == east


def test_grid_rows_are_held_with_the_index_and_each_caller_gets_its_own(
    placed: Any,
    mini: Any,
    settings: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    west, _east, _admin = placed
    settings.SHEQU_GRID_INDEX_RECHECK_SECONDS = 3600
    reset_index()
    first = place_point(*IN_WEST)  # builds the index and reads every grid and community once
    with django_assert_num_queries(0):
        again = place_point(*IN_WEST)
        assert again is not None
        assert again.parent is not None
    assert again == west
    assert again is not first
    assert again.parent == mini.community_a
    assert again.get_deferred_fields() == {"boundary"}  # the GeoJSON is not carried along
    again.name = "只在这次请求里改"
    assert place_point(*IN_WEST).name == west.name  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        mini.community_a.name = "改名后的社区"
        mini.community_a.save(update_fields=["name"])
    renamed = place_point(*IN_WEST)
    assert renamed is not None
    assert renamed.parent.name == "改名后的社区"  # type: ignore[union-attr]
