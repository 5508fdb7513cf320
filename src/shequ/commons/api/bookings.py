"""Bookings: submit (idempotent), list, read, decide, cancel, attendance."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..models import Booking, BookingStatus
from .common import BOOKING, SPACE, router
from .schemas import (
    BookingAttendanceIn,
    BookingCancelIn,
    BookingDecisionIn,
    BookingIdPath,
    BookingIn,
    BookingListFilters,
    BookingOut,
    BookingPage,
    SpaceIdPath,
)


def booking_out(b: Booking) -> BookingOut:
    return BookingOut(
        id=b.pk,
        space_id=b.space_id,
        space_name=b.space.name,
        area_id=b.area_id,
        booker_kind=b.booker_kind,
        booker_name=str(b.organisation or b.booker),
        organisation_id=b.organisation_id,
        organisation_name=b.organisation.name if b.organisation else "",
        starts_at=b.starts_at,
        ends_at=b.ends_at,
        attendees=b.attendees,
        purpose=b.purpose,
        status=b.status,
        status_label=str(b.get_status_display()),
        decision_reason=b.decision_reason,
        attendance=b.attendance,
    )


@router.post(
    "/spaces/{space_id}/bookings",
    response={200: BookingOut, 201: BookingOut, **ERRORS},
    summary="预约场地时段",
    description=(
        "重复提交同一幂等键（请求体 idempotency_key 或请求头 Idempotency-Key）返回第一次的预约（200）。"
    ),
    openapi_extra=SPACE,
)
def create_booking(
    request: HttpRequest,
    space_id: SpaceIdPath,
    payload: BookingIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),
) -> Status[BookingOut]:
    space = selectors.space_for(request.user, space_id)
    organisation = None
    if payload.organisation_id is not None:
        organisation = (
            selectors.organisations_for_booking(request.user).filter(pk=payload.organisation_id).first()
        )
        if organisation is None:
            raise ValidationError({"organisation_id": _("您不能代表该单位预约。")})
    result = services.booking_submit(
        actor=request.user,
        space=space,
        starts_at=payload.starts_at,
        attendees=payload.attendees,
        purpose=payload.purpose,
        organisation=organisation,
        idempotency_key=payload.idempotency_key or idempotency_key or "",
    )
    return Status(201 if result.created else 200, booking_out(result.booking))


@router.get("/bookings", response={200: BookingPage, **ERRORS}, summary="预约列表")
def list_bookings(request: HttpRequest, filters: Query[BookingListFilters]) -> BookingPage:
    if filters.status and filters.status not in BookingStatus.values:
        raise ValidationError({"status": _("请选择有效的选项。")})
    qs = selectors.booking_list(request.user, space_id=filters.space_id, status=filters.status)
    items = [booking_out(b) for b in qs[filters.offset : filters.offset + filters.limit]]
    return BookingPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.get(
    "/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, summary="预约详情", openapi_extra=BOOKING
)
def get_booking(request: HttpRequest, booking_id: BookingIdPath) -> BookingOut:
    return booking_out(selectors.booking_for(request.user, booking_id))


@router.post(
    "/bookings/{booking_id}/decision",
    response={200: BookingOut, **ERRORS},
    summary="审核预约（通过或不通过并说明理由）",
    openapi_extra=BOOKING,
)
def decide_booking(request: HttpRequest, booking_id: BookingIdPath, payload: BookingDecisionIn) -> BookingOut:
    booking = selectors.booking_for(request.user, booking_id)
    return booking_out(
        services.booking_decide(
            actor=request.user, booking=booking, approve=payload.approve, reason=payload.reason
        )
    )


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: BookingOut, **ERRORS},
    summary="取消预约",
    openapi_extra=BOOKING,
)
def cancel_booking(request: HttpRequest, booking_id: BookingIdPath, payload: BookingCancelIn) -> BookingOut:
    booking = selectors.booking_for(request.user, booking_id)
    return booking_out(services.booking_cancel(actor=request.user, booking=booking, reason=payload.reason))


@router.post(
    "/bookings/{booking_id}/attendance",
    response={200: BookingOut, **ERRORS},
    summary="登记到场情况（到场或未到场）",
    openapi_extra=BOOKING,
)
def mark_attendance(
    request: HttpRequest, booking_id: BookingIdPath, payload: BookingAttendanceIn
) -> BookingOut:
    booking = selectors.booking_for(request.user, booking_id)
    return booking_out(
        services.booking_mark_attendance(actor=request.user, booking=booking, attendance=payload.attendance)
    )
