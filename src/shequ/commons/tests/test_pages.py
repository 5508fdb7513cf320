"""Console and portal pages, and the API: scope, 404 for another area, query counts, forms."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.commons.factories import make_booking, make_space, next_slot
from shequ.commons.models import Booking, BookingStatus, Space

pytestmark = pytest.mark.django_db


def test_console_space_list_is_scoped(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for i in range(15):
        make_space(mini.community_a, f"活动室{i}")
    other = make_space(mini.community_b, "钓鱼台活动室")
    client.force_login(personas[Role.COMMUNITY_WORKER])
    with django_assert_max_num_queries(12):
        response = client.get("/console/commons/")
    text = response.content.decode()
    assert "共 15 处场地" in text
    assert "钓鱼台活动室" not in text
    assert client.get(f"/console/commons/spaces/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/commons/spaces/{other.pk}").status_code == 404
    assert client.get("/api/v1/commons/spaces").json()["count"] == 15


def test_space_detail_with_bookings_has_bounded_queries(
    client: Any,
    space: Any,
    neighbours: dict[str, Any],
    personas: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    for hour in range(8, 20):
        make_booking(space, neighbours["wang"], next_slot(1, hour))
        make_booking(space, neighbours["li"], next_slot(2, hour), status=BookingStatus.PENDING)
    client.force_login(personas[Role.COMMUNITY_WORKER])
    with django_assert_max_num_queries(16):
        response = client.get(f"/console/commons/spaces/{space.pk}/?week={next_slot(1).date().isoformat()}")
    assert response.status_code == 200
    assert "待审核的预约" in response.content.decode()


def test_create_and_edit_a_space_in_the_console(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    form = {
        "name": "学校体育馆",
        "kind": "institution",
        "area": mini.community_a.pk,
        "capacity": "60",
        "slot_minutes": "60",
        "booking_window_days": "7",
        "max_per_week": "2",
        "allow_residents": "on",
        "is_active": "on",
        "requires_approval": "on",
        **{f"hours_{i}": "18:00-21:00" for i in range(5)},
        "hours_5": "",
        "hours_6": "",
    }
    bad = client.post("/console/commons/spaces/new/", form | {"hours_0": "21:00-18:00"})
    assert bad.status_code == 400
    assert "结束时间须晚于开始时间。" in bad.content.decode()
    assert not Space.objects.exists()
    response = client.post("/console/commons/spaces/new/", form)
    assert response.status_code == 302
    space = Space.objects.get(name="学校体育馆")
    assert space.opening_hours[0] == [["18:00", "21:00"]]
    assert space.opening_hours[6] == []
    assert space.requires_approval
    assert not space.allow_staff
    edit = client.post(f"/console/commons/spaces/{space.pk}/edit/", form | {"capacity": "80"})
    assert edit.status_code == 302
    space.refresh_from_db()
    assert space.capacity == 80
    client.force_login(personas[Role.SUPERVISION_MEMBER])
    assert client.get(f"/console/commons/spaces/{space.pk}/edit/").status_code == 403


def test_api_create_space_and_book_with_idempotency_header(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    body = {
        "area_id": mini.community_a.pk,
        "name": "会议室",
        "capacity": 12,
        "opening_hours": [[["08:00", "21:00"]]] * 7,
        "open_on_holidays": True,
    }
    response = client.post("/api/v1/commons/spaces", body, content_type="application/json")
    assert response.status_code == 201, response.content
    space_id = response.json()["id"]
    other = client.post(
        "/api/v1/commons/spaces", body | {"area_id": mini.community_b.pk}, content_type="application/json"
    )
    assert other.status_code == 400
    assert "area_id" in other.json()["errors"]
    booking = {"starts_at": next_slot(2, 9).isoformat(), "purpose": "两委会议", "attendees": 8}
    first = client.post(
        f"/api/v1/commons/spaces/{space_id}/bookings",
        booking,
        content_type="application/json",
        headers={"Idempotency-Key": "abc"},
    )
    again = client.post(
        f"/api/v1/commons/spaces/{space_id}/bookings",
        booking,
        content_type="application/json",
        headers={"Idempotency-Key": "abc"},
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Booking.objects.count() == 1
    week = client.get(
        f"/api/v1/commons/spaces/{space_id}/week?start={next_slot(2).date().isoformat()}"
    ).json()
    states = {s["starts_at"][:16]: s["state"] for d in week["days"] for s in d["slots"]}
    assert states[next_slot(2, 9).isoformat()[:16]] == "mine"


def test_portal_space_pages_for_residents_only(
    client: Any,
    space: Any,
    neighbours: dict[str, Any],
    personas: dict[str, Any],
    mini: Any,
    django_assert_max_num_queries: Any,
) -> None:
    other = make_space(mini.community_b, "钓鱼台活动室")
    client.force_login(neighbours["wang"])
    with django_assert_max_num_queries(10):
        listing = client.get("/commons/").content.decode()
    assert "多功能活动室" in listing
    assert "钓鱼台活动室" not in listing
    for hour in range(8, 20):
        make_booking(space, neighbours["li"], next_slot(1, hour))
    with django_assert_max_num_queries(10):
        page = client.get(f"/commons/spaces/{space.pk}/?week={next_slot(1).date().isoformat()}")
    assert page.status_code == 200
    assert "已约满" in page.content.decode()
    assert "李建国" not in page.content.decode()  # who booked is not shown to other residents
    assert client.get(f"/commons/spaces/{other.pk}/").status_code == 404
    booking = make_booking(space, neighbours["li"], next_slot(3, 9))
    assert client.post(f"/commons/bookings/{booking.pk}/cancel/").status_code == 404
    client.force_login(personas[Role.COMMUNITY_WORKER])
    assert client.get(f"/commons/spaces/{space.pk}/").status_code == 404
    client.logout()
    assert client.get("/commons/").status_code == 302
