"""The map page and its save endpoint (HTTP), and drawing a grid in a real browser."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shequ.core.geo import grid_boundary_set
from shequ.core.models import Area, AreaLevel

from .test_geo_boundaries import COMMUNITY, EAST, EAST_OVERLAPPING, WEST

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(mini: Any, personas: dict[str, Any]) -> tuple[Area, Area]:
    from shequ.demo.factories import make_area

    admin = personas["district_admin"]
    grid_boundary_set(actor=admin, grid=mini.community_a, geometry=COMMUNITY)
    grid_boundary_set(actor=admin, grid=mini.grid_a, geometry=WEST)
    east = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    return mini.grid_a, east


def _data(response: Any) -> dict[str, Any]:
    html = response.content.decode()
    start = html.index(">", html.index('id="area-map-data"')) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_map_page_shows_community_grids_and_uncovered_part(
    client: Any, mini: Any, personas: dict[str, Any], drawn: Any, django_assert_max_num_queries: Any
) -> None:
    west, east = drawn
    client.force_login(personas["district_admin"])
    with django_assert_max_num_queries(25):
        response = client.get(f"/console/areas/{mini.community_a.pk}/map/")
    assert response.status_code == 200
    data = _data(response)
    assert data["frame"]["geometry"]["type"] == "Polygon"
    assert {c["id"]: bool(c["geometry"]) for c in data["children"]} == {west.pk: True, east.pk: False}
    assert all(c["editable"] for c in data["children"])
    assert data["uncovered"]["type"] == "Polygon"
    html = response.content.decode()
    assert "core/leaflet/leaflet.js" in html
    assert "draw-start" in html
    assert "大悲巷第二网格" in html  # listed among the grids without a boundary


def test_a_grid_is_shown_within_its_community_read_only_for_its_worker(
    client: Any, mini: Any, personas: dict[str, Any], drawn: Any
) -> None:
    west, _east = drawn
    client.force_login(personas["community_worker"])
    response = client.get(f"/console/areas/{west.pk}/map/")
    assert response.status_code == 200
    data = _data(response)
    assert data["frame"]["id"] == mini.community_a.pk
    assert not any(c["editable"] for c in data["children"])
    assert "draw-start" not in response.content.decode()
    client.force_login(personas["grid_worker"])  # sees only the grid itself
    data = _data(client.get(f"/console/areas/{west.pk}/map/"))
    assert data["frame"]["id"] == west.pk
    assert data["children"] == []
    assert client.get(f"/console/areas/{mini.grid_b.pk}/map/").status_code == 404


def test_tiles_in_gcj02_get_converted_geometries(
    client: Any, settings: Any, mini: Any, personas: dict[str, Any], drawn: Any
) -> None:
    settings.SHEQU_MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    settings.SHEQU_MAP_TILE_CRS = "gcj02"
    client.force_login(personas["district_admin"])
    data = _data(client.get(f"/console/areas/{mini.community_a.pk}/map/"))
    assert data["tile_url"].startswith("https://tiles.example/")
    assert data["crs"] == "gcj02"
    # GCJ-02 is ≈ 0.005° east of WGS-84 here
    assert data["frame"]["geometry"]["coordinates"][0][0][0] == pytest.approx(118.790 + 0.0052, abs=0.0005)


def _save(client: Any, area: Area, body: Any) -> Any:
    return client.post(
        f"/console/areas/{area.pk}/map/boundary/", json.dumps(body), content_type="application/json"
    )


def test_save_endpoint(client: Any, mini: Any, personas: dict[str, Any], drawn: Any) -> None:
    _west, east = drawn
    client.force_login(personas["district_admin"])
    response = _save(client, east, {"geometry": EAST_OVERLAPPING, "crs": "wgs84"})
    assert response.status_code == 400
    body = response.json()
    assert "重叠" in body["errors"]["boundary"][0]
    assert body["overlap"]["features"][0]["geometry"]["type"] == "Polygon"
    assert _save(client, east, "not an object").status_code == 400
    assert (
        client.post(
            f"/console/areas/{east.pk}/map/boundary/", b"{nope", content_type="application/json"
        ).status_code
        == 400
    )
    assert _save(client, east, {"geometry": EAST, "crs": "wgs84"}).json() == {"ok": True, "id": east.pk}
    east.refresh_from_db()
    assert east.boundary is not None
    assert _save(client, mini.grid_b, {"geometry": EAST}).status_code == 404
    client.force_login(personas["community_worker"])
    assert _save(client, east, {"geometry": None}).status_code == 403


# --------------------------------------------------------------------------- in the browser


def _login(page: Any, live_server: Any, user: Any) -> None:
    from django.test import Client

    from shequ.core.testing import sign_in_browser

    sign_in_browser(page.context, Client(), user, live_server.url)


def _click_at(page: Any, lng: float, lat: float) -> None:
    point = page.evaluate(
        "([lng, lat]) => {"
        " const p = window.shequAreaMap.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
        [lng, lat],
    )
    box = page.locator("#area-map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def _draw(page: Any, ring: list[list[float]]) -> None:
    for lng, lat in ring[:-1]:
        _click_at(page, lng, lat)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_drawing_a_grid_on_the_map(
    page: Any, live_server: Any, mini: Any, personas: dict[str, Any], drawn: Any
) -> None:
    _west, east = drawn
    _login(page, live_server, personas["district_admin"])
    page.goto(f"{live_server.url}/console/areas/{mini.community_a.pk}/map/")
    page.wait_for_function("() => window.shequAreaMap !== undefined")
    assert page.locator("path.uncovered").count() == 1
    # an overlapping polygon: refused, the overlap drawn in red
    page.locator(f"button.draw-start[data-area='{east.pk}']").click()
    _draw(page, EAST_OVERLAPPING["coordinates"][0])
    assert "已选顶点：4" in page.locator("#draw-status").inner_text()
    page.locator("#draw-save").click()
    page.locator("#draw-errors .field-error").first.wait_for()
    assert "重叠" in page.locator("#draw-errors").inner_text()
    page.locator("path.overlap").first.wait_for()
    east.refresh_from_db()
    assert east.boundary is None
    # a valid one: saved, the page reloads with the grid drawn and the community covered
    page.locator(f"button.draw-start[data-area='{east.pk}']").click()
    _draw(page, EAST["coordinates"][0])
    with page.expect_navigation():
        page.locator("#draw-save").click()
    east.refresh_from_db()
    assert east.boundary is not None
    coords = east.boundary["coordinates"][0]
    # the corners snapped to the community's and the first grid's: the edge is shared exactly
    assert sorted(map(tuple, coords[:-1])) == sorted(map(tuple, EAST["coordinates"][0][:-1]))
    page.wait_for_function("() => window.shequAreaMap !== undefined")
    assert page.locator("path.uncovered").count() == 0
