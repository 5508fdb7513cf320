"""Managing staff on /console/users/: the 新增工作人员 form and the posts panel.

Bad input re-renders the form with a Chinese message on the right field and writes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from shequ.accounts.models import Post, User
from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import make_staff

from .staff_inputs import BAD_ID_NUMBERS, BAD_PHONES, GOOD_ID, GOOD_PASSWORD, OTHER_ID, is_chinese

pytestmark = pytest.mark.django_db

LIST = "/console/users/"
NEW = "/console/users/new/"


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Post.objects.count(), AuditEntry.objects.count()


def as_user(client: Any, user: User) -> Any:
    client.force_login(user)
    return client


def form_data(mini: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": "li_gw",
        "display_name": "李网格",
        "password": GOOD_PASSWORD,
        "phone": "13912340002",
        "id_doc_type": "cn_id",
        "id_number": GOOD_ID,
        "role": Role.GRID_WORKER,
        "area": str(mini.grid_a.pk),
        "organisation": "",
        "title": "专职网格员",
        "full_time": "on",
    }
    data.update(overrides)
    return data


def field_error(response: Any, field_id: str) -> str:
    """The error shown under a field (ids are ``<auto_id>-error``)."""
    html = response.content.decode()
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]+)<', html)
    assert match, f"no error shown for {field_id}"
    return match.group(1)


def assert_form_refused(response: Any, field_id: str, piece: str = "") -> str:
    assert response.status_code in (200, 400), response.status_code
    message = field_error(response, field_id)
    assert is_chinese(message), message
    assert piece in message, message
    return message


# --------------------------------------------------------------------------- the list and the form


def test_list_offers_the_new_staff_button_only_to_managers(client: Any, personas: dict[str, Any]) -> None:
    html = as_user(client, personas[Role.STREET_STAFF]).get(LIST).content.decode()
    assert 'id="staff-new"' in html
    assert "新增工作人员" in html
    html = as_user(client, personas[Role.COMMUNITY_WORKER]).get(LIST).content.decode()
    assert 'id="staff-new"' not in html
    assert as_user(client, personas[Role.COMMUNITY_WORKER]).get(NEW).status_code == 403


def test_form_offers_only_the_actors_areas(client: Any, personas: dict[str, Any], mini: Any) -> None:
    response = as_user(client, personas[Role.STREET_STAFF]).get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{mini.grid_a.pk}"' in html
    assert f'value="{mini.community_a.pk}"' in html
    assert f'value="{mini.grid_b.pk}"' not in html
    assert f'value="{mini.district_a.pk}"' not in html


def test_create_staff_through_the_form(client: Any, personas: dict[str, Any], mini: Any) -> None:
    before = counts()
    response = as_user(client, personas[Role.STREET_STAFF]).post(NEW, form_data(mini))
    user = User.objects.get(username="li_gw")
    assert response.status_code == 302
    assert response["Location"] == f"/console/users/{user.pk}/"
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    post = Post.objects.get(user=user)
    assert (post.role, post.area, post.title) == (Role.GRID_WORKER, mini.grid_a, "专职网格员")
    page = client.get(response["Location"]).content.decode()
    assert "已新增工作人员“李网格”。" in page
    assert GOOD_ID not in page


@pytest.mark.parametrize(("case", "value", "piece"), BAD_ID_NUMBERS, ids=[c[0] for c in BAD_ID_NUMBERS])
def test_bad_id_number_in_the_form(
    client: Any, personas: dict[str, Any], mini: Any, case: str, value: str, piece: str
) -> None:
    before = counts()
    response = as_user(client, personas[Role.STREET_STAFF]).post(NEW, form_data(mini, id_number=value))
    assert_form_refused(response, "id_id_number", piece)
    assert counts() == before


@pytest.mark.parametrize(("case", "value", "piece"), BAD_PHONES, ids=[c[0] for c in BAD_PHONES])
def test_bad_phone_in_the_form(
    client: Any, personas: dict[str, Any], mini: Any, case: str, value: str, piece: str
) -> None:
    before = counts()
    response = as_user(client, personas[Role.STREET_STAFF]).post(NEW, form_data(mini, phone=value))
    assert_form_refused(response, "id_phone", piece)
    assert counts() == before


@pytest.mark.parametrize(
    ("field_id", "overrides", "piece"),
    [
        ("id_display_name", {"display_name": "李" * 51}, "不超过50个字符"),
        ("id_username", {"username": "u" * 151}, "不超过150个字符"),
        ("id_password", {"password": "12345"}, "密码"),
        ("id_password", {"password": ""}, "请填写"),
        ("id_area", {"area": "987654321"}, "不存在或不在您的管辖范围内"),
        ("id_area", {"area": "abc"}, "不存在或不在您的管辖范围内"),
        ("id_role", {"role": "mayor"}, "未知岗位"),
        ("id_role", {"role": Role.DISTRICT_ADMIN, "area": ""}, ""),
        ("id_username", {"username": "district_admin_a"}, "已被使用"),
    ],
)
def test_other_bad_input_in_the_form(
    client: Any, personas: dict[str, Any], mini: Any, field_id: str, overrides: dict[str, Any], piece: str
) -> None:
    before = counts()
    response = as_user(client, personas[Role.STREET_STAFF]).post(NEW, form_data(mini, **overrides))
    assert_form_refused(response, field_id, piece)
    assert counts() == before


def test_sibling_area_in_the_form_answers_like_an_unknown_one(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    c = as_user(client, personas[Role.STREET_STAFF])
    before = counts()
    sibling = assert_form_refused(c.post(NEW, form_data(mini, area=str(mini.grid_b.pk))), "id_area")
    unknown = assert_form_refused(c.post(NEW, form_data(mini, area="987654321")), "id_area")
    assert sibling == unknown.replace("987654321", str(mini.grid_b.pk))
    assert counts() == before


def test_duplicate_citizen_id_in_the_form(client: Any, personas: dict[str, Any], mini: Any) -> None:
    make_staff("holder", Role.GRID_WORKER, area=mini.grid_a, id_number=OTHER_ID)
    before = counts()
    response = as_user(client, personas[Role.STREET_STAFF]).post(NEW, form_data(mini, id_number=OTHER_ID))
    assert_form_refused(response, "id_id_number", "其他工作人员")
    assert counts() == before


def test_street_staff_cannot_create_a_district_admin_in_the_form(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    before = counts()
    response = as_user(client, personas[Role.STREET_STAFF]).post(
        NEW, form_data(mini, role=Role.DISTRICT_ADMIN, area=str(mini.district_a.pk))
    )
    assert_form_refused(response, "id_area", "不在您的管辖范围内")
    response = as_user(client, personas[Role.STREET_STAFF]).post(
        NEW, form_data(mini, role=Role.DISTRICT_ADMIN, area=str(mini.street_a.pk))
    )
    assert_form_refused(response, "id_role", "区级管理员")
    assert counts() == before


# --------------------------------------------------------------------------- the posts panel


def detail(user: User) -> str:
    return f"/console/users/{user.pk}/"


def test_posts_panel_shows_for_managers_on_staff_pages(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    worker = make_staff("panel_gw", Role.GRID_WORKER, area=mini.grid_a)
    html = as_user(client, personas[Role.STREET_STAFF]).get(detail(worker)).content.decode()
    assert 'id="posts-panel"' in html
    assert "新增岗位" in html
    assert "结束岗位" in html
    assert "停用账户" in html
    html = as_user(client, personas[Role.COMMUNITY_WORKER]).get(detail(worker)).content.decode()
    assert 'id="posts-panel"' not in html


def test_add_and_end_a_post_and_deactivate_through_the_forms(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    worker = make_staff("forms_gw", Role.GRID_WORKER, area=mini.grid_a)
    first = Post.objects.get(user=worker)
    c = as_user(client, personas[Role.STREET_STAFF])
    response = c.post(
        f"{detail(worker)}posts/", {"role": Role.COMMUNITY_WORKER, "area": str(mini.community_a.pk)}
    )
    assert response.status_code == 302
    assert Post.objects.filter(user=worker, role=Role.COMMUNITY_WORKER, area=mini.community_a).exists()

    response = c.post(f"{detail(worker)}posts/{first.pk}/end/", {"reason": "调整分工"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_active is False
    assert first.valid_to == timezone.localdate()
    html = c.get(detail(worker)).content.decode()
    assert "已结束的岗位" in html

    response = c.post(f"{detail(worker)}deactivate/", {"reason": "离职"})
    assert response.status_code == 302
    assert User.objects.get(pk=worker.pk).is_active is False
    response = c.post(f"{detail(worker)}reactivate/", {"reason": "返聘"})
    assert response.status_code == 302
    assert User.objects.get(pk=worker.pk).is_active is True
    assert list(
        AuditEntry.objects.filter(actor=personas[Role.STREET_STAFF])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["post.assign", "post.end", "user.deactivate", "user.reactivate"]


@pytest.mark.parametrize(
    ("url_tail", "data", "field_id", "piece"),
    [
        (
            "posts/",
            {"role": Role.COMMUNITY_WORKER, "area": "SIBLING"},
            "post_area",
            "不存在或不在您的管辖范围内",
        ),
        (
            "posts/",
            {"role": Role.COMMUNITY_WORKER, "area": "987654321"},
            "post_area",
            "不存在或不在您的管辖范围内",
        ),
        ("posts/", {"role": "", "area": "GRID"}, "post_role", "请选择岗位"),
        (
            "posts/",
            {"role": Role.GRID_WORKER, "area": "GRID", "valid_from": "2026-02-30"},
            "post_valid_from",
            "正确的日期",
        ),
        ("posts/POST/end/", {"reason": ""}, "endPOST_reason", "请填写"),
        ("posts/POST/end/", {"reason": "调整", "valid_to": "2999-01-01"}, "endPOST_valid_to", "不能晚于今天"),
        ("deactivate/", {"reason": ""}, "active_reason", "请填写"),
        ("deactivate/", {"reason": "\x00"}, "active_reason", ""),
    ],
)
def test_bad_input_on_the_posts_panel(
    client: Any,
    personas: dict[str, Any],
    mini: Any,
    url_tail: str,
    data: dict[str, Any],
    field_id: str,
    piece: str,
) -> None:
    worker = make_staff("bad_gw", Role.GRID_WORKER, area=mini.grid_a)
    post = Post.objects.get(user=worker)
    swap = {"SIBLING": str(mini.community_b.pk), "GRID": str(mini.grid_a.pk)}
    data = {k: swap.get(v, v) for k, v in data.items()}
    c = as_user(client, personas[Role.STREET_STAFF])
    before = counts()
    response = c.post(detail(worker) + url_tail.replace("POST", str(post.pk)), data)
    assert response.status_code == 400
    assert_form_refused(response, field_id.replace("POST", str(post.pk)), piece)
    assert counts() == before
    post.refresh_from_db()
    assert post.is_active


def test_sibling_staff_pages_and_posts_are_not_found(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    theirs = make_staff("their_gw", Role.GRID_WORKER, area=mini.grid_b)
    post = Post.objects.get(user=theirs)
    c = as_user(client, personas[Role.DISTRICT_ADMIN])
    before = counts()
    assert c.post(f"{detail(theirs)}posts/{post.pk}/end/", {"reason": "越权"}).status_code == 404
    assert c.post(f"{detail(theirs)}deactivate/", {"reason": "越权"}).status_code == 404
    assert (
        c.post(f"{detail(theirs)}posts/", {"role": Role.GRID_WORKER, "area": str(mini.grid_a.pk)}).status_code
        == 404
    )
    assert counts() == before


def test_list_and_detail_query_counts(
    client: Any, personas: dict[str, Any], mini: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        make_staff(f"many{i}", Role.GRID_WORKER, area=mini.grid_a)
    worker = make_staff("with_posts", Role.GRID_WORKER, area=mini.grid_a)
    for _ in range(5):
        Post.objects.create(user=worker, role=Role.COMMUNITY_WORKER, area=mini.community_a)
    c = as_user(client, personas[Role.STREET_STAFF])
    c.get(LIST)
    with django_assert_max_num_queries(20):
        response = c.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count("/console/users/") >= 26
    c.get(detail(worker))
    with django_assert_max_num_queries(20):
        response = c.get(detail(worker))
    assert response.content.decode().count("结束岗位</button>") == 6
