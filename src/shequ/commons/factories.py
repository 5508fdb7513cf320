"""Factories shared by the tests and the demo: spaces, bookings, mutual-aid posts.

They write rows directly (no actor, no audit), for fixtures; the product goes through
:mod:`shequ.commons.services`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from shequ.core.models import Area

from .models import AidKind, AidPost, BookerKind, Booking, BookingStatus, Space, SpaceKind

EVERY_DAY = [[["08:00", "21:00"]] for _ in range(7)]


def make_space(area: Area, name: str = "多功能活动室", **kwargs: Any) -> Space:
    values: dict[str, Any] = {
        "kind": SpaceKind.ACTIVITY_ROOM,
        "capacity": 30,
        "opening_hours": EVERY_DAY,
        "slot_minutes": 60,
        "booking_window_days": 14,
        "max_per_week": 3,
    }
    values.update(kwargs)
    return Space.objects.create(area=area, name=name, **values)


def make_booking(
    space: Space,
    booker: Any,
    starts_at: datetime,
    *,
    status: str = BookingStatus.APPROVED,
    minutes: int | None = None,
    **kwargs: Any,
) -> Booking:
    kind = BookerKind.RESIDENT if getattr(booker, "kind", "") == "resident" else BookerKind.STAFF
    if kwargs.get("organisation") is not None:
        kind = BookerKind.ORGANISATION
    values: dict[str, Any] = {"attendees": 5, "purpose": "邻里活动", "booker_kind": kind}
    values.update(kwargs)
    return Booking.objects.create(
        space=space,
        area=space.area,
        booker=booker,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes or space.slot_minutes),
        status=status,
        **values,
    )


def make_aid_post(
    author: Any, title: str = "帮忙接送孩子", *, kind: str = AidKind.REQUEST, **kwargs: Any
) -> AidPost:
    values: dict[str, Any] = {"category": "daily", "body": ""}
    values.update(kwargs)
    area = values.pop("area", None) or author.home_area
    return AidPost.objects.create(area=area, author=author, kind=kind, title=title, **values)


def next_slot(days: int = 1, hour: int = 9) -> datetime:
    """A slot start ``days`` from today at ``hour`` o'clock (Asia/Shanghai)."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))
