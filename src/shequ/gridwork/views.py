"""Grid work pages under /field/: the worker's day, the visit and check forms, lists and details.

The visit and check forms are sent by ``static/gridwork/field.js`` to the JSON API with an
idempotency key, through a queue kept in the browser (IndexedDB), so that what is entered
without a connection is sent once it returns.  Rectify, verify and refer are plain forms.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shequ.console.decorators import staff_required
from shequ.core.access import scoped_object

from . import hooks, policy, selectors, services
from .models import FindingStatus, NeedKind, Severity

PAGE_SIZE = 30


def _grids_json(grids: list[Any]) -> list[dict[str, Any]]:
    return [{"id": g.pk, "name": g.name} for g in grids]


@never_cache
@staff_required
@require_GET
def day(request: HttpRequest) -> HttpResponse:
    """网格员的一天: visits due, open findings, the patrol button."""
    user = request.user
    grids = list(selectors.grids_for(user, write=True))
    context = selectors.day_summary(user)
    context.update({"grids": grids, "grids_json": _grids_json(grids)})
    return render(request, "gridwork/day.html", context)


@never_cache
@staff_required
@require_GET
def visit_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    grids = list(selectors.grids_for(user, write=True))
    households = selectors.household_choices(user, grids)
    preset = request.GET.get("household", "")
    return render(
        request,
        "gridwork/visit_form.html",
        {
            "grids": grids,
            "grids_json": _grids_json(grids),
            "households": households,
            "preset_household": preset,
            "need_kinds": NeedKind.choices,
        },
    )


@never_cache
@staff_required
@require_GET
def check_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    grids = list(selectors.grids_for(user, write=True))
    places = list(selectors.places_for_grids(user, grids))
    return render(
        request,
        "gridwork/check_form.html",
        {
            "grids": grids,
            "grids_json": _grids_json(grids),
            "places": places,
            "templates": selectors.templates_with_items(),
            "severities": Severity.choices,
            "due_days_json": json.dumps(policy.FINDING_DUE_DAYS),
        },
    )


def _grid_filter(request: HttpRequest) -> tuple[list[Any], int | None]:
    grids = list(selectors.grids_for(request.user))
    raw = request.GET.get("grid") or ""
    grid_id = next((g.pk for g in grids if str(g.pk) == raw), None)
    return grids, grid_id


@never_cache
@staff_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    grids, grid_id = _grid_filter(request)
    qs = selectors.visits_visible_to(request.user).order_by("-visited_at", "-id")
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "gridwork/visit_list.html", {"page_obj": page, "grids": grids, "grid_id": grid_id})


@never_cache
@staff_required
@require_GET
@scoped_object("gridwork.Visit", "visit_id")
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_for(request.user, visit_id)
    return render(
        request,
        "gridwork/visit_detail.html",
        {
            "visit": visit,
            "needs": list(visit.needs.select_related("referred_by")),
            "photos": list(visit.photos.all()),
            "targets": hooks.need_targets(),
        },
    )


@never_cache
@staff_required
@require_GET
def check_list(request: HttpRequest) -> HttpResponse:
    grids, grid_id = _grid_filter(request)
    qs = selectors.checks_visible_to(request.user).order_by("-checked_at", "-id")
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "gridwork/check_list.html", {"page_obj": page, "grids": grids, "grid_id": grid_id})


@never_cache
@staff_required
@require_GET
@scoped_object("gridwork.HazardCheck", "check_id")
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    check = selectors.check_for(request.user, check_id)
    return render(
        request,
        "gridwork/check_detail.html",
        {
            "check": check,
            "results": selectors.check_results(check),
            "findings": list(check.findings.select_related("item")),
            "photos": list(check.photos.all()),
        },
    )


@never_cache
@staff_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    grids, grid_id = _grid_filter(request)
    status = request.GET.get("status") or ""
    if status not in FindingStatus.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.finding_list(request.user, status=status or None, grid_id=grid_id, overdue=overdue)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "gridwork/finding_list.html",
        {
            "page_obj": page,
            "grids": grids,
            "grid_id": grid_id,
            "status": status,
            "overdue": overdue,
            "statuses": FindingStatus.choices,
        },
    )


@never_cache
@staff_required
@require_GET
@scoped_object("gridwork.Finding", "finding_id")
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, finding_id)
    return render(
        request,
        "gridwork/finding_detail.html",
        {
            "finding": finding,
            "photos": list(finding.photos.all()),
            "can_write": selectors.can_write(request.user, finding.grid),
        },
    )


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@staff_required
@require_POST
@scoped_object("gridwork.Finding", "finding_id", action="change")
def finding_rectify(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, finding_id)
    try:
        services.finding_rectify(actor=request.user, finding=finding, note=request.POST.get("note", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已登记整改，等待复核。"))
    return redirect("gridwork:finding", finding_id=finding.pk)


@staff_required
@require_POST
@scoped_object("gridwork.Finding", "finding_id", action="change")
def finding_verify(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, finding_id)
    passed = request.POST.get("passed") == "1"
    try:
        services.finding_verify(
            actor=request.user, finding=finding, passed=passed, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("复核通过，隐患已销号。") if passed else _("复核未通过，已退回整改。"))
    return redirect("gridwork:finding", finding_id=finding.pk)


@staff_required
@require_POST
@scoped_object("gridwork.Need", "need_id", action="change")
def need_refer(request: HttpRequest, need_id: int) -> HttpResponse:
    need = selectors.need_for(request.user, need_id)
    try:
        if request.POST.get("target") == "close":
            services.need_close(actor=request.user, need=need)
            messages.success(request, _("需求已办结。"))
        else:
            services.need_refer(actor=request.user, need=need, target=request.POST.get("target", ""))
            messages.success(request, _("需求已转办。"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("gridwork:visit", visit_id=need.visit_id)


@staff_required
@require_GET
@scoped_object("gridwork.Photo", "photo_id")
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    """A stored photo, only to those who see its grid (never from a public media URL)."""
    found = selectors.photo_for(request.user, photo_id)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@staff_required
@require_GET
def patrol_list(request: HttpRequest) -> HttpResponse:
    grids, grid_id = _grid_filter(request)
    qs = selectors.patrols_visible_to(request.user).order_by("-started_at", "-id")
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "gridwork/patrol_list.html", {"page_obj": page, "grids": grids, "grid_id": grid_id}
    )
