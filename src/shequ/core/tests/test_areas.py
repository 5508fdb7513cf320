"""The areas API: filters, detail, children, history, create, edit, adjustments (pages: test_area_pages)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.core.areas import code_prefix, validate_boundary
from shequ.core.models import Area, AreaChange, AreaChangeKind, AreaLevel, AuditEntry
from shequ.demo.factories import make_area, make_resident

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[118.79, 32.05], [118.80, 32.05], [118.80, 32.06], [118.79, 32.06], [118.79, 32.05]]],
}
BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


def _past() -> str:
    return (timezone.localdate() - timedelta(days=10)).isoformat()


def _json(client: Any, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def admin_client(client: Any, personas: dict[str, Any]) -> Any:
    client.force_login(personas[Role.DISTRICT_ADMIN])
    return client


# --------------------------------------------------------------------------- unit helpers


def test_code_prefix() -> None:
    assert code_prefix("320100") == "3201"
    assert code_prefix("320000") == "32"
    assert code_prefix("320102") == "320102"
    assert code_prefix("320102002") == "320102002"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (SQUARE, True),
        ({"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}, True),
        (None, True),
        (BOWTIE, False),
        ({"type": "Point", "coordinates": [118.8, 32.0]}, False),
        ({"type": "Polygon", "coordinates": "nonsense"}, False),
        ({"type": "Polygon", "coordinates": [[[500, 0], [501, 0], [501, 1], [500, 0]]]}, False),
        ({"type": "Polygon", "coordinates": []}, False),
        ("a string", False),
    ],
)
def test_validate_boundary(value: Any, ok: bool) -> None:
    error = validate_boundary(value)
    assert (error is None) == ok
    if error:
        assert "边界" in error


# --------------------------------------------------------------------------- reads


def test_list_filters_and_paginates(admin_client: Any, mini: Any) -> None:
    body = admin_client.get("/api/v1/areas").json()
    ids = {a["id"] for a in body["items"]}
    assert ids == {
        mini.district_a.pk,
        mini.street_a.pk,
        mini.community_a.pk,
        mini.village_a.pk,
        mini.grid_a.pk,
    }
    assert body["count"] == 5
    body = admin_client.get("/api/v1/areas", {"level": "community"}).json()
    assert [a["id"] for a in body["items"]] == [mini.community_a.pk]
    assert body["items"][0]["level_label"] == "社区（居委会）"
    body = admin_client.get("/api/v1/areas", {"parent_id": mini.street_a.pk}).json()
    assert {a["id"] for a in body["items"]} == {mini.community_a.pk, mini.village_a.pk}
    body = admin_client.get("/api/v1/areas", {"q": "东湖"}).json()
    assert [a["name"] for a in body["items"]] == ["东湖村"]
    body = admin_client.get("/api/v1/areas", {"q": "320102002"}).json()
    assert body["count"] == 3  # street, community, village by code prefix
    page = admin_client.get("/api/v1/areas", {"limit": 2, "offset": 2}).json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (5, 2, 2, 2)
    assert admin_client.get("/api/v1/areas", {"limit": 0}).status_code == 422
    # another district's areas never appear, whatever the filter
    body = admin_client.get("/api/v1/areas", {"parent_id": mini.street_b.pk}).json()
    assert body == {"count": 0, "limit": 100, "offset": 0, "items": []}


def test_list_includes_closed_areas_only_when_asked(admin_client: Any, mini: Any) -> None:
    Area.objects.filter(pk=mini.village_a.pk).update(valid_to=timezone.localdate() - timedelta(days=1))
    ids = {a["id"] for a in admin_client.get("/api/v1/areas").json()["items"]}
    assert mini.village_a.pk not in ids
    items = admin_client.get("/api/v1/areas", {"include_closed": "true"}).json()["items"]
    closed = next(a for a in items if a["id"] == mini.village_a.pk)
    assert closed["is_current"] is False
    assert closed["valid_to"] is not None


def test_list_query_count_does_not_grow(
    admin_client: Any, mini: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        make_area(f"网格{i}", AreaLevel.GRID, mini.community_a)
    with django_assert_max_num_queries(8):
        body = admin_client.get("/api/v1/areas", {"limit": 500}).json()
    assert body["count"] == 30


def test_detail_children_and_history(admin_client: Any, mini: Any) -> None:
    detail = admin_client.get(f"/api/v1/areas/{mini.community_a.pk}").json()
    assert detail["code"] == "320102002001"
    assert detail["committee_type"] == "residents"
    assert detail["is_rural"] is False
    assert detail["path"] == mini.community_a.path
    children = admin_client.get(f"/api/v1/areas/{mini.street_a.pk}/children").json()
    assert {c["id"] for c in children} == {mini.community_a.pk, mini.village_a.pk}
    _json(admin_client, "patch", f"/api/v1/areas/{mini.village_a.pk}", {"name": "东湖新村"})
    history = admin_client.get(f"/api/v1/areas/{mini.village_a.pk}/history").json()
    assert history[0]["kind"] == "rename"
    assert history[0]["kind_label"] == "更名"
    assert history[0]["details"] == {"from": "东湖村", "to": "东湖新村"}
    assert history[0]["sources"][0]["id"] == mini.village_a.pk


def test_sibling_ids_answer_404(admin_client: Any, mini: Any) -> None:
    for url in (
        f"/api/v1/areas/{mini.community_b.pk}",
        f"/api/v1/areas/{mini.community_b.pk}/children",
        f"/api/v1/areas/{mini.community_b.pk}/history",
        "/api/v1/areas/999999999",
    ):
        assert admin_client.get(url).status_code == 404, url
    response = _json(admin_client, "patch", f"/api/v1/areas/{mini.community_b.pk}", {"name": "x"})
    assert response.status_code == 404
    assert Area.objects.get(pk=mini.community_b.pk).name == "钓鱼台社区"


# --------------------------------------------------------------------------- create


def test_create_area(admin_client: Any, mini: Any) -> None:
    response = _json(
        admin_client,
        "post",
        "/api/v1/areas",
        {
            "name": "大悲巷第二网格",
            "level": "grid",
            "parent_id": mini.community_a.pk,
            "boundary": SQUARE,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    area = Area.objects.get(pk=body["id"])
    assert area.path == f"{mini.community_a.path}{area.pk}/"
    assert area.boundary is not None
    assert area.boundary["type"] == "Polygon"
    assert AuditEntry.objects.filter(action="area.create", object_id=str(area.pk)).count() == 1
    assert AreaChange.objects.filter(kind=AreaChangeKind.CREATE, results=area).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "新社区", "level": "community", "parent_id": 999999, "code": "320102002009"}, "parent_id"),
        ({"name": "新社区", "level": "community", "code": "320102002009"}, "parent_id"),
        ({"name": "新社区", "level": "community", "parent_id": "STREET_A", "code": "320102002001"}, "code"),
        ({"name": "新社区", "level": "community", "parent_id": "STREET_A", "code": "32010200200x"}, "code"),
        ({"name": "新社区", "level": "community", "parent_id": "STREET_A", "code": "3201020020"}, "code"),
        ({"name": "新社区", "level": "community", "parent_id": "STREET_A", "code": "320104007009"}, "code"),
        ({"name": "新社区", "level": "community", "parent_id": "STREET_A", "code": "320102002209"}, "code"),
        ({"name": "新社区", "level": "grid", "parent_id": "STREET_A"}, "parent"),
        ({"name": "", "level": "grid", "parent_id": "COMMUNITY_A"}, "name"),
        ({"name": "网格", "level": "nonsense", "parent_id": "COMMUNITY_A"}, "level"),
        ({"name": "网格", "level": "grid", "parent_id": "COMMUNITY_A", "boundary": BOWTIE}, "boundary"),
        (
            {"name": "网格", "level": "grid", "parent_id": "COMMUNITY_A", "urban_rural_code": "999"},
            "urban_rural_code",
        ),
        ({"name": "网\x00格", "level": "grid", "parent_id": "COMMUNITY_A"}, "name"),
    ],
)
def test_create_refuses_bad_input(admin_client: Any, mini: Any, body: dict[str, Any], field: str) -> None:
    places = {"STREET_A": mini.street_a.pk, "COMMUNITY_A": mini.community_a.pk}
    body = {k: places.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    count = Area.objects.count()
    response = _json(admin_client, "post", "/api/v1/areas", body)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[field][0])
    assert Area.objects.count() == count


def _unknown_area_id() -> int:
    return (Area.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _same_answer(outside: Any, unknown: Any, outside_id: int, unknown_id: int) -> None:
    """Both 400, and the bodies are the same once the id each names is swapped for the other."""
    assert outside.status_code == unknown.status_code == 400, (outside.content, unknown.content)
    text = json.dumps(outside.json(), ensure_ascii=False)
    swapped = text.replace(f"编号为{outside_id}的", f"编号为{unknown_id}的")
    assert swapped != text
    assert json.loads(swapped) == unknown.json()


def test_create_under_a_parent_out_of_scope_answers_as_if_unknown(admin_client: Any, mini: Any) -> None:
    count = Area.objects.count()
    unknown_id = _unknown_area_id()
    body = {"name": "新社区", "level": "community", "code": "320104007009"}
    outside = _json(admin_client, "post", "/api/v1/areas", {**body, "parent_id": mini.street_b.pk})
    unknown = _json(admin_client, "post", "/api/v1/areas", {**body, "parent_id": unknown_id})
    _same_answer(outside, unknown, mini.street_b.pk, unknown_id)
    assert unknown.json()["errors"] == {
        "parent_id": [f"编号为{unknown_id}的区域不存在或不在您的管辖范围内。"]
    }
    stat_unknown = _json(
        admin_client,
        "post",
        "/api/v1/areas",
        {**body, "parent_id": mini.street_a.pk, "stat_parent_id": unknown_id},
    )
    assert stat_unknown.status_code == 400
    assert set(stat_unknown.json()["errors"]) == {"stat_parent_id"}
    assert Area.objects.count() == count


def test_a_statistical_parent_outside_the_managed_areas_may_be_named(admin_client: Any, mini: Any) -> None:
    """Like 江北新区 naming 浦口区: the statistical parent is a public fact and grants no access."""
    created = _json(
        admin_client,
        "post",
        "/api/v1/areas",
        {
            "name": "托管街道",
            "level": "street",
            "code": "320104099",
            "parent_id": mini.district_a.pk,
            "stat_parent_id": mini.district_b.pk,
        },
    )
    assert created.status_code == 201, created.content
    area = Area.objects.get(code="320104099")
    assert area.parent_id == mini.district_a.pk
    assert area.stat_parent_id == mini.district_b.pk
    assert area.path.startswith(mini.district_a.path)


def test_move_and_merge_with_an_area_out_of_scope_answer_as_if_unknown(admin_client: Any, mini: Any) -> None:
    unknown_id = _unknown_area_id()
    url = f"/api/v1/areas/{mini.street_a.pk}/move"
    outside = _json(admin_client, "post", url, {"new_parent_id": mini.district_b.pk, "effective_on": _past()})
    unknown = _json(admin_client, "post", url, {"new_parent_id": unknown_id, "effective_on": _past()})
    _same_answer(outside, unknown, mini.district_b.pk, unknown_id)
    assert set(unknown.json()["errors"]) == {"new_parent_id"}
    url = f"/api/v1/areas/{mini.community_a.pk}/merge"
    outside = _json(admin_client, "post", url, {"source_ids": [mini.community_b.pk], "effective_on": _past()})
    unknown = _json(admin_client, "post", url, {"source_ids": [unknown_id], "effective_on": _past()})
    _same_answer(outside, unknown, mini.community_b.pk, unknown_id)
    assert set(unknown.json()["errors"]) == {"source_ids"}
    assert Area.objects.get(pk=mini.street_a.pk).parent_id != mini.district_b.pk
    assert not AreaChange.objects.exists()


def test_create_needs_the_permission(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    response = _json(
        client, "post", "/api/v1/areas", {"name": "网格", "level": "grid", "parent_id": mini.community_a.pk}
    )
    assert response.status_code == 403
    client.force_login(personas["resident"])
    response = _json(
        client, "post", "/api/v1/areas", {"name": "网格", "level": "grid", "parent_id": mini.community_a.pk}
    )
    assert response.status_code == 403
    # without the permission the answer is 403 whatever the body names
    response = _json(
        client, "post", "/api/v1/areas", {"name": "网格", "level": "grid", "parent_id": mini.community_b.pk}
    )
    assert response.status_code == 403


def test_api_token_auth(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    from shequ.accounts.services import api_token_create

    _token, value = api_token_create(actor=None, user=personas[Role.STREET_STAFF])
    response = client.get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {value}")
    assert response.status_code == 200
    assert {a["id"] for a in response.json()["items"]} == {
        mini.street_a.pk,
        mini.community_a.pk,
        mini.village_a.pk,
        mini.grid_a.pk,
    }
    assert client.get("/api/v1/areas").status_code == 401


# --------------------------------------------------------------------------- patch


def test_patch_fields(admin_client: Any, mini: Any) -> None:
    response = _json(
        admin_client,
        "patch",
        f"/api/v1/areas/{mini.village_a.pk}",
        {
            "urban_rural_code": "112",
            "heavy_load": "resettlement",
            "rural_override": False,
            "boundary": SQUARE,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["urban_rural_code"] == "112"
    assert body["heavy_load"] == "resettlement"
    assert body["is_rural"] is False  # the admin's override wins over the committee type
    assert body["boundary"]["type"] == "Polygon"
    response = _json(admin_client, "patch", f"/api/v1/areas/{mini.village_a.pk}", {"rural_override": None})
    assert response.json()["is_rural"] is True  # back to the committee type (村委会)
    response = _json(admin_client, "patch", f"/api/v1/areas/{mini.village_a.pk}", {"boundary": None})
    assert response.json()["boundary"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"boundary": BOWTIE},
        {"boundary": {"type": "Point", "coordinates": [1, 2]}},
        {"boundary": {"type": "Polygon", "coordinates": [["x"]]}},
        {"name": ""},
        {"heavy_load": "castle"},
        {"urban_rural_code": "000"},
    ],
)
def test_patch_refuses_bad_input(admin_client: Any, mini: Any, body: dict[str, Any]) -> None:
    before = Area.objects.filter(pk=mini.community_a.pk).values().get()
    response = _json(admin_client, "patch", f"/api/v1/areas/{mini.community_a.pk}", body)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == set(body)
    after = Area.objects.filter(pk=mini.community_a.pk).values().get()
    assert after == before


def test_patch_needs_the_permission(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.COMMUNITY_HEAD])
    response = _json(client, "patch", f"/api/v1/areas/{mini.community_a.pk}", {"name": "x"})
    assert response.status_code == 403
    response = _json(client, "patch", f"/api/v1/areas/{mini.community_b.pk}", {"name": "x"})
    assert response.status_code == 404


# --------------------------------------------------------------------------- adjustments


def test_merge_over_the_api(admin_client: Any, mini: Any) -> None:
    other = make_area("丹凤街社区", AreaLevel.COMMUNITY, mini.street_a, code="320102002002")
    resident = make_resident("13900000011", home_area=other)
    response = _json(
        admin_client,
        "post",
        f"/api/v1/areas/{mini.community_a.pk}/merge",
        {"source_ids": [other.pk], "effective_on": _past(), "document": "玄政复〔2026〕3号"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "merge"
    other.refresh_from_db()
    assert other.successor_id == mini.community_a.pk
    history = admin_client.get(f"/api/v1/areas/{mini.community_a.pk}/history").json()
    assert history[0]["kind"] == "merge"
    assert history[0]["sources"][0]["id"] == other.pk
    # the merged community now shows among the target's closed children
    children = admin_client.get(f"/api/v1/areas/{mini.community_a.pk}/children?include_closed=true").json()
    assert other.pk in {c["id"] for c in children}
    assert resident.home_area_id == other.pk


def test_merge_over_the_api_refuses(admin_client: Any, mini: Any) -> None:
    url = f"/api/v1/areas/{mini.community_a.pk}/merge"
    response = _json(admin_client, "post", url, {"source_ids": [mini.street_a.pk], "effective_on": _past()})
    assert response.status_code == 400
    assert "sources" in response.json()["errors"]
    response = _json(admin_client, "post", url, {"source_ids": [999999], "effective_on": _past()})
    assert response.status_code == 400
    assert "source_ids" in response.json()["errors"]
    response = _json(
        admin_client, "post", url, {"source_ids": [mini.community_b.pk], "effective_on": _past()}
    )
    assert response.status_code == 400
    assert "source_ids" in response.json()["errors"]
    response = _json(
        admin_client, "post", url, {"source_ids": [mini.village_a.pk], "effective_on": "2026-13-01"}
    )
    assert response.status_code == 422
    assert not AreaChange.objects.filter(kind=AreaChangeKind.MERGE).exists()


def test_split_over_the_api(admin_client: Any, mini: Any) -> None:
    grid_2 = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    url = f"/api/v1/areas/{mini.community_a.pk}/split"
    body: dict[str, Any] = {
        "parts": [{"name": "东社区", "code": "320102002001"}, {"name": "西社区", "code": "320102002004"}],
        "assignments": {str(mini.grid_a.pk): 0},
        "effective_on": _past(),
    }
    response = _json(admin_client, "post", url, body)
    assert response.status_code == 400
    assert "大悲巷第二网格" in response.json()["errors"]["assignments"][0]
    body["assignments"][str(grid_2.pk)] = 1
    response = _json(admin_client, "post", url, body)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["name"] for r in results] == ["东社区", "西社区"]
    assert Area.objects.get(pk=grid_2.pk).parent_id == results[1]["id"]


def test_move_over_the_api(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.CITY_ADMIN])
    response = _json(
        client,
        "post",
        f"/api/v1/areas/{mini.street_a.pk}/move",
        {"new_parent_id": mini.district_b.pk, "effective_on": _past()},
    )
    assert response.status_code == 200, response.content
    assert Area.objects.get(pk=mini.grid_a.pk).path.startswith(mini.district_b.path)
    response = _json(
        client,
        "post",
        f"/api/v1/areas/{mini.street_a.pk}/move",
        {"new_parent_id": mini.grid_a.pk, "effective_on": _past()},
    )
    assert response.status_code == 400
    assert "new_parent" in response.json()["errors"]


def test_abolish_over_the_api(admin_client: Any, mini: Any) -> None:
    response = _json(
        admin_client, "post", f"/api/v1/areas/{mini.community_a.pk}/abolish", {"effective_on": _past()}
    )
    assert response.status_code == 400
    assert "area" in response.json()["errors"]
    response = _json(
        admin_client, "post", f"/api/v1/areas/{mini.grid_a.pk}/abolish", {"effective_on": _past()}
    )
    assert response.status_code == 200


def test_every_area_operation_with_an_id_declares_its_model(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/areas/{area_id}"):
            for method, operation in operations.items():
                assert operation.get("x-scoped-model") == "core.Area", (method, path)
