"""Registry API over HTTP: scope, masks, sensitive tags, bad input as field errors with nothing written."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.core.models import AreaLevel, AuditEntry
from shequ.demo.factories import make_area, make_citizen_id, make_household, make_person, make_staff
from shequ.registry.models import Household, Person, PersonTag, Tag

pytestmark = pytest.mark.django_db

ID_A = make_citizen_id("320102", date(1948, 12, 1), 31)


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def test_grid_worker_sees_own_grid_and_404_for_the_sibling(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    own = make_household(mini.grid_a, head=make_person(mini.grid_a, "甲", seq=1))
    other = make_household(mini.grid_b, head=make_person(mini.grid_b, "乙", seq=2))
    client.force_login(personas[Role.GRID_WORKER])
    listed = client.get("/api/v1/registry/households").json()
    assert [h["id"] for h in listed["items"]] == [own.pk]
    assert listed["items"][0]["address_masked"] == "丹凤街*号*栋*单元*室"
    assert client.get(f"/api/v1/registry/households/{own.pk}").status_code == 200
    assert client.get(f"/api/v1/registry/households/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/registry/persons/{other.head_id}").status_code == 404
    assert client.get(f"/api/v1/registry/persons/{other.head_id}/history").status_code == 404


def test_community_worker_sees_every_grid_of_the_community(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    second = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    a1 = make_household(mini.grid_a)
    a2 = make_household(second)
    make_household(mini.grid_b)
    client.force_login(personas[Role.COMMUNITY_WORKER])
    ids = {h["id"] for h in client.get("/api/v1/registry/households").json()["items"]}
    assert ids == {a1.pk, a2.pk}
    filtered = client.get(f"/api/v1/registry/households?grid_id={second.pk}").json()
    assert [h["id"] for h in filtered["items"]] == [a2.pk]
    # a department handler does not browse the population registry
    client.force_login(personas[Role.DEPARTMENT_HANDLER])
    assert client.get("/api/v1/registry/households").json()["count"] == 0


def test_person_detail_is_masked_with_age_not_birth_date(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    response = _post(
        client,
        "/api/v1/registry/persons",
        {"grid_id": mini.grid_a.pk, "name": "周桂兰", "id_number": ID_A, "phone": "13612345678"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number_masked"] == "32**************" + ID_A[-2:]
    assert body["phone_masked"] == "136****5678"
    assert body["sex"] == "M"
    assert body["age"] >= 76
    assert "1948" not in response.content.decode()
    assert ID_A not in response.content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id_number": ID_A[:-1] + ("1" if ID_A[-1] != "1" else "2")}, "id_number"),
        ({"birth_date": "1948-12-02"}, "birth_date"),
        ({"name": "长" * 51}, "name"),
        ({"grid_id": 10**12}, "grid_id"),
    ],
)
def test_bad_person_input_answers_400_on_the_field(
    client: Any, mini: Any, personas: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    audits = AuditEntry.objects.count()
    response = _post(
        client,
        "/api/v1/registry/persons",
        {"grid_id": mini.grid_a.pk, "name": "周桂兰", "id_number": ID_A} | body,
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Person.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_duplicate_id_number_over_the_api(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    make_person(mini.grid_b, "已登记", id_number=ID_A)
    client.force_login(personas[Role.GRID_WORKER])
    response = _post(
        client, "/api/v1/registry/persons", {"grid_id": mini.grid_a.pk, "name": "周桂兰", "id_number": ID_A}
    )
    assert response.status_code == 400
    assert "已登记" in response.json()["errors"]["id_number"][0]
    assert Person.objects.count() == 1


def test_household_in_a_grid_out_of_scope_is_refused(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    for grid in (mini.grid_b, mini.community_a):
        response = _post(client, "/api/v1/registry/households", {"grid_id": grid.pk, "address": "夫子庙1号"})
        assert response.status_code == 400
        assert "grid_id" in response.json()["errors"]
    foreign_head = make_person(mini.grid_b, "乙", seq=5)
    response = _post(
        client,
        "/api/v1/registry/households",
        {"grid_id": mini.grid_a.pk, "address": "大悲巷1号", "head_person_id": foreign_head.pk},
    )
    assert response.status_code == 400
    assert "head_person_id" in response.json()["errors"]
    assert Household.objects.count() == 0


def test_household_create_update_and_history(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    client.force_login(worker)
    head = make_person(mini.grid_a, "甲", seq=7)
    response = _post(
        client,
        "/api/v1/registry/households",
        {"grid_id": mini.grid_a.pk, "address": "大悲巷8号", "kind": "registered", "head_person_id": head.pk},
    )
    assert response.status_code == 201, response.content
    household = response.json()
    assert household["head"] == {"id": head.pk, "name": "甲"}
    assert household["member_count"] == 1
    response = _patch(client, f"/api/v1/registry/households/{household['id']}", {"address": "大悲巷9号"})
    assert response.status_code == 200
    history = client.get(f"/api/v1/registry/households/{household['id']}/history").json()
    assert [h["action_label"] for h in history] == ["修改", "登记"]
    assert history[0]["actor"] == worker.display_name
    assert history[0]["changes"] == [{"field": "详细地址", "value": "大悲巷*号 → 大悲巷*号"}]


def test_sensitive_tags_over_the_api(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    person = make_person(mini.grid_a, "甲", seq=9)
    client.force_login(personas[Role.COMMUNITY_HEAD])
    assert (
        _post(client, f"/api/v1/registry/persons/{person.pk}/tags", {"tag": "drug_user"}).status_code == 200
    )
    assert _post(client, f"/api/v1/registry/persons/{person.pk}/tags", {"tag": "disabled"}).status_code == 200
    seen = client.get(f"/api/v1/registry/persons/{person.pk}").json()
    assert [t["code"] for t in seen["tags"]] == ["disabled", "drug_user"]
    assert "drug_user" in {t["code"] for t in client.get("/api/v1/registry/tags").json()}

    client.force_login(personas[Role.COMMUNITY_WORKER])
    detail = client.get(f"/api/v1/registry/persons/{person.pk}")
    assert [t["code"] for t in detail.json()["tags"]] == ["disabled"]
    listed = client.get("/api/v1/registry/persons").content.decode()
    history = client.get(f"/api/v1/registry/persons/{person.pk}/history").content.decode()
    catalogue = client.get("/api/v1/registry/tags").content.decode()
    for text in (detail.content.decode(), listed, history, catalogue):
        assert "drug_user" not in text
        assert "吸毒" not in text
    # adding or removing one is as if it did not exist
    response = _post(client, f"/api/v1/registry/persons/{person.pk}/tags/remove", {"tag": "drug_user"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"tag": ["未知的标签。"]}
    assert PersonTag.objects.filter(person=person, removed_on__isnull=True).count() == 2


def test_supervision_member_reads_but_may_not_change(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    person = make_person(mini.grid_a, "甲", seq=3)
    client.force_login(personas[Role.SUPERVISION_MEMBER])
    assert client.get(f"/api/v1/registry/persons/{person.pk}").status_code == 200
    response = _patch(client, f"/api/v1/registry/persons/{person.pk}", {"name": "乙"})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.name == "甲"


def test_person_list_query_count(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    tag = Tag.objects.get(code="elderly_alone")
    for i in range(12):
        p = make_person(mini.grid_a, f"人{i}", seq=100 + i)
        PersonTag.objects.create(person=p, tag=tag, since=date(2024, 1, 1))
    make_staff("gw2", Role.GRID_WORKER, area=mini.grid_a)
    client.force_login(personas[Role.GRID_WORKER])
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/registry/persons?limit=50")
    assert response.json()["count"] == 12
    with django_assert_max_num_queries(12):
        client.get("/api/v1/registry/households?limit=50")
