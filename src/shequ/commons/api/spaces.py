"""Spaces: list, create, read, change, a week's slots, a month's usage."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Status

from shequ.core.access import scope
from shequ.core.api import ERRORS
from shequ.core.models import Area, Organisation

from .. import selectors, services
from ..hours import week_start
from ..models import Space
from .common import SPACE, renamed, router
from .schemas import (
    SlotOut,
    SpaceDayOut,
    SpaceIdPath,
    SpaceIn,
    SpaceListFilters,
    SpaceOut,
    SpacePage,
    SpacePatch,
    SpaceUsageOut,
    SpaceUsageQuery,
    SpaceWeekOut,
    SpaceWeekQuery,
)


def space_out(s: Space) -> SpaceOut:
    return SpaceOut(
        id=s.pk,
        name=s.name,
        kind=s.kind,
        kind_label=str(s.get_kind_display()),
        area_id=s.area_id,
        area_name=s.area.name,
        organisation_id=s.organisation_id,
        organisation_name=s.organisation.name if s.organisation else "",
        location=s.location,
        capacity=s.capacity,
        equipment=s.equipment,
        opening_hours=s.opening_hours or [],
        open_on_holidays=s.open_on_holidays,
        slot_minutes=s.slot_minutes,
        requires_approval=s.requires_approval,
        allow_residents=s.allow_residents,
        allow_organisations=s.allow_organisations,
        allow_staff=s.allow_staff,
        booking_window_days=s.booking_window_days,
        max_per_week=s.max_per_week,
        is_active=s.is_active,
    )


@router.get("/spaces", response={200: SpacePage, **ERRORS}, summary="场地列表")
def list_spaces(request: HttpRequest, filters: Query[SpaceListFilters]) -> SpacePage:
    qs = selectors.spaces_visible_to(request.user)
    if filters.area_id is not None:
        qs = qs.filter(area_id=filters.area_id)
    items = [space_out(s) for s in qs[filters.offset : filters.offset + filters.limit]]
    return SpacePage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


def _organisation(request: HttpRequest, organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    org = selectors.organisation_by_id(organisation_id)
    if org is None:
        raise ValidationError({"organisation_id": _("请选择您管辖范围内的单位。")})
    return org


@router.post("/spaces", response={201: SpaceOut, **ERRORS}, summary="新增场地")
def create_space(request: HttpRequest, payload: SpaceIn) -> Status[SpaceOut]:
    area = scope(Area.objects.all(), request.user, field="", write=True).filter(pk=payload.area_id).first()
    if area is None:
        raise ValidationError({"area_id": _("请选择您管辖范围内的社区、村或街道。")})
    organisation = _organisation(request, payload.organisation_id)
    try:
        space = services.space_create(
            actor=request.user,
            area=area,
            organisation=organisation,
            **payload.dict(exclude={"area_id", "organisation_id"}),
        )
    except ValidationError as exc:
        raise renamed(exc, {"area": "area_id", "organisation": "organisation_id"}) from exc
    return Status(201, space_out(space))


@router.get("/spaces/{space_id}", response={200: SpaceOut, **ERRORS}, summary="场地详情", openapi_extra=SPACE)
def get_space(request: HttpRequest, space_id: SpaceIdPath) -> SpaceOut:
    return space_out(selectors.space_for(request.user, space_id))


@router.patch(
    "/spaces/{space_id}", response={200: SpaceOut, **ERRORS}, summary="修改场地", openapi_extra=SPACE
)
def update_space(request: HttpRequest, space_id: SpaceIdPath, payload: SpacePatch) -> SpaceOut:
    space = selectors.space_for(request.user, space_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return space_out(services.space_update(actor=request.user, space=space, **values))


@router.get(
    "/spaces/{space_id}/week",
    response={200: SpaceWeekOut, **ERRORS},
    summary="场地一周时段",
    openapi_extra=SPACE,
)
def space_week(request: HttpRequest, space_id: SpaceIdPath, query: Query[SpaceWeekQuery]) -> SpaceWeekOut:
    space = selectors.space_for(request.user, space_id)
    day = query.start or timezone.localdate()
    if abs((day - timezone.localdate()).days) > 3660:
        raise ValidationError({"start": _("日期超出范围。")})
    monday = week_start(day)
    days = selectors.week_grid(space, monday, request.user)
    return SpaceWeekOut(
        space_id=space.pk,
        week_start=monday,
        days=[
            SpaceDayOut(
                date=d.day,
                weekday=d.weekday,
                closed=d.closed,
                holiday=d.holiday,
                slots=[SlotOut(starts_at=c.starts_at, ends_at=c.ends_at, state=c.state) for c in d.cells],
            )
            for d in days
        ],
    )


@router.get(
    "/spaces/{space_id}/usage",
    response={200: SpaceUsageOut, **ERRORS},
    summary="场地月度使用统计",
    openapi_extra=SPACE,
)
def space_usage(request: HttpRequest, space_id: SpaceIdPath, query: Query[SpaceUsageQuery]) -> SpaceUsageOut:
    space = selectors.space_for(request.user, space_id)
    month = selectors.parse_month(query.month)
    if month is None or not 2000 <= month.year <= 2100:
        raise ValidationError({"month": _("月份格式应为 2026-11。")})
    usage = selectors.usage_for([space], month)[0]
    return SpaceUsageOut(
        space_id=space.pk,
        space_name=space.name,
        month=f"{month:%Y-%m}",
        bookings=usage.bookings,
        pending=usage.pending,
        cancelled=usage.cancelled,
        rejected=usage.rejected,
        hours_booked=str(usage.hours_booked),
        open_hours=str(usage.open_hours),
        utilisation=str(usage.utilisation) if usage.utilisation is not None else None,
        attended=usage.attended,
        no_show=usage.no_show,
        unmarked=usage.unmarked,
        attendance_rate=str(usage.attendance_rate) if usage.attendance_rate is not None else None,
    )
