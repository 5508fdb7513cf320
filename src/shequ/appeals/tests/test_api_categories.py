"""The category catalogue and classifier versions over the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.appeals.classifier.runtime import suggest
from shequ.appeals.models import Category, ClassifierVersion
from shequ.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_classifier")]

BASE = "/api/v1/appeals"


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def test_any_staff_lists_the_catalogue(
    client: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas[Role.DEPARTMENT_HANDLER])
    with django_assert_max_num_queries(10):  # session, user, posts; one for all categories
        rows = client.get(f"{BASE}/categories").json()
    assert [r["code"] for r in rows][:3] == ["ENV-WASTE", "ENV-SORT", "ENV-STALL"]
    assert len(rows) == 32
    fire = next(r for r in rows if r["code"] == "SAF-FIRE")
    assert (fire["responsible_unit"], fire["unit_level_label"], fire["emergency_line"]) == (
        "消防救援大队",
        "区级",
        "119",
    )
    client.force_login(personas["resident"])
    assert client.get(f"{BASE}/categories").status_code == 403


def test_managers_change_a_category_and_the_suggestions_follow(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    assert _send(client, "PATCH", f"{BASE}/categories/INF-LIGHT", {"is_active": False}).status_code == 403
    admin = personas[Role.SYSTEM_ADMIN]
    client.force_login(admin)
    response = _send(
        client,
        "PATCH",
        f"{BASE}/categories/INF-LIGHT",
        {"responsible_unit": "城市照明管理处", "reason": "机构调整"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["responsible_unit"] == "城市照明管理处"
    assert suggest("路灯不亮")[0].unit == "城市照明管理处"
    assert _send(client, "PATCH", f"{BASE}/categories/INF-LIGHT", {"is_active": False}).status_code == 200
    assert "INF-LIGHT" not in [s.category for s in suggest("路灯不亮")]
    assert (
        AuditEntry.objects.filter(
            action="appeals.category.update", object_id=str(Category.objects.get(code="INF-LIGHT").pk)
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit_level": "planet"}, "unit_level"),
        ({"urgency": "whenever"}, "urgency"),
        ({"emergency_line": "999"}, "emergency_line"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"response_hours": 200}, "resolve_hours"),
        ({"responsible_unit": "单位\x00"}, "responsible_unit"),
    ],
)
def test_bad_changes_are_400_on_the_field_and_write_nothing(
    client: Any, personas: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    client.force_login(personas[Role.CITY_ADMIN])
    before = Category.objects.get(code="ENV-WASTE")
    response = _send(client, "PATCH", f"{BASE}/categories/ENV-WASTE", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    after = Category.objects.get(code="ENV-WASTE")
    assert (after.updated_at, after.name, after.unit_level) == (
        before.updated_at,
        before.name,
        before.unit_level,
    )
    assert not AuditEntry.objects.filter(action="appeals.category.update").exists()


def test_unknown_codes_are_404(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.CITY_ADMIN])
    assert _send(client, "PATCH", f"{BASE}/categories/NOPE-X", {"order": 1}).status_code == 404
    assert _send(client, "PATCH", f"{BASE}/categories/{'x' * 64}", {"order": 1}).status_code == 404


def test_managers_create_a_category(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.CITY_ADMIN])
    body = {
        "code": "ENV-WATERWAY",
        "name": "河道保洁",
        "responsible_unit": "水务局",
        "unit_level": "district",
        "response_hours": 24,
        "resolve_hours": 72,
    }
    response = _send(client, "POST", f"{BASE}/categories", body)
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "ENV-WATERWAY"
    assert _send(client, "POST", f"{BASE}/categories", body).json()["errors"]["code"] == [
        "该分类代码已存在。"
    ]
    assert _send(client, "POST", f"{BASE}/categories", {**body, "code": "bad code"}).status_code == 400
    # not known to the model yet: never suggested over the categories it knows
    assert "ENV-WATERWAY" not in [s.category for s in suggest("河道里漂着垃圾")]
    client.force_login(personas[Role.COMMUNITY_HEAD])
    assert _send(client, "POST", f"{BASE}/categories", {**body, "code": "ENV-OTHER"}).status_code == 403


def test_versions_listed_and_activated(client: Any, personas: dict[str, Any]) -> None:
    from shequ.appeals.services import classifier_retrain

    admin = personas[Role.CITY_ADMIN]
    first = classifier_retrain(actor=admin)
    classifier_retrain(actor=admin)
    client.force_login(personas[Role.GRID_WORKER])
    rows = client.get(f"{BASE}/classifier/versions").json()
    assert [(r["version"], r["is_active"]) for r in rows] == [(2, True), (1, False)]
    assert rows[0]["eval_count"] >= 1000
    assert 0 < rows[0]["top1"] <= rows[0]["top3"] <= 1
    url = f"{BASE}/classifier/versions/1/activate"
    assert _send(client, "POST", url, {}).status_code == 403
    client.force_login(admin)
    assert _send(client, "POST", url, {"reason": "回退"}).json()["is_active"] is True
    first.refresh_from_db()
    assert first.is_active
    assert _send(client, "POST", f"{BASE}/classifier/versions/99/activate", {}).status_code == 404
    assert ClassifierVersion.objects.filter(is_active=True).count() == 1


def test_retrain_is_queued(
    client: Any, personas: dict[str, Any], monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from shequ.appeals import tasks

    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.retrain_classifier, "delay", lambda **kw: queued.append(kw))
    client.force_login(personas[Role.STREET_STAFF])
    assert _send(client, "POST", f"{BASE}/classifier/retrain", {}).status_code == 403
    client.force_login(personas[Role.DISTRICT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "POST", f"{BASE}/classifier/retrain", {"reason": "月度更新"})
    assert response.status_code == 202
    assert queued == [{"actor_id": personas[Role.DISTRICT_ADMIN].pk, "reason": "月度更新"}]
