"""Registry pages under /console/registry/: households, a household, a person, and their forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shequ.console.decorators import staff_required
from shequ.core.access import can_write, scoped_object

from . import selectors, services
from .access import sees_sensitive_tags
from .forms import HouseholdCreateForm, HouseholdFilterForm, PersonEditForm, put_errors
from .forms_elements import TagForm

PAGE_SIZE = 50


@never_cache
@staff_required
@require_GET
def household_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    grids = selectors.grids_for(user)
    form = HouseholdFilterForm(request.GET or None, grids=grids)
    grid_id = kind = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            grid = form.cleaned_data["grid"]
            grid_id = grid.pk if grid else None
            kind = form.cleaned_data["kind"] or None
        else:
            status = 400
    qs = selectors.household_list(user, grid_id=grid_id, kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("grid", grid_id), ("kind", kind)) if v})
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "page_obj": page,
            "query": query,
            "can_create": selectors.grids_for(user, write=True).exists(),
        },
        status=status,
    )


@never_cache
@staff_required
@require_GET
@scoped_object("registry.Household", "household_id")
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    user = request.user
    household = selectors.household_for(user, household_id)
    memberships = selectors.membership_history(household)
    current = [m for m in memberships if m.valid_to is None]
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": current,
            "past_members": [m for m in memberships if m.valid_to is not None],
            "can_edit": can_write(user, household.grid) and household.moved_out_on is None,
            "has_others": any(m.person_id != household.head_id for m in current),
            "history": selectors.history_of(household, user),
        },
    )


def person_values(data: dict[str, Any], *, keep_blank_sealed: bool) -> dict[str, Any]:
    values = {
        "name": data["name"],
        "id_doc_type": data["id_doc_type"],
        "sex": data["sex"],
        "birth_date": data["birth_date"],
        "residence_status": data["residence_status"],
    }
    for name in PersonEditForm.SEALED:
        if data[name] or not keep_blank_sealed:
            values[name] = data[name] or None
    return values


def _preset(request: HttpRequest, name: str) -> int | None:
    return selectors.as_id(request.GET.get(name)) if request.method == "GET" else None


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    """A household with its head; ``?courtyard=`` or ``?room=`` places it (from those pages' links)."""
    user = request.user
    grids = selectors.grids_for(user, write=True)
    courtyards = selectors.courtyards_visible_to(user, write=True).order_by("grid__path", "name")
    rooms = selectors.rooms_writable_by(user)
    initial: dict[str, Any] = {}
    courtyard_id, room_id = _preset(request, "courtyard"), _preset(request, "room")
    courtyard = courtyards.filter(pk=courtyard_id).first() if courtyard_id else None
    room = rooms.filter(pk=room_id).first() if room_id else None
    if courtyard is not None:
        initial.update(courtyard=courtyard.pk, grid=courtyard.grid_id)
    if room is not None:
        initial.update(room=room.pk, grid=room.building.grid_id)
    form = HouseholdCreateForm(
        request.POST or None, grids=grids, courtyards=courtyards, rooms=rooms, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            room = data["room"]
            try:
                with transaction.atomic():
                    head = services.person_create(
                        actor=user, grid=data["grid"], **person_values(data, keep_blank_sealed=False)
                    )
                    household = services.household_create(
                        actor=user,
                        grid=data["grid"],
                        kind=data["kind"],
                        room=room,
                        courtyard=data["courtyard"],
                        address=data["address"],
                        moved_in_on=data["moved_in_on"],
                        head=head,
                    )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已新增住户并登记户主。"))
                return redirect("registry:household", household_id=household.pk)
        status = 400
    return render(request, "registry/household_form.html", {"form": form, "room": room}, status=status)


@never_cache
@staff_required
@require_GET
@scoped_object("registry.Person", "person_id")
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = selectors.person_for(user, person_id)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "age": selectors.age(person),
            "tags": selectors.person_tags(user, person),
            "membership": selectors.current_membership(person),
            "history": selectors.history_of(person, user),
            "can_edit": can_write(user, person.grid),
            "sees_sensitive": sees_sensitive_tags(user),
            "tag_form": TagForm(tags=selectors.tags_visible_to(user), initial={"action": "add"}),
        },
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Person", "person_id", action="change")
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = selectors.person_for(user, person_id)
    if not can_write(user, person.grid):
        raise PermissionDenied
    initial = {
        "name": person.name,
        "id_doc_type": person.id_doc_type,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "residence_status": person.residence_status,
    }
    form = PersonEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.person_update(
                    actor=user, person=person, **person_values(form.cleaned_data, keep_blank_sealed=True)
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("registry:person", person_id=person.pk)
        status = 400
    return render(request, "registry/person_form.html", {"form": form, "person": person}, status=status)
