"""Console pages for spaces and bookings under /console/commons/."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shequ.console.decorators import staff_required
from shequ.core.access import scoped_object

from .. import selectors, services
from ..access import manages_space
from ..forms import SpaceForm, put_errors
from ..models import BookingStatus
from .common import first_message, parse_start, week_of

PAGE_SIZE = 50


def space_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.spaces_visible_to(request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "commons/space_list.html",
        {"page_obj": page, "can_create": selectors.owner_areas_for(request.user).exists()},
    )


def _save_space(request: HttpRequest, form: SpaceForm, space: Any = None) -> Any:
    values = form.values()
    if space is None:
        space = services.space_create(actor=request.user, **values)
    else:
        values.pop("area", None)
        values.pop("organisation", None)
        space = services.space_update(actor=request.user, space=space, **values)
    photo = form.cleaned_data.get("photo")
    if photo:
        services.space_set_photo(actor=request.user, space=space, photo=photo)
    return space


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def space_create(request: HttpRequest) -> HttpResponse:
    areas = selectors.owner_areas_for(request.user)
    if not areas.exists():
        raise PermissionDenied
    initial = SpaceForm.initial_hours([["08:30-12:00, 14:00-21:00"]] * 5 + [["09:00-17:00"]] * 2)
    form = SpaceForm(
        request.POST or None,
        request.FILES or None,
        areas=areas,
        organisations=selectors.organisations_for_staff(request.user),
        initial={**initial, "hours_0": "08:30-12:00, 14:00-21:00"},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                space = _save_space(request, form)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已新增场地。"))
                return redirect("commons:space", space_id=space.pk)
        status = 400
    return render(request, "commons/space_form.html", {"form": form}, status=status)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("commons.Space", "space_id", action="change")
def space_edit(request: HttpRequest, space_id: int) -> HttpResponse:
    space = selectors.space_for(request.user, space_id)
    if not manages_space(request.user, space):
        raise PermissionDenied
    initial = {
        name: getattr(space, name)
        for name in (
            "name",
            "kind",
            "location",
            "capacity",
            "equipment",
            "slot_minutes",
            "booking_window_days",
            "max_per_week",
            "open_on_holidays",
            "requires_approval",
            "allow_residents",
            "allow_organisations",
            "allow_staff",
            "is_active",
        )
    }
    initial |= {"area": space.area, "organisation": space.organisation} | SpaceForm.initial_hours(
        space.opening_hours
    )
    owner_areas, owner_organisations = selectors.space_owner_choices(space)
    form = SpaceForm(
        request.POST or None,
        request.FILES or None,
        areas=owner_areas,
        organisations=owner_organisations,
        initial=initial,
    )
    form.fields["area"].disabled = True
    form.fields["organisation"].disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _save_space(request, form, space)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("commons:space", space_id=space.pk)
        status = 400
    return render(request, "commons/space_form.html", {"form": form, "space": space}, status=status)


@never_cache
@staff_required
@require_GET
@scoped_object("commons.Space", "space_id")
def space_detail(request: HttpRequest, space_id: int) -> HttpResponse:
    user = request.user
    space = selectors.space_for(user, space_id)
    monday = week_of(request)
    days = selectors.week_grid(space, monday, user, staff_view=True)
    pending = selectors.booking_list(user, space_id=space.pk, status=BookingStatus.PENDING).order_by(
        "starts_at"
    )
    recent = selectors.booking_list(user, space_id=space.pk, status=BookingStatus.APPROVED)[:30]
    return render(
        request,
        "commons/space_detail.html",
        {
            "space": space,
            "days": days,
            "monday": monday,
            "prev_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "pending": list(pending[:50]),
            "recent": list(recent),
            "manages": manages_space(user, space),
            "organisations": list(selectors.organisations_for_booking(user)),
            "idempotency_key": uuid.uuid4().hex,
        },
    )


@staff_required
@require_POST
@scoped_object("commons.Space", "space_id")
def space_book(request: HttpRequest, space_id: int) -> HttpResponse:
    user = request.user
    space = selectors.space_for(user, space_id)
    org_id = request.POST.get("organisation") or None
    organisation = None
    if org_id:
        organisation = (
            selectors.organisations_for_booking(user).filter(pk=org_id).first() if org_id.isdigit() else None
        )
        if organisation is None:
            messages.error(request, _("您不能代表该单位预约。"))
            return redirect("commons:space", space_id=space.pk)
    starts_at = parse_start(request.POST.get("starts_at", ""))
    try:
        services.booking_submit(
            actor=user,
            space=space,
            starts_at=starts_at,
            attendees=request.POST.get("attendees", "1"),
            purpose=request.POST.get("purpose", ""),
            organisation=organisation,
            idempotency_key=request.POST.get("idempotency_key", ""),
        )
    except ValidationError as exc:
        messages.error(request, first_message(exc))
    else:
        messages.success(request, _("已预约。"))
    week = starts_at.date().isoformat() if starts_at else ""
    return redirect(f"{reverse('commons:space', kwargs={'space_id': space.pk})}?week={week}")


def _booking_action(request: HttpRequest, booking_id: int, action: Any, done: str) -> HttpResponse:
    booking = selectors.booking_for(request.user, booking_id)
    try:
        action(booking)
    except ValidationError as exc:
        messages.error(request, first_message(exc))
    else:
        messages.success(request, done)
    return redirect("commons:space", space_id=booking.space_id)


@staff_required
@require_POST
@scoped_object("commons.Booking", "booking_id")
def booking_decide(request: HttpRequest, booking_id: int) -> HttpResponse:
    approve = request.POST.get("approve") == "1"
    reason = request.POST.get("reason", "")
    return _booking_action(
        request,
        booking_id,
        lambda b: services.booking_decide(actor=request.user, booking=b, approve=approve, reason=reason),
        _("已审核。"),
    )


@staff_required
@require_POST
@scoped_object("commons.Booking", "booking_id")
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _booking_action(
        request,
        booking_id,
        lambda b: services.booking_cancel(actor=request.user, booking=b, reason=reason),
        _("已取消预约。"),
    )


@staff_required
@require_POST
@scoped_object("commons.Booking", "booking_id")
def booking_attendance(request: HttpRequest, booking_id: int) -> HttpResponse:
    value = request.POST.get("attendance", "")
    return _booking_action(
        request,
        booking_id,
        lambda b: services.booking_mark_attendance(actor=request.user, booking=b, attendance=value),
        _("已登记到场情况。"),
    )
