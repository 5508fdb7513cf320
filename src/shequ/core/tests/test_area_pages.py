"""The console's area pages: the tree, an area's detail, the edit form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.core.models import Area, AreaLevel, AuditEntry
from shequ.demo.factories import make_area

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[118.79, 32.05], [118.80, 32.05], [118.80, 32.06], [118.79, 32.06], [118.79, 32.05]]],
}
BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


def _json(client: Any, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_tree_page_starts_at_the_users_top_areas(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas[Role.STREET_STAFF])
    for i in range(12):
        make_area(f"梅园第{i}网格", AreaLevel.GRID, mini.community_a)
    with django_assert_max_num_queries(14):
        response = client.get("/console/areas/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "梅园新村街道" in html
    assert "大悲巷社区" in html
    assert "东湖村" in html
    assert "夫子庙街道" not in html
    assert "钓鱼台社区" not in html
    assert "居民委员会" in html
    assert "村民委员会" in html
    section = response.context["sections"][0]
    community = next(c for c in section["children"] if c.pk == mini.community_a.pk)
    assert community.n_children == 13
    assert community.n_posts == 3  # community worker, head and supervision member


def test_tree_page_query_count_is_flat(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas[Role.CITY_ADMIN])
    for i in range(15):
        make_area(f"区{i}", AreaLevel.DISTRICT, mini.city, code=f"3201{20 + i}")
    with django_assert_max_num_queries(14):
        response = client.get("/console/areas/")
    assert response.status_code == 200
    assert response.content.decode().count('class="area-row') == 17


def test_detail_page_shows_children_and_history(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    client.force_login(admin)
    _json(client, "patch", f"/api/v1/areas/{mini.community_a.pk}", {"name": "大悲巷新社区"})
    for i in range(8):
        make_area(f"网格{i}", AreaLevel.GRID, mini.community_a)
    with django_assert_max_num_queries(18):
        response = client.get(f"/console/areas/{mini.community_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "区划调整历史" in html
    assert "更名" in html
    assert "大悲巷社区 → 大悲巷新社区" in html
    assert "大悲巷第一网格" in html
    assert f"/console/areas/{mini.community_a.pk}/edit/" in html
    assert client.get(f"/console/areas/{mini.community_b.pk}/").status_code == 404


def test_detail_page_for_a_reader_has_no_edit_link(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    response = client.get(f"/console/areas/{mini.community_a.pk}/")
    assert response.status_code == 200
    assert "/edit/" not in response.content.decode()
    assert client.get(f"/console/areas/{mini.community_a.pk}/edit/").status_code == 403
    assert client.get(f"/console/areas/{mini.street_a.pk}/").status_code == 404


def test_edit_form(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.DISTRICT_ADMIN])
    url = f"/console/areas/{mini.community_a.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "大悲巷社区",
            "urban_rural_code": "111",
            "heavy_load": "",
            "rural_override": "",
            "boundary": json.dumps(BOWTIE),
        },
    )
    assert response.status_code == 400
    assert "边界多边形无效" in response.content.decode()
    response = client.post(url, {"name": "", "boundary": "{not json"})
    html = response.content.decode()
    assert "请填写名称。" in html
    assert "边界不是有效的JSON。" in html
    response = client.post(
        url,
        {
            "name": "大悲巷社区",
            "urban_rural_code": "112",
            "heavy_load": "old_estate",
            "rural_override": "rural",
            "boundary": json.dumps(SQUARE),
            "reason": "普查更正",
        },
    )
    assert response.status_code == 302
    area = Area.objects.get(pk=mini.community_a.pk)
    assert (area.urban_rural_code, area.heavy_load, area.rural_override) == ("112", "old_estate", True)
    assert area.boundary is not None
    assert area.boundary["type"] == "Polygon"
    entry = AuditEntry.objects.filter(action="area.update", object_id=str(area.pk)).get()
    assert entry.reason == "普查更正"
    assert client.get(f"/console/areas/{mini.community_b.pk}/edit/").status_code == 404


def test_resident_is_sent_to_the_portal(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas["resident"])
    assert client.get("/console/areas/").status_code == 302
