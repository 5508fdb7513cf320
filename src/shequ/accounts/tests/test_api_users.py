"""/api/v1/users: scoped, masked, paginated; the reveal is permissioned and audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from shequ.accounts.models import User
from shequ.accounts.roles import Role
from shequ.accounts.services import api_token_create
from shequ.core.models import AuditEntry
from shequ.core.pii import parse_citizen_id
from shequ.demo.factories import make_citizen_id, make_persona, make_staff

USERS = "/api/v1/users"

MOBILE_MASK = re.compile(r"^[0-9]{3}\*{4}[0-9]{4}$")
ID_MASK = re.compile(r"^.{2}\*{14}.{2}$")


def make_person(username: str, *, area: Any, phone: str, idn: str | None, name: str) -> User:
    user = User(username=username, display_name=name, kind="resident", home_area=area)
    user.phone = phone
    if idn:
        user.id_number = idn
    user.set_unusable_password()
    user.save()
    return user


@dataclass
class World:
    personas: dict[str, Any]
    mini: Any
    ann: User  # resident of community A, with a citizen ID
    ann_phone: str
    ann_id: str
    village: User  # resident of the village under street A
    bob: User  # resident of community B
    worker_b: User  # community worker of community B


@pytest.fixture
def world(personas: dict[str, Any], mini: Any) -> World:
    ann_id = "320102198506151834"
    ann = make_person("ann", area=mini.community_a, phone="13912345678", idn=ann_id, name="王安")
    village = make_person(
        "vera",
        area=mini.village_a,
        phone="13712345678",
        idn=make_citizen_id("320102", date(1950, 1, 2), 11),
        name="李薇",
    )
    bob = make_person(
        "bob",
        area=mini.community_b,
        phone="13612345678",
        idn=make_citizen_id("320104", date(1970, 3, 4), 21),
        name="张博",
    )
    worker_b = make_persona(mini, Role.COMMUNITY_WORKER, side="b")
    return World(personas, mini, ann, "13912345678", ann_id, village, bob, worker_b)


def login(client: Any, user: User) -> Any:
    client.force_login(user)
    return client


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# --------------------------------------------------------------------------- list


def test_community_worker_sees_own_community_only(client: Any, world: World) -> None:
    worker = world.personas[Role.COMMUNITY_WORKER]
    seen = ids(login(client, worker).get(USERS, {"limit": 200}))
    assert world.ann.pk in seen
    assert world.personas["resident"].pk in seen
    assert {world.personas[r].pk for r in (Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_HEAD)} <= seen
    assert worker.pk in seen
    assert world.bob.pk not in seen
    assert world.worker_b.pk not in seen
    assert world.village.pk not in seen  # another committee under the same street
    assert world.personas[Role.STREET_STAFF].pk not in seen  # posted above the community


def test_street_staff_sees_every_community_of_the_street(client: Any, world: World) -> None:
    seen = ids(login(client, world.personas[Role.STREET_STAFF]).get(USERS, {"limit": 200}))
    assert {world.ann.pk, world.village.pk, world.personas[Role.COMMUNITY_WORKER].pk} <= seen
    assert world.bob.pk not in seen
    assert world.worker_b.pk not in seen
    assert world.personas[Role.DISTRICT_ADMIN].pk not in seen


def test_district_admin_sees_department_staff_of_the_district(client: Any, world: World) -> None:
    seen = ids(login(client, world.personas[Role.DISTRICT_ADMIN]).get(USERS, {"limit": 200}))
    assert world.personas[Role.DEPARTMENT_HANDLER].pk in seen
    assert world.bob.pk not in seen


def test_list_is_masked(client: Any, world: World) -> None:
    response = login(client, world.personas[Role.COMMUNITY_WORKER]).get(USERS, {"q": "王安"})
    body = response.content.decode()
    assert world.ann_phone not in body
    assert world.ann_id not in body
    assert world.ann_phone[-8:] not in body
    assert world.ann_id[-8:] not in body
    [item] = response.json()["items"]
    assert item["phone_masked"] == "139****5678"
    assert item["id_number_masked"] == "32**************34"
    assert MOBILE_MASK.match(item["phone_masked"])
    assert ID_MASK.match(item["id_number_masked"])
    assert item["home_area_name"] == world.mini.community_a.name
    assert item["kind"] == "resident"
    assert item["kind_label"] == "居民"


def test_filters_and_paging(client: Any, world: World) -> None:
    c = login(client, world.personas[Role.STREET_STAFF])
    residents = c.get(USERS, {"kind": "resident", "limit": 200}).json()
    assert {i["kind"] for i in residents["items"]} == {"resident"}
    assert residents["count"] == 3  # ann, vera, 居民甲
    staff = c.get(USERS, {"kind": "staff", "limit": 200}).json()
    assert {i["kind"] for i in staff["items"]} == {"staff"}
    assert ids(c.get(USERS, {"q": "vera"})) == {world.village.pk}
    assert ids(c.get(USERS, {"q": "李"})) == {world.village.pk}
    # A full phone or ID number finds its owner through the look-up digest.
    assert ids(c.get(USERS, {"q": "139 1234 5678"})) == {world.ann.pk}
    assert ids(c.get(USERS, {"q": world.ann_id})) == {world.ann.pk}
    assert ids(c.get(USERS, {"q": world.bob.phone.plaintext_for_processing()})) == set()  # out of scope
    first = c.get(USERS, {"kind": "resident", "limit": 2, "offset": 0}).json()
    second = c.get(USERS, {"kind": "resident", "limit": 2, "offset": 2}).json()
    assert first["count"] == second["count"] == 3
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "robot"}, "kind"),
        ({"limit": 201}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_list_parameters_are_field_errors(
    client: Any, world: World, params: dict[str, Any], field: str
) -> None:
    response = login(client, world.personas[Role.COMMUNITY_WORKER]).get(USERS, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert re.search(r"[\u4e00-\u9fff]", response.json()["errors"][field][0])


def test_list_has_no_n_plus_one(client: Any, world: World, django_assert_max_num_queries: Any) -> None:
    mini = world.mini
    for i in range(30):
        make_person(
            f"bulk{i}",
            area=mini.community_a,
            phone=f"1501111{i:04d}",
            idn=make_citizen_id("320102", date(1960 + i, 5, 6), i),
            name=f"居民{i}",
        )
        make_staff(f"gw{i}", Role.GRID_WORKER, area=mini.grid_a, phone=f"1502222{i:04d}")
    c = login(client, world.personas[Role.STREET_STAFF])
    c.get(USERS)  # warm the session
    with django_assert_max_num_queries(8):
        response = c.get(USERS, {"limit": 200})
    assert response.json()["count"] >= 60
    assert all(
        p["area_id"] for item in response.json()["items"] if item["kind"] == "staff" for p in item["posts"]
    )


def test_residents_see_no_users(client: Any, world: World) -> None:
    c = login(client, world.personas["resident"])
    assert c.get(USERS).status_code == 404
    assert c.get(f"{USERS}/{world.ann.pk}").status_code == 404
    response = c.post(
        f"{USERS}/{world.ann.pk}/reveal",
        {"field": "phone", "reason": "核实身份"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_anonymous_is_refused(client: Any, world: World) -> None:
    assert client.get(USERS).status_code == 401
    assert client.get(f"{USERS}/{world.ann.pk}").status_code == 401


# --------------------------------------------------------------------------- detail


def test_detail_shows_age_not_birth_date(client: Any, world: World) -> None:
    response = login(client, world.personas[Role.COMMUNITY_WORKER]).get(f"{USERS}/{world.ann.pk}")
    assert response.status_code == 200
    data = response.json()
    expected_age = parse_citizen_id(world.ann_id).age_on(timezone.localdate())
    assert data["age"] == expected_age
    assert data["sex"] == "M"
    assert data["sex_label"] == "男"
    assert data["id_number_masked"] == "32**************34"
    assert data["phone_masked"] == "139****5678"
    assert data["can_reveal"] is True
    body = response.content.decode()
    for leak in ("19850615", "1985-06-15", "1985年", world.ann_id, world.ann_phone):
        assert leak not in body


def test_detail_out_of_scope_is_404(client: Any, world: World) -> None:
    c = login(client, world.personas[Role.COMMUNITY_WORKER])
    assert c.get(f"{USERS}/{world.bob.pk}").status_code == 404
    assert c.get(f"{USERS}/{world.worker_b.pk}").status_code == 404
    assert c.get(f"{USERS}/999999").status_code == 404
    assert login(client, world.worker_b).get(f"{USERS}/{world.bob.pk}").status_code == 200


def test_detail_of_a_passport_holder_has_no_age(client: Any, world: World) -> None:
    foreigner = make_person("fred", area=world.mini.community_a, phone="13811110000", idn=None, name="Fred")
    foreigner.id_doc_type = "passport"
    foreigner.id_number = "E12345678"
    foreigner.save()
    data = login(client, world.personas[Role.COMMUNITY_WORKER]).get(f"{USERS}/{foreigner.pk}").json()
    assert data["age"] is None
    assert data["id_number_masked"] == "E1*****78"
    assert data["id_doc_type_label"] == "护照"


# --------------------------------------------------------------------------- reveal


def reveal(c: Any, user: User, **body: Any) -> Any:
    return c.post(f"{USERS}/{user.pk}/reveal", body, content_type="application/json")


@pytest.mark.parametrize(("field", "attr"), [("phone", "ann_phone"), ("id_number", "ann_id")])
def test_reveal_returns_plaintext_and_writes_one_audit_entry(
    client: Any, world: World, field: str, attr: str
) -> None:
    worker = world.personas[Role.COMMUNITY_WORKER]
    before = AuditEntry.objects.count()
    response = reveal(login(client, worker), world.ann, field=field, reason="办理低保需核对本人信息")
    assert response.status_code == 200, response.content
    assert response.json() == {"field": field, "value": getattr(world, attr)}
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(action="pii.reveal")
    assert entry.actor_id == worker.pk
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(world.ann.pk)
    assert entry.changes["field"] == field
    assert entry.reason == "办理低保需核对本人信息"
    assert entry.area_id == world.mini.community_a.pk
    assert getattr(world, attr) not in str(entry.changes) + entry.object_repr


def test_reveal_with_a_bearer_token(client: Any, world: World) -> None:
    head = world.personas[Role.COMMUNITY_HEAD]
    _token, value = api_token_create(actor=head, user=head, name="测试")
    response = client.post(
        f"{USERS}/{world.ann.pk}/reveal",
        {"field": "phone", "reason": "电话回访"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {value}"},
    )
    assert response.status_code == 200
    assert response.json()["value"] == world.ann_phone
    assert AuditEntry.objects.filter(action="pii.reveal").count() == 1


def test_reveal_out_of_scope_is_404(client: Any, world: World) -> None:
    response = reveal(
        login(client, world.personas[Role.COMMUNITY_WORKER]), world.bob, field="phone", reason="核实"
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_reveal_without_permission_is_403_in_chinese(client: Any, world: World) -> None:
    grid_worker = world.personas[Role.GRID_WORKER]
    grid_resident = make_person("gina", area=world.mini.grid_a, phone="13800001111", idn=None, name="高娜")
    c = login(client, grid_worker)
    assert c.get(f"{USERS}/{grid_resident.pk}").json()["can_reveal"] is False
    response = reveal(c, grid_resident, field="phone", reason="上门走访联系")
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有查看完整个人信息的权限。"
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field": "phone"}, "reason"),
        ({"field": "phone", "reason": ""}, "reason"),
        ({"field": "phone", "reason": " 查 "}, "reason"),
        ({"field": "phone", "reason": "x" * 501}, "reason"),
        ({"field": "password", "reason": "核实身份"}, "field"),
        ({"field": "totp_secret", "reason": "核实身份"}, "field"),
        ({"reason": "核实身份"}, "field"),
    ],
)
def test_bad_reveal_requests_are_field_errors(
    client: Any, world: World, body: dict[str, Any], field: str
) -> None:
    response = reveal(login(client, world.personas[Role.COMMUNITY_WORKER]), world.ann, **body)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors
    assert re.search(r"[\u4e00-\u9fff]", errors[field][0])
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_reveal_of_an_empty_field(client: Any, world: World) -> None:
    no_id = make_person("nina", area=world.mini.community_a, phone="13800002222", idn=None, name="倪娜")
    response = reveal(
        login(client, world.personas[Role.COMMUNITY_WORKER]), no_id, field="id_number", reason="核实"
    )
    assert response.status_code == 400
    assert "field" in response.json()["errors"]


def test_every_user_operation_with_an_id_declares_its_scoped_model(client: Any, world: World) -> None:
    schema = login(client, world.personas[Role.COMMUNITY_WORKER]).get("/api/v1/openapi.json").json()
    user_paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/users/")}
    assert user_paths
    for path, operations in user_paths.items():
        for method, operation in operations.items():
            assert operation.get("x-scoped-model") == "accounts.User", (method, path)
