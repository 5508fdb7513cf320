"""GET /api/v1/audit and /api/v1/audit/{id}: the same filters and scope as the viewer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.core.testing import make_audit_entry

pytestmark = pytest.mark.django_db

API = "/api/v1/audit"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def entries(mini: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "a": make_audit_entry(
            area=mini.community_a, action="registry.person.update", object_repr="张三户", at=now
        ),
        "grid": make_audit_entry(
            area=mini.grid_a, action="gridwork.visit.create", at=now - timedelta(days=5)
        ),
        "b": make_audit_entry(area=mini.community_b, action="registry.person.update", at=now),
        "platform": make_audit_entry(area=None, action="core.rule.create", at=now),
    }


def _ids(response: Any) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def test_anonymous_gets_401(client: Client, entries: Any) -> None:
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/{entries['a'].pk}").status_code == 401


def test_without_permission_403(personas: dict[str, Any], entries: Any) -> None:
    client = _client(personas[Role.COMMUNITY_WORKER])
    assert client.get(API).status_code == 403
    assert client.get(f"{API}/{entries['a'].pk}").status_code == 403


def test_list_is_scoped_and_paginated(personas: dict[str, Any], mini: Any, entries: Any) -> None:
    client = _client(personas[Role.COMMUNITY_HEAD])
    response = client.get(API)
    assert response.status_code == 200
    body = response.json()
    assert _ids(response) == {entries["a"].pk, entries["grid"].pk}
    assert body["count"] == 2
    assert body["page"] == 1
    assert body["pages"] == 1
    assert body["page_size"] == 50
    item = next(i for i in body["items"] if i["id"] == entries["a"].pk)
    assert item["area_name"] == "大悲巷社区"
    assert item["object_repr"] == "张三户"
    assert item["at"].endswith("+08:00")

    for i in range(5):
        make_audit_entry(area=mini.community_a, object_repr=f"对象{i}")
    second = client.get(API, {"page": 2, "page_size": 3}).json()
    assert second["count"] == 7
    assert second["pages"] == 3
    assert len(second["items"]) == 3


def test_system_admin_sees_platform_entries(personas: dict[str, Any], entries: Any) -> None:
    response = _client(personas[Role.SYSTEM_ADMIN]).get(API)
    assert _ids(response) == {e.pk for e in entries.values()}


def test_filters(personas: dict[str, Any], mini: Any, entries: Any) -> None:
    client = _client(personas[Role.STREET_STAFF])
    today = timezone.localdate()
    assert _ids(client.get(API, {"date_from": f"{today:%Y年%m月%d日}"})) == {entries["a"].pk}
    assert _ids(client.get(API, {"date_to": (today - timedelta(days=1)).isoformat()})) == {entries["grid"].pk}
    assert _ids(client.get(API, {"action": "gridwork."})) == {entries["grid"].pk}
    assert _ids(client.get(API, {"q": "张三"})) == {entries["a"].pk}
    assert _ids(client.get(API, {"area": mini.grid_a.pk})) == {entries["grid"].pk}
    assert _ids(client.get(API, {"area": mini.community_a.pk})) == {entries["a"].pk, entries["grid"].pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_to": "下周一"}, "date_to"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"area": "abc"}, "area"),
        ({"page_size": "1000"}, "page_size"),
        ({"page": "0"}, "page"),
    ],
)
def test_bad_filters_are_400_with_field_messages(
    personas: dict[str, Any], entries: Any, params: dict[str, str], field: str
) -> None:
    response = _client(personas[Role.COMMUNITY_HEAD]).get(API, params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in errors[field])


def test_area_outside_scope_is_400(personas: dict[str, Any], mini: Any, entries: Any) -> None:
    response = _client(personas[Role.COMMUNITY_HEAD]).get(API, {"area": mini.community_b.pk})
    assert response.status_code == 400
    assert response.json()["errors"]["area"] == ["所选区域不存在或不在您的管辖范围内。"]


def test_detail_scoped(personas: dict[str, Any], entries: Any) -> None:
    client = _client(personas[Role.COMMUNITY_HEAD])
    own = client.get(f"{API}/{entries['a'].pk}")
    assert own.status_code == 200
    assert own.json()["action"] == "registry.person.update"
    assert client.get(f"{API}/{entries['b'].pk}").status_code == 404
    assert client.get(f"{API}/{entries['platform'].pk}").status_code == 404
    assert _client(personas[Role.SYSTEM_ADMIN]).get(f"{API}/{entries['platform'].pk}").status_code == 200


def test_openapi_declares_the_scoped_model() -> None:
    from config.api import api

    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/audit/{entry_id}"]["get"]
    assert operation["x-scoped-model"] == "core.AuditEntry"


def test_list_query_count(personas: dict[str, Any], mini: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(100):
        make_audit_entry(area=mini.community_a, object_repr=f"对象{i}")
    client = _client(personas[Role.COMMUNITY_HEAD])
    client.get(API)
    with django_assert_max_num_queries(10):
        response = client.get(API, {"page_size": 100})
    assert len(response.json()["items"]) == 100
