"""Managing staff over the API: accounts with their first post, posts, deactivation.

Bad input answers 400 (or 422) with a Chinese message on the right field and writes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from shequ.accounts.models import Post, User
from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import make_staff

from .staff_inputs import BAD_ID_NUMBERS, BAD_PHONES, GOOD_ID, GOOD_PASSWORD, OTHER_ID, is_chinese

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users"


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Post.objects.count(), AuditEntry.objects.count()


def post_json(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def as_user(client: Any, user: User) -> Any:
    client.force_login(user)
    return client


def new_staff(mini: Any, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "username": "zhang_xin",
        "display_name": "张新",
        "password": GOOD_PASSWORD,
        "phone": "13912340001",
        "id_doc_type": "cn_id",
        "id_number": GOOD_ID,
        "role": Role.COMMUNITY_WORKER,
        "area_id": mini.community_a.pk,
        "title": "社区工作者",
    }
    body.update(overrides)
    return body


def assert_refused_on(response: Any, field: str, piece: str = "") -> str:
    assert response.status_code in (400, 422), response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    message = errors[field][0]
    assert is_chinese(message), message
    assert piece in message, message
    return message


# --------------------------------------------------------------------------- happy paths


def test_district_admin_creates_a_staff_account_with_its_first_post(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    before = counts()
    response = post_json(as_user(client, admin), USERS, new_staff(mini))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["username"] == "zhang_xin"
    assert data["phone_masked"] == "139****0001"
    assert data["id_number_masked"].startswith("32")
    assert "*" in data["id_number_masked"]
    assert [p["role"] for p in data["posts"]] == [Role.COMMUNITY_WORKER]
    user = User.objects.get(username="zhang_xin")
    assert user.kind == "staff"
    assert user.check_password(GOOD_PASSWORD)
    assert user.id_number.plaintext_for_processing() == GOOD_ID
    post = Post.objects.get(user=user)
    assert post.area == mini.community_a
    assert post.title == "社区工作者"
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    entry = AuditEntry.objects.get(action="staff.create")
    assert entry.actor == admin
    assert entry.area == mini.community_a
    dumped = json.dumps(entry.changes, ensure_ascii=False)
    assert GOOD_ID not in dumped
    assert "13912340001" not in dumped
    assert entry.changes["post"]["role"] == Role.COMMUNITY_WORKER


def test_the_new_account_holds_its_post(client: Any, personas: dict[str, Any], mini: Any) -> None:
    post_json(
        as_user(client, personas[Role.STREET_STAFF]),
        USERS,
        new_staff(mini, role=Role.GRID_WORKER, area_id=mini.grid_a.pk),
    )
    user = User.objects.get(username="zhang_xin")
    assert user.role_set() == {Role.GRID_WORKER}
    client.force_login(user)
    assert client.get(f"/api/v1/areas/{mini.grid_a.pk}").status_code == 200
    assert client.get(f"/api/v1/areas/{mini.grid_b.pk}").status_code == 404


def test_organisation_post_needs_the_organisation_in_the_actors_areas(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    body = new_staff(mini, role=Role.DEPARTMENT_HANDLER, area_id=None, organisation_id=mini.dept_a.pk)
    assert post_json(c, USERS, body).status_code == 201
    before = counts()
    body = new_staff(
        mini,
        username="li_b",
        id_number=OTHER_ID,
        role=Role.DEPARTMENT_HANDLER,
        area_id=None,
        organisation_id=mini.dept_b.pk,
    )
    sibling = assert_refused_on(post_json(c, USERS, body), "organisation_id", "不存在或不在您的管辖范围内")
    body["organisation_id"] = 987654321
    unknown = assert_refused_on(post_json(c, USERS, body), "organisation_id")
    assert sibling.replace(str(mini.dept_b.pk), "#") == unknown.replace("987654321", "#")
    assert counts() == before


def test_add_post_end_post_deactivate_reactivate(client: Any, personas: dict[str, Any], mini: Any) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    c = as_user(client, admin)
    user = make_staff("wang_gw", Role.GRID_WORKER, area=mini.grid_a, display_name="王网格")
    response = post_json(
        c, f"{USERS}/{user.pk}/posts", {"role": Role.COMMUNITY_WORKER, "area_id": mini.community_a.pk}
    )
    assert response.status_code == 201, response.content
    added = response.json()
    assert added["role"] == Role.COMMUNITY_WORKER
    assert added["is_active"] is True
    assert AuditEntry.objects.filter(action="post.assign", object_id=str(added["id"])).count() == 1

    first = Post.objects.get(user=user, role=Role.GRID_WORKER)
    response = post_json(c, f"{USERS}/{user.pk}/posts/{first.pk}/end", {"reason": "调任社区工作"})
    assert response.status_code == 200, response.content
    assert response.json()["valid_to"] == timezone.localdate().isoformat()
    first.refresh_from_db()
    assert first.is_active is False
    assert first.valid_to == timezone.localdate()
    user = User.objects.get(pk=user.pk)
    assert user.role_set() == {Role.COMMUNITY_WORKER}
    entry = AuditEntry.objects.get(action="post.end")
    assert entry.reason == "调任社区工作"
    assert entry.changes["is_active"] == [True, False]

    # ending it again is refused, on the whole request
    again = post_json(c, f"{USERS}/{user.pk}/posts/{first.pk}/end", {"reason": "再次"})
    assert again.status_code == 400
    assert "已经结束" in again.json()["errors"]["__all__"][0]

    response = post_json(c, f"{USERS}/{user.pk}/deactivate", {"reason": "离职"})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert User.objects.get(pk=user.pk).is_active is False
    response = post_json(c, f"{USERS}/{user.pk}/reactivate", {"reason": "返聘"})
    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert list(
        AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["user.deactivate", "user.reactivate"]


def test_deactivated_account_cannot_sign_in(client: Any, personas: dict[str, Any], mini: Any) -> None:
    user = make_staff("zhao_cw", Role.COMMUNITY_WORKER, area=mini.community_a)
    c = as_user(client, personas[Role.STREET_STAFF])
    assert post_json(c, f"{USERS}/{user.pk}/deactivate", {"reason": "离职"}).status_code == 200
    client.logout()
    assert client.login(username="zhao_cw", password="Shequ-demo-2026") is False


# --------------------------------------------------------------------------- bad input: nothing written


@pytest.mark.parametrize(("case", "value", "piece"), BAD_ID_NUMBERS, ids=[c[0] for c in BAD_ID_NUMBERS])
def test_bad_id_number_is_refused_on_its_field(
    client: Any, personas: dict[str, Any], mini: Any, case: str, value: str, piece: str
) -> None:
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    before = counts()
    assert_refused_on(post_json(c, USERS, new_staff(mini, id_number=value)), "id_number", piece)
    assert counts() == before


@pytest.mark.parametrize(("case", "value", "piece"), BAD_PHONES, ids=[c[0] for c in BAD_PHONES])
def test_bad_phone_is_refused_on_its_field(
    client: Any, personas: dict[str, Any], mini: Any, case: str, value: str, piece: str
) -> None:
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    before = counts()
    assert_refused_on(post_json(c, USERS, new_staff(mini, phone=value)), "phone", piece)
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "overrides", "piece"),
    [
        ("display_name", {"display_name": "张" * 51}, "不超过50个字符"),
        ("username", {"username": "u" * 151}, "不超过150个字符"),
        ("username", {"username": "role_a b"}, "只能包含"),
        ("password", {"password": "12345"}, "密码"),
        ("password", {"password": ""}, "初始密码"),
        ("area_id", {"area_id": 987654321}, "不存在或不在您的管辖范围内"),
        ("area_id", {"role": Role.STREET_STAFF, "area_id": None}, "须指定区域"),
        ("role", {"role": "mayor"}, "未知岗位"),
        ("id_doc_type", {"id_doc_type": "library_card"}, "未知的证件类型"),
        ("display_name", {"display_name": "张\x00新"}, "控制字符"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_other_bad_input_is_refused_on_its_field(
    client: Any, personas: dict[str, Any], mini: Any, field: str, overrides: dict[str, Any], piece: str
) -> None:
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    before = counts()
    assert_refused_on(post_json(c, USERS, new_staff(mini, **overrides)), field, piece)
    assert counts() == before


def test_sibling_area_answers_exactly_like_an_unknown_one(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    before = counts()
    sibling = assert_refused_on(post_json(c, USERS, new_staff(mini, area_id=mini.community_b.pk)), "area_id")
    unknown = assert_refused_on(post_json(c, USERS, new_staff(mini, area_id=987654321)), "area_id")
    assert sibling == unknown.replace("987654321", str(mini.community_b.pk))
    assert counts() == before


def test_duplicate_username_and_citizen_id_are_refused(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    make_staff("existing_one", Role.GRID_WORKER, area=mini.grid_a, id_number=OTHER_ID)
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    before = counts()
    assert_refused_on(post_json(c, USERS, new_staff(mini, username="existing_one")), "username", "已被使用")
    assert_refused_on(post_json(c, USERS, new_staff(mini, id_number=OTHER_ID)), "id_number", "其他工作人员")
    assert counts() == before


def test_several_bad_fields_are_answered_together(client: Any, personas: dict[str, Any], mini: Any) -> None:
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    before = counts()
    response = post_json(c, USERS, new_staff(mini, phone="12345", area_id=mini.community_b.pk, password="1"))
    assert response.status_code == 400
    assert {"phone", "area_id", "password"} <= set(response.json()["errors"])
    assert counts() == before


def test_body_that_is_not_the_schema_answers_422(client: Any, personas: dict[str, Any], mini: Any) -> None:
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    before = counts()
    response = post_json(c, USERS, new_staff(mini, area_id="abc"))
    assert response.status_code == 422
    assert "area_id" in response.json()["errors"]
    response = post_json(c, USERS, {"username": "x"})
    assert response.status_code == 422
    assert counts() == before


# --------------------------------------------------------------------------- scope


def test_street_staff_cannot_create_a_district_admin(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    c = as_user(client, personas[Role.STREET_STAFF])
    before = counts()
    body = new_staff(mini, role=Role.DISTRICT_ADMIN, area_id=mini.district_a.pk)
    response = post_json(c, USERS, body)
    assert_refused_on(response, "role", "区级管理员")
    assert "area_id" in response.json()["errors"]  # the district is above the street, too
    assert counts() == before


@pytest.mark.parametrize(
    ("actor", "role", "place", "allowed"),
    [
        (Role.DISTRICT_ADMIN, Role.CITY_ADMIN, "city", False),
        (Role.CITY_ADMIN, Role.CITY_ADMIN, "city", True),
        (Role.CITY_ADMIN, Role.SYSTEM_ADMIN, None, False),
        (Role.SYSTEM_ADMIN, Role.SYSTEM_ADMIN, None, True),
        (Role.DISTRICT_ADMIN, Role.DISTRICT_ADMIN, "district_a", True),
        (Role.STREET_STAFF, Role.COMMUNITY_HEAD, "community_a", True),
        (Role.STREET_STAFF, Role.STREET_STAFF, "street_a", True),
    ],
)
def test_who_may_create_which_role(
    client: Any, personas: dict[str, Any], mini: Any, actor: str, role: str, place: str | None, allowed: bool
) -> None:
    c = as_user(client, personas[actor])
    body = new_staff(mini, role=role, area_id=getattr(mini, place).pk if place else None)
    before = counts()
    response = post_json(c, USERS, body)
    if allowed:
        assert response.status_code == 201, response.content
    else:
        assert_refused_on(response, "role")
        assert counts() == before


@pytest.mark.parametrize(
    "role", [Role.GRID_WORKER, Role.COMMUNITY_WORKER, Role.COMMUNITY_HEAD, Role.SUPERVISION_MEMBER]
)
def test_roles_without_the_permission_get_403(
    client: Any, personas: dict[str, Any], mini: Any, role: str
) -> None:
    c = as_user(client, personas[role])
    before = counts()
    response = post_json(c, USERS, new_staff(mini, area_id=mini.grid_a.pk, role=Role.GRID_WORKER))
    assert response.status_code == 403
    assert is_chinese(response.json()["detail"])
    assert counts() == before


def test_resident_gets_404_on_staff_writes(client: Any, personas: dict[str, Any], mini: Any) -> None:
    c = as_user(client, personas["resident"])
    before = counts()
    assert post_json(c, USERS, new_staff(mini)).status_code == 404
    assert counts() == before


def test_district_admin_of_side_a_cannot_reach_side_b(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    mine = make_staff("gw_a", Role.GRID_WORKER, area=mini.grid_a)
    theirs = make_staff("gw_b", Role.GRID_WORKER, area=mini.grid_b)
    their_post = Post.objects.get(user=theirs)
    c = as_user(client, admin)
    before = counts()
    # a post for my own staff member on the sibling's community: the same 400 as an unknown area
    response = post_json(
        c, f"{USERS}/{mine.pk}/posts", {"role": Role.COMMUNITY_WORKER, "area_id": mini.community_b.pk}
    )
    sibling = assert_refused_on(response, "area_id")
    response = post_json(c, f"{USERS}/{mine.pk}/posts", {"role": Role.COMMUNITY_WORKER, "area_id": 987654321})
    assert sibling == assert_refused_on(response, "area_id").replace("987654321", str(mini.community_b.pk))
    # the sibling's staff member and their post: not found
    assert (
        post_json(c, f"{USERS}/{theirs.pk}/posts/{their_post.pk}/end", {"reason": "越权"}).status_code == 404
    )
    assert post_json(c, f"{USERS}/{mine.pk}/posts/{their_post.pk}/end", {"reason": "越权"}).status_code == 404
    assert post_json(c, f"{USERS}/{theirs.pk}/deactivate", {"reason": "越权"}).status_code == 404
    assert (
        post_json(
            c, f"{USERS}/{theirs.pk}/posts", {"role": Role.GRID_WORKER, "area_id": mini.grid_a.pk}
        ).status_code
        == 404
    )
    assert counts() == before
    their_post.refresh_from_db()
    assert their_post.is_active
    assert User.objects.get(pk=theirs.pk).is_active


def test_cannot_deactivate_someone_with_a_post_beyond_ones_areas(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    both = make_staff("both_sides", Role.GRID_WORKER, area=mini.grid_a)
    Post.objects.create(user=both, role=Role.GRID_WORKER, area=mini.grid_b)
    c = as_user(client, personas[Role.STREET_STAFF])
    before = counts()
    response = post_json(c, f"{USERS}/{both.pk}/deactivate", {"reason": "离职"})
    assert response.status_code == 403
    assert is_chinese(response.json()["detail"])
    assert counts() == before
    assert (
        post_json(
            as_user(client, personas[Role.CITY_ADMIN]), f"{USERS}/{both.pk}/deactivate", {"reason": "离职"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "field", "piece"),
    [
        ({"reason": ""}, "reason", "请填写事由"),
        ({"reason": "调任", "valid_to": "1999-01-01"}, "valid_to", "不能早于任职日期"),
        ({"reason": "调任", "valid_to": "2999-01-01"}, "valid_to", "不能晚于今天"),
        ({"reason": "调任", "valid_to": "2026-02-30"}, "valid_to", ""),
    ],
)
def test_ending_a_post_with_bad_input(
    client: Any, personas: dict[str, Any], mini: Any, body: dict[str, Any], field: str, piece: str
) -> None:
    user = make_staff("to_end", Role.GRID_WORKER, area=mini.grid_a)
    post = Post.objects.get(user=user)
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    before = counts()
    response = post_json(c, f"{USERS}/{user.pk}/posts/{post.pk}/end", body)
    assert response.status_code in (400, 422)
    assert field in response.json()["errors"]
    if piece:
        assert piece in response.json()["errors"][field][0]
    assert counts() == before


def test_own_account_cannot_be_deactivated(client: Any, personas: dict[str, Any]) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    before = counts()
    response = post_json(as_user(client, admin), f"{USERS}/{admin.pk}/deactivate", {"reason": "测试"})
    assert_refused_on(response, "user", "自己")
    assert counts() == before
