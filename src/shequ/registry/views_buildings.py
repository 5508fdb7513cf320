"""Building and place pages: lists, a building with its units, floors, rooms and households, forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shequ.console.decorators import staff_required
from shequ.core.access import can_write, scoped_object

from . import selectors, services
from .forms import put_errors
from .forms_elements import (
    BuildingForm,
    ElementFilterForm,
    PlaceFilterForm,
    PlaceForm,
    RoomForm,
    RoomsGenerateForm,
)
from .models import Building, Place
from .views_common import filter_values, paged, query_of, require_write

BUILDING_FORM_FIELDS = (
    "grid",
    "name",
    "number",
    "address",
    "units",
    "floors",
    "kind",
    "latitude",
    "longitude",
)
PLACE_FORM_FIELDS = ("grid", "kind", "name", "address", "latitude", "longitude")


def _initial(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    data = {name: getattr(obj, name) for name in names if name != "grid"}
    data["grid"] = obj.grid_id
    return {k: ("" if v is None else v) for k, v in data.items()}


# --------------------------------------------------------------------------- buildings


@never_cache
@staff_required
@require_GET
def building_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ElementFilterForm(request.GET or None, grids=selectors.grids_for(user))
    values, status = filter_values(form, "q", "grid")
    grid = values.get("grid")
    qs = selectors.building_list(user, grid_id=grid.pk if grid else None, q=values.get("q"))
    return render(
        request,
        "registry/building_list.html",
        {
            "form": form,
            "filter_action": reverse("registry:buildings"),
            "page_obj": paged(request, qs),
            "query": query_of(q=values.get("q"), grid=grid.pk if grid else None),
            "can_create": selectors.grids_for(user, write=True).exists(),
        },
        status=status,
    )


def _building_form(request: HttpRequest, building: Building | None) -> HttpResponse:
    user = request.user
    initial = _initial(building, BUILDING_FORM_FIELDS) if building else {"units": 1, "floors": 6}
    form = BuildingForm(request.POST or None, grids=selectors.grids_for(user, write=True), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in BUILDING_FORM_FIELDS}
            try:
                if building is None:
                    building = services.building_create(actor=user, **values)
                else:
                    services.building_update(actor=user, building=building, **values)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("registry:building", building_id=building.pk)
        status = 400
    context = {
        "form": form,
        "title": _("新增楼栋") if building is None else _("修改楼栋：%(name)s") % {"name": building},
        "back_url": reverse("registry:buildings")
        if building is None
        else reverse("registry:building", kwargs={"building_id": building.pk}),
        "back_label": _("返回楼栋列表") if building is None else _("返回楼栋"),
    }
    return render(request, "registry/form_page.html", context, status=status)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def building_create(request: HttpRequest) -> HttpResponse:
    return _building_form(request, None)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Building", "building_id", action="change")
def building_edit(request: HttpRequest, building_id: int) -> HttpResponse:
    building = selectors.building_for(request.user, building_id)
    require_write(request.user, building.grid)
    return _building_form(request, building)


@never_cache
@staff_required
@require_GET
@scoped_object("registry.Building", "building_id")
def building_detail(request: HttpRequest, building_id: int) -> HttpResponse:
    user = request.user
    building = selectors.building_for(user, building_id)
    rooms = list(selectors.rooms_of(user, building))
    for room in rooms:
        room.building = building
    return render(
        request,
        "registry/building_detail.html",
        {
            "building": building,
            "layout": selectors.building_layout(rooms),
            "room_count": len(rooms),
            "can_edit": can_write(user, building.grid),
            "history": selectors.history_of(building, user),
        },
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Building", "building_id", action="change")
def building_rooms(request: HttpRequest, building_id: int) -> HttpResponse:
    """Add one room, or generate every room from units × floors × rooms per floor."""
    user = request.user
    building = selectors.building_for(user, building_id)
    require_write(user, building.grid)
    op = request.POST.get("op") if request.method == "POST" else None
    room_form = RoomForm(request.POST if op == "add" else None)
    generate_form = RoomsGenerateForm(
        request.POST if op == "generate" else None,
        initial={"units": building.units, "floors": building.floors, "per_floor": 2},
    )
    status = 200
    if op == "add" and room_form.is_valid():
        try:
            room = services.room_create(actor=user, building=building, **room_form.cleaned_data)
        except ValidationError as exc:
            put_errors(room_form, exc)
        else:
            messages.success(request, _("已新增户室 %(room)s。") % {"room": room})
            return redirect("registry:building", building_id=building.pk)
    elif op == "generate" and generate_form.is_valid():
        try:
            created = services.rooms_generate(actor=user, building=building, **generate_form.cleaned_data)
        except ValidationError as exc:
            put_errors(generate_form, exc)
        else:
            count = len(created)
            messages.success(
                request,
                ngettext("已生成 %(n)d 间户室。", "已生成 %(n)d 间户室。", count) % {"n": count}
                if count
                else _("户室均已存在，未新增。"),
            )
            return redirect("registry:building", building_id=building.pk)
    if request.method == "POST":
        status = 400
    return render(
        request,
        "registry/building_rooms.html",
        {"building": building, "room_form": room_form, "generate_form": generate_form},
        status=status,
    )


# --------------------------------------------------------------------------- places


@never_cache
@staff_required
@require_GET
def place_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PlaceFilterForm(request.GET or None, grids=selectors.grids_for(user))
    values, status = filter_values(form, "q", "grid", "kind")
    grid = values.get("grid")
    qs = selectors.place_list(
        user, grid_id=grid.pk if grid else None, kind=values.get("kind"), q=values.get("q")
    )
    writable = set(selectors.grids_for(user, write=True).values_list("pk", flat=True))
    return render(
        request,
        "registry/place_list.html",
        {
            "form": form,
            "filter_action": reverse("registry:places"),
            "page_obj": paged(request, qs),
            "query": query_of(q=values.get("q"), grid=grid.pk if grid else None, kind=values.get("kind")),
            "writable": writable,
            "can_create": bool(writable),
        },
        status=status,
    )


def _place_form(request: HttpRequest, place: Place | None) -> HttpResponse:
    user = request.user
    initial = _initial(place, PLACE_FORM_FIELDS) if place else {}
    form = PlaceForm(request.POST or None, grids=selectors.grids_for(user, write=True), initial=initial)
    if place is not None:
        form.fields["contact_phone"].help_text = _("留空则不修改。")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in PLACE_FORM_FIELDS}
            if form.cleaned_data["contact_phone"] or place is None:
                values["contact_phone"] = form.cleaned_data["contact_phone"] or None
            try:
                if place is None:
                    place = services.place_create(actor=user, **values)
                else:
                    services.place_update(actor=user, place=place, **values)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("registry:places")
        status = 400
    context = {
        "form": form,
        "title": _("新增场所") if place is None else _("修改场所：%(name)s") % {"name": place.name},
        "back_url": reverse("registry:places"),
        "back_label": _("返回场所列表"),
        "history": selectors.history_of(place, user) if place is not None else None,
    }
    return render(request, "registry/form_page.html", context, status=status)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def place_create(request: HttpRequest) -> HttpResponse:
    return _place_form(request, None)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Place", "place_id", action="change")
def place_edit(request: HttpRequest, place_id: int) -> HttpResponse:
    place = selectors.place_for(request.user, place_id)
    require_write(request.user, place.grid)
    return _place_form(request, place)
