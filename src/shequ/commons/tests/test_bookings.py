"""Booking: approval, cancellation, attendance, idempotency, notifications, every bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.commons import services
from shequ.commons.factories import make_booking, make_space, next_slot
from shequ.commons.hours import week_start
from shequ.commons.models import Attendance, Booking, BookingStatus
from shequ.core.models import AuditEntry, CalendarDay, DayKind

pytestmark = pytest.mark.django_db


def test_a_resident_books_a_free_slot_and_is_told_by_sms(
    space: Any, neighbours: dict[str, Any], sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = services.booking_submit(
            actor=neighbours["wang"],
            space=space,
            starts_at=next_slot(2, 9),
            attendees=8,
            purpose="太极拳练习",
        )
    booking = result.booking
    assert result.created
    assert booking.status == BookingStatus.APPROVED
    assert booking.ends_at - booking.starts_at == timedelta(hours=1)
    assert booking.booker_kind == "resident"
    assert booking.area == space.area
    assert AuditEntry.objects.filter(action="commons.booking.submit", object_id=str(booking.pk)).count() == 1
    message = sms_outbox.last_to("13911110001")
    assert message is not None
    assert "已成功预约多功能活动室" in message.text


def test_approval_flow_pending_holds_the_slot_then_approved_or_rejected(
    space: Any,
    neighbours: dict[str, Any],
    personas: dict[str, Any],
    sms_outbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    space.requires_approval = True
    space.save()
    worker = personas[Role.COMMUNITY_WORKER]
    first = services.booking_submit(
        actor=neighbours["wang"], space=space, starts_at=next_slot(2, 9), purpose="合唱排练"
    ).booking
    assert first.status == BookingStatus.PENDING
    with pytest.raises(ValidationError) as exc:  # a pending booking holds the slot
        services.booking_submit(
            actor=neighbours["li"], space=space, starts_at=next_slot(2, 9), purpose="下棋"
        )
    assert exc.value.message_dict["starts_at"] == ["该时段已被预约，请选择其他时段。"]
    with pytest.raises(ValidationError) as exc:
        services.booking_decide(actor=worker, booking=first, approve=False, reason="")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):  # a resident cannot decide
        services.booking_decide(actor=neighbours["li"], booking=first, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_decide(actor=worker, booking=first, approve=False, reason="当天社区有活动")
    first.refresh_from_db()
    assert first.status == BookingStatus.REJECTED
    assert first.decision_reason == "当天社区有活动"
    assert "未通过审核：当天社区有活动" in sms_outbox.last_to("13911110001").text
    # the slot is free again; this time it is approved
    second = services.booking_submit(
        actor=neighbours["li"], space=space, starts_at=next_slot(2, 9), purpose="下棋"
    ).booking
    services.booking_decide(actor=worker, booking=second, approve=True)
    second.refresh_from_db()
    assert second.status == BookingStatus.APPROVED
    assert second.decided_by == worker
    with pytest.raises(ValidationError):
        services.booking_decide(actor=worker, booking=second, approve=True)
    assert (
        AuditEntry.objects.filter(action__in=["commons.booking.approve", "commons.booking.reject"]).count()
        == 2
    )


def test_cancellation_by_the_booker_before_the_start(
    space: Any, neighbours: dict[str, Any], personas: dict[str, Any]
) -> None:
    booking = services.booking_submit(
        actor=neighbours["wang"], space=space, starts_at=next_slot(3, 15), purpose="读书会"
    ).booking
    with pytest.raises(ValidationError) as exc:
        services.booking_cancel(actor=neighbours["li"], booking=booking)
    assert exc.value.message_dict["booking"] == ["只能取消自己的预约。"]
    services.booking_cancel(actor=neighbours["wang"], booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_at is not None
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=neighbours["wang"], booking=booking)
    # the slot can be booked again
    services.booking_submit(actor=neighbours["li"], space=space, starts_at=next_slot(3, 15), purpose="棋牌")
    started = make_booking(space, neighbours["wang"], timezone.now() - timedelta(minutes=10))
    with pytest.raises(ValidationError) as exc:
        services.booking_cancel(actor=neighbours["wang"], booking=started)
    assert exc.value.message_dict["booking"] == ["预约时段已开始，不能取消。"]


def test_no_show_is_marked_by_staff_after_the_start(
    space: Any, neighbours: dict[str, Any], personas: dict[str, Any]
) -> None:
    worker = personas[Role.COMMUNITY_WORKER]
    past = make_booking(space, neighbours["wang"], timezone.now() - timedelta(hours=2))
    future = make_booking(space, neighbours["wang"], next_slot(2, 10))
    with pytest.raises(ValidationError) as exc:
        services.booking_mark_attendance(actor=worker, booking=future, attendance=Attendance.NO_SHOW)
    assert exc.value.message_dict["booking"] == ["预约时段开始后才能登记到场情况。"]
    with pytest.raises(ValidationError):
        services.booking_mark_attendance(
            actor=personas[Role.SUPERVISION_MEMBER], booking=past, attendance=Attendance.NO_SHOW
        )
    services.booking_mark_attendance(actor=worker, booking=past, attendance=Attendance.NO_SHOW)
    past.refresh_from_db()
    assert past.attendance == Attendance.NO_SHOW
    assert past.attendance_by == worker


def test_idempotency_key_returns_the_first_booking(space: Any, neighbours: dict[str, Any]) -> None:
    kwargs = {"actor": neighbours["wang"], "space": space, "purpose": "排练", "idempotency_key": "k-123"}
    first = services.booking_submit(starts_at=next_slot(2, 9), **kwargs)
    again = services.booking_submit(starts_at=next_slot(2, 9), **kwargs)
    assert first.created
    assert not again.created
    assert again.booking.pk == first.booking.pk
    assert Booking.objects.count() == 1


def test_the_database_refuses_a_second_booking_of_a_slot(space: Any, neighbours: dict[str, Any]) -> None:
    """On SQLite and PostgreSQL alike: the partial unique index on (space, starts_at)."""
    start = next_slot(2, 9)
    make_booking(space, neighbours["wang"], start, status=BookingStatus.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(space, neighbours["li"], start)
    make_booking(space, neighbours["li"], start + timedelta(hours=1))  # the next slot is fine
    cancelled = make_booking(space, neighbours["li"], next_slot(3, 9), status=BookingStatus.CANCELLED)
    make_booking(space, neighbours["wang"], cancelled.starts_at)  # a cancelled booking frees its slot


def _closed_day() -> Any:
    day = timezone.localdate() + timedelta(days=5)
    CalendarDay.objects.update_or_create(date=day, defaults={"kind": DayKind.HOLIDAY, "name": "测试假日"})
    return day


def _case_start(case: str, space: Any) -> Any:
    today = timezone.localdate()
    if case == "past":
        return next_slot(-1, 9)
    if case == "window":
        return next_slot(space.booking_window_days + 1, 9)
    if case == "holiday":
        day = _closed_day()
        return next_slot((day - today).days, 9)
    if case == "weekday":
        sunday = week_start(today) + timedelta(days=13)
        return next_slot((sunday - today).days, 9)
    if case == "hours":
        return next_slot(2, 7)
    return next_slot(2, 9)


BAD_INPUT = [
    ("past", {}, "starts_at", "不能预约已经开始或已经过去的时段。"),
    ("hours", {}, "starts_at", "所选时间不在开放时段内，请从可预约时段中选择。"),
    ("holiday", {}, "starts_at", "该日为法定节假日，场地不开放。"),
    ("weekday", {}, "starts_at", "该场地周日不开放。"),
    ("window", {}, "starts_at", "最多只能提前14天预约。"),
    ("capacity", {"attendees": 21}, "attendees", "人数超过场地容量（最多20人）。"),
    ("purpose", {"purpose": ""}, "purpose", "此项为必填项。"),
]


@pytest.mark.parametrize(("case", "extra", "field", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_a_field_message_and_nothing_is_written(
    client: Any,
    mini: Any,
    personas: dict[str, Any],
    case: str,
    extra: dict[str, Any],
    field: str,
    message: str,
) -> None:
    hours = [[["08:00", "21:00"]] for _ in range(6)] + [[]]  # closed on Sundays
    space = make_space(mini.community_a, "议事厅", capacity=20, opening_hours=hours)
    client.force_login(personas[Role.COMMUNITY_WORKER])
    body = {"starts_at": _case_start(case, space).isoformat(), "purpose": "居民议事", "attendees": 5} | extra
    audits = AuditEntry.objects.count()
    response = client.post(
        f"/api/v1/commons/spaces/{space.pk}/bookings", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][field] == [message]
    assert Booking.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_weekly_limit(space: Any, neighbours: dict[str, Any], client: Any) -> None:
    space.max_per_week = 2
    space.save()
    monday = week_start(timezone.localdate()) + timedelta(days=7)
    days = (monday - timezone.localdate()).days
    for hour in (9, 10):
        services.booking_submit(
            actor=neighbours["wang"], space=space, starts_at=next_slot(days, hour), purpose="练琴"
        )
    client.force_login(neighbours["wang"])
    response = client.post(
        f"/commons/spaces/{space.pk}/",
        {"starts_at": next_slot(days + 1, 9).isoformat(), "purpose": "练琴", "attendees": "2"},
    )
    assert response.status_code == 400
    assert "每周最多预约该场地2次，本周已约满。" in response.content.decode()
    assert Booking.objects.count() == 2
    # another resident is not affected by wang's limit
    services.booking_submit(
        actor=neighbours["li"], space=space, starts_at=next_slot(days + 1, 9), purpose="练琴"
    )


def test_who_may_book(space: Any, neighbours: dict[str, Any], personas: dict[str, Any], mini: Any) -> None:
    with pytest.raises(ValidationError) as exc:  # a resident of another community
        services.booking_submit(
            actor=neighbours["zhao"], space=space, starts_at=next_slot(2, 9), purpose="打球"
        )
    assert exc.value.message_dict["space"] == ["只能预约本社区及上级区域开放的场地。"]
    street_hall = make_space(mini.street_a, "街道体育馆", open_on_holidays=True)
    services.booking_submit(
        actor=neighbours["wang"], space=street_hall, starts_at=next_slot(2, 9), purpose="打球"
    )
    space.allow_residents = False
    space.save()
    with pytest.raises(ValidationError) as exc:
        services.booking_submit(
            actor=neighbours["wang"], space=space, starts_at=next_slot(2, 9), purpose="打球"
        )
    assert exc.value.message_dict["space"] == ["该场地不接受居民预约。"]
    # a provider's staff book for their organisation (it serves street A)
    provider = personas[Role.PROVIDER_STAFF]
    booking = services.booking_submit(
        actor=provider,
        space=space,
        starts_at=next_slot(2, 10),
        purpose="助老讲座",
        organisation=mini.provider_a,
    ).booking
    assert booking.booker_kind == "organisation"
    assert booking.organisation == mini.provider_a
    with pytest.raises(ValidationError) as exc:
        services.booking_submit(
            actor=provider, space=space, starts_at=next_slot(2, 11), purpose="讲座", organisation=mini.dept_b
        )
    assert exc.value.message_dict["organisation"] == ["您不能代表该单位预约。"]
