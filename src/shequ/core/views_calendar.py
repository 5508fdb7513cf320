"""The working-day calendar under /console/calendar/: a year's holidays and make-up working days."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shequ.console.decorators import staff_required

from . import calendar as cal
from .forms_rules import CalendarDayForm, CalendarRemoveForm


def _year(raw: str | None) -> int:
    try:
        year = int(raw or "")
    except ValueError:
        return timezone.localdate().year
    return year if 1900 <= year <= 2200 else timezone.localdate().year


def _render(
    request: HttpRequest,
    year: int,
    form: CalendarDayForm | None = None,
    status: int = 200,
    remove_errors: list[str] | None = None,
) -> HttpResponse:
    yc = cal.year_calendar(year)
    may_edit = request.user.has_perm(cal.PERMISSION)
    context: dict[str, Any] = {
        "year": year,
        "calendar": yc,
        "previous_year": year - 1,
        "next_year": year + 1,
        "may_edit": may_edit,
        "form": form or CalendarDayForm(),
        "remove_errors": remove_errors or [],
    }
    return render(request, "core/calendar/year.html", context, status=status)


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('calendar:year')}?year={year}")


@staff_required
@require_GET
def calendar_year(request: HttpRequest) -> HttpResponse:
    return _render(request, _year(request.GET.get("year")))


@staff_required
@require_POST
def calendar_add(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(cal.PERMISSION):
        raise PermissionDenied(_("没有维护节假日日历的权限。"))
    form = CalendarDayForm(request.POST)
    year = _year(request.POST.get("year"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            day = cal.calendar_day_set(
                actor=request.user,
                day=data["date"],
                kind=data["kind"],
                name=data["name"],
                source=data["source"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _back(day.date.year)
    return _render(request, year, form=form, status=400)


@staff_required
@require_POST
def calendar_remove(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(cal.PERMISSION):
        raise PermissionDenied(_("没有维护节假日日历的权限。"))
    form = CalendarRemoveForm(request.POST)
    year = _year(request.POST.get("year"))
    if form.is_valid():
        try:
            cal.calendar_day_remove(
                actor=request.user, day=form.cleaned_data["date"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            return _render(request, year, status=400, remove_errors=exc.messages)
        return _back(form.cleaned_data["date"].year)
    return _render(
        request, year, status=400, remove_errors=[str(m) for ms in form.errors.values() for m in ms]
    )
