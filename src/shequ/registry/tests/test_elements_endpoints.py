"""The API of courtyards, natural villages, rooms and membership changes: scope, field errors, history."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.core.models import AreaLevel, AuditEntry
from shequ.demo.factories import (
    make_area,
    make_building,
    make_citizen_id,
    make_household,
    make_person,
    make_place,
)
from shequ.registry.models import (
    Courtyard,
    Household,
    Membership,
    NaturalVillage,
    Person,
    ResidenceStatus,
    Room,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/registry"
ID_NEW = make_citizen_id("320102", date(1990, 4, 5), 52)


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def test_courtyards_create_list_detail_update_history(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    worker = personas[Role.GRID_WORKER]
    client.force_login(worker)
    response = _post(client, f"{API}/courtyards", {"grid_id": mini.grid_a.pk, "name": "大悲巷7号院"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grid_name"] == mini.grid_a.name
    assert body["household_count"] == 0
    cid = body["id"]
    # a repeated submission is refused on the field, nothing written
    response = _post(client, f"{API}/courtyards", {"grid_id": mini.grid_a.pk, "name": "大悲巷7号院"})
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == ["该网格已有同名院落。"]
    assert Courtyard.objects.count() == 1
    make_household(mini.grid_a, courtyard=Courtyard.objects.get())
    assert client.get(f"{API}/courtyards/{cid}").json()["household_count"] == 1
    response = _patch(client, f"{API}/courtyards/{cid}", {"name": "七号院"})
    assert response.status_code == 200
    assert response.json()["name"] == "七号院"
    response = _patch(client, f"{API}/courtyards/{cid}", {"grid_id": mini.grid_b.pk})
    assert response.status_code == 400
    assert "grid_id" in response.json()["errors"]
    history = client.get(f"{API}/courtyards/{cid}/history").json()
    assert [h["action_label"] for h in history] == ["修改", "登记"]
    assert history[0]["actor"] == worker.display_name
    assert history[0]["changes"] == [{"field": "院落名称", "value": "大悲巷7号院 → 七号院"}]


def test_courtyard_list_is_scoped_filtered_and_paged(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    second = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    for i in range(7):
        Courtyard.objects.create(grid=mini.grid_a, name=f"甲{i}院")
    Courtyard.objects.create(grid=second, name="第二网格院")
    other = Courtyard.objects.create(grid=mini.grid_b, name="钓鱼台院")
    client.force_login(personas[Role.GRID_WORKER])
    with django_assert_max_num_queries(10):
        page = client.get(f"{API}/courtyards?limit=5").json()
    assert page["count"] == 7
    assert len(page["items"]) == 5
    assert {c["grid_id"] for c in page["items"]} == {mini.grid_a.pk}
    assert client.get(f"{API}/courtyards/{other.pk}").status_code == 404
    assert client.get(f"{API}/courtyards/{other.pk}/history").status_code == 404
    assert _patch(client, f"{API}/courtyards/{other.pk}", {"name": "x"}).status_code == 404
    client.force_login(personas[Role.COMMUNITY_WORKER])
    assert client.get(f"{API}/courtyards").json()["count"] == 8
    assert client.get(f"{API}/courtyards?grid_id={second.pk}").json()["count"] == 1
    assert client.get(f"{API}/courtyards?q=甲1").json()["count"] == 1


def test_natural_villages_over_the_api(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    grid = make_area("东湖村第一网格", AreaLevel.GRID, mini.village_a)
    foreign = NaturalVillage.objects.create(grid=mini.grid_b, name="钓鱼台庄")
    client.force_login(personas[Role.STREET_STAFF])
    response = _post(client, f"{API}/natural-villages", {"grid_id": grid.pk, "name": "王家庄"})
    assert response.status_code == 201, response.content
    vid = response.json()["id"]
    assert _patch(client, f"{API}/natural-villages/{vid}", {"name": "王庄"}).json()["name"] == "王庄"
    with django_assert_max_num_queries(8):
        listed = client.get(f"{API}/natural-villages").json()
    assert [v["name"] for v in listed["items"]] == ["王庄"]
    assert client.get(f"{API}/natural-villages/{foreign.pk}").status_code == 404
    assert len(client.get(f"{API}/natural-villages/{vid}/history").json()) == 2
    response = _post(client, f"{API}/natural-villages", {"grid_id": grid.pk, "name": ""})
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_rooms_list_add_and_generate(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    building = make_building(mini.grid_a, "5栋", units=2, floors=6)
    other = make_building(mini.grid_b, "乙5栋")
    client.force_login(personas[Role.GRID_WORKER])
    response = _post(
        client, f"{API}/buildings/{building.pk}/rooms", {"unit": "1", "floor": 1, "number": "101"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["label"] == "5栋1单元101"
    response = _post(
        client, f"{API}/buildings/{building.pk}/rooms", {"unit": "1", "floor": 7, "number": "701"}
    )
    assert response.status_code == 400
    assert "floor" in response.json()["errors"]
    audits = AuditEntry.objects.count()
    response = _post(client, f"{API}/buildings/{building.pk}/rooms/generate", {"per_floor": 2})
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 23, "room_count": 24}
    assert AuditEntry.objects.count() == audits + 1
    response = _post(client, f"{API}/buildings/{building.pk}/rooms/generate", {"per_floor": 2, "floors": 9})
    assert response.status_code == 400
    assert "floors" in response.json()["errors"]
    room = Room.objects.get(building=building, unit="2", number="302")
    household = make_household(mini.grid_a, room=room)
    with django_assert_max_num_queries(10):
        listed = client.get(f"{API}/buildings/{building.pk}/rooms?limit=200").json()
    assert listed["count"] == 24
    by_label = {r["label"]: r for r in listed["items"]}
    assert by_label["5栋2单元302"]["household_ids"] == [household.pk]
    assert by_label["5栋1单元101"]["household_ids"] == []
    assert client.get(f"{API}/buildings/{other.pk}/rooms").status_code == 404
    assert _post(client, f"{API}/buildings/{other.pk}/rooms/generate", {"per_floor": 2}).status_code == 404
    assert not Room.objects.filter(building=other).exists()
    client.force_login(personas[Role.SUPERVISION_MEMBER])
    response = _post(
        client, f"{API}/buildings/{building.pk}/rooms", {"unit": "1", "floor": 1, "number": "199"}
    )
    assert response.status_code == 400
    assert not Room.objects.filter(number="199").exists()


def test_membership_changes_over_the_api(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    client.force_login(worker)
    head = make_person(mini.grid_a, "户主", seq=61)
    household = make_household(mini.grid_a, head=head)
    known = make_person(mini.grid_a, "老人", seq=63)
    url = f"{API}/households/{household.pk}"
    # neither or both of person_id / person: a field error
    assert _post(client, f"{url}/members", {"relation": "child"}).status_code == 400
    response = _post(client, f"{url}/members", {"person_id": known.pk, "relation": "parent"})
    assert response.status_code == 201, response.content
    response = _post(
        client,
        f"{url}/members",
        {"person": {"name": "新生", "id_number": ID_NEW, "phone": "13712345678"}, "relation": "child"},
    )
    assert response.status_code == 201, response.content
    members = {m["person"]["name"]: m for m in response.json()["members"]}
    assert set(members) == {"户主", "老人", "新生"}
    newborn = Person.objects.get(name="新生")
    assert newborn.grid_id == mini.grid_a.pk
    # a bad new person: nothing written (neither the person nor the membership)
    response = _post(
        client,
        f"{url}/members",
        {"person": {"name": "错号", "id_number": ID_NEW[:-1] + "X"}, "relation": "child"},
    )
    assert response.status_code == 400
    assert "person.id_number" in response.json()["errors"]
    assert not Person.objects.filter(name="错号").exists()
    # a head relation is refused: changing the head is its own operation
    response = _post(
        client, f"{url}/members", {"person_id": make_person(mini.grid_a, "丙", seq=65).pk, "relation": "head"}
    )
    assert response.status_code == 400
    assert "relation" in response.json()["errors"]
    response = _post(client, f"{url}/head", {"person_id": known.pk, "former_head_relation": "child"})
    assert response.status_code == 200, response.content
    assert response.json()["head"] == {"id": known.pk, "name": "老人"}
    assert Membership.objects.get(person=head, valid_to__isnull=True).relation == "child"
    response = _post(client, f"{url}/members/end", {"person_id": newborn.pk, "reason": "moved_away"})
    assert response.status_code == 200, response.content
    newborn.refresh_from_db()
    assert newborn.residence_status == ResidenceStatus.MOVED_OUT
    response = _post(client, f"{url}/members/end", {"person_id": known.pk})
    assert response.status_code == 400
    assert "person_id" in response.json()["errors"]
    history = client.get(f"{url}/history").json()
    assert [h["action_label"] for h in history[:3]] == ["移出成员", "变更户主", "加入成员"]
    assert {"field": "户主", "value": "户主 → 老人"} in history[1]["changes"]
    response = _post(client, f"{url}/moved-out", {"on": "2099-01-01"})
    assert response.status_code == 400
    assert "on" in response.json()["errors"]
    response = _post(client, f"{url}/moved-out", {"on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert response.json()["members"] == []
    assert Household.objects.get(pk=household.pk).moved_out_on is not None


def test_membership_changes_of_another_area_answer_404(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    household = make_household(mini.grid_b, head=make_person(mini.grid_b, "乙户主", seq=71))
    mine = make_person(mini.grid_a, "甲", seq=73)
    own = make_household(mini.grid_a, head=make_person(mini.grid_a, "甲户主", seq=75))
    client.force_login(personas[Role.GRID_WORKER])
    url = f"{API}/households/{household.pk}"
    assert _post(client, f"{url}/members", {"person_id": mine.pk, "relation": "child"}).status_code == 404
    assert _post(client, f"{url}/head", {"person_id": household.head_id}).status_code == 404
    assert _post(client, f"{url}/moved-out", {"on": "2025-01-01"}).status_code == 404
    # a person of another area named in the body: the same answer as an unknown one
    response = _post(
        client, f"{API}/households/{own.pk}/members", {"person_id": household.head_id, "relation": "child"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"person_id": ["未找到该人员。"]}
    assert Membership.objects.filter(household=own).count() == 1


def test_place_list_filters_by_kind_and_name(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    make_place(mini.grid_a, "区档案馆", kind="institution")
    for i in range(5):
        make_place(mini.grid_a, f"小店{i}")
    make_place(mini.grid_b, "夫子庙档案馆", kind="institution")
    client.force_login(personas[Role.GRID_WORKER])
    with django_assert_max_num_queries(8):
        listed = client.get(f"{API}/places?kind=institution").json()
    assert [p["name"] for p in listed["items"]] == ["区档案馆"]
    assert client.get(f"{API}/places?q=小店").json()["count"] == 5
    assert client.get(f"{API}/places?kind=bogus").json()["count"] == 0
