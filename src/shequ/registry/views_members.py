"""A household's membership changes: add a member, a member leaves, a new head, the household moves out.

Each is a form page of its own (the household page links or posts to it); each change
goes through one service and shows in the household's history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shequ.console.decorators import staff_required
from shequ.core.access import scoped_object

from . import selectors, services
from .forms import put_errors
from .forms_elements import (
    HeadForm,
    MemberEndForm,
    MemberExistingForm,
    MemberNewForm,
    MemberSearchForm,
    MoveOutForm,
)
from .models import Household
from .views import person_values
from .views_common import require_write


def _household(request: HttpRequest, household_id: int) -> Household:
    household = selectors.household_for(request.user, household_id)
    require_write(request.user, household.grid)
    return household


def _back(household: Household) -> str:
    return reverse("registry:household", kwargs={"household_id": household.pk})


def _done(request: HttpRequest, household: Household, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("registry:household", household_id=household.pk)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Household", "household_id", action="change")
def member_add(request: HttpRequest, household_id: int) -> HttpResponse:
    """Find a registered person by full ID number and add them, or register a new person as a member."""
    user = request.user
    household = _household(request, household_id)
    mode = request.POST.get("mode") if request.method == "POST" else None
    search = MemberSearchForm(request.POST if mode == "search" else None)
    found = None
    if search.is_bound and search.is_valid():
        found = selectors.person_by_id_number(user, search.cleaned_data["id_number"])
    existing = MemberExistingForm(
        request.POST if mode == "existing" else None, initial={"person": found.pk if found else None}
    )
    new = MemberNewForm(request.POST if mode == "new" else None, prefix="new")
    status = 200
    if mode == "existing" and existing.is_valid():
        data = existing.cleaned_data
        person = selectors.persons_visible_to(user).filter(pk=data["person"]).first()
        if person is None:
            existing.add_error(None, _("未找到该人员。"))
        else:
            found = person
            try:
                services.membership_add(
                    actor=user,
                    household=household,
                    person=person,
                    relation=data["relation"],
                    valid_from=data["valid_from"],
                )
            except ValidationError as exc:
                put_errors(existing, exc)
            else:
                return _done(request, household, _("已将 %(name)s 加入本户。") % {"name": person.name})
    elif mode == "new" and new.is_valid():
        data = new.cleaned_data
        try:
            with transaction.atomic():
                person = services.person_create(
                    actor=user, grid=household.grid, **person_values(data, keep_blank_sealed=False)
                )
                services.membership_add(
                    actor=user,
                    household=household,
                    person=person,
                    relation=data["relation"],
                    valid_from=data["valid_from"],
                )
        except ValidationError as exc:
            put_errors(new, exc)
        else:
            return _done(request, household, _("已登记 %(name)s 并加入本户。") % {"name": person.name})
    if mode == "existing" and found is None:
        person_id = selectors.as_id(request.POST.get("person"))
        found = selectors.persons_visible_to(user).filter(pk=person_id).first() if person_id else None
    if (request.method == "POST" and mode != "search") or (search.is_bound and not search.is_valid()):
        status = 400
    return render(
        request,
        "registry/member_add.html",
        {
            "household": household,
            "search": search,
            "found": found,
            "searched": search.is_bound and search.is_valid(),
            "existing": existing,
            "new": new,
            "back_url": _back(household),
        },
        status=status,
    )


def _member_form_page(
    request: HttpRequest, household: Household, form: Any, *, title: str, submit: str, form_id: str
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit_label": submit,
        "form_id": form_id,
        "back_url": _back(household),
        "back_label": _("返回住户"),
    }
    return render(request, "registry/form_page.html", context, status=400 if form.is_bound else 200)


def _others(household: Household) -> list[Any]:
    return [m for m in selectors.members_of(household) if m.person_id != household.head_id]


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Household", "household_id", action="change")
def member_end(request: HttpRequest, household_id: int) -> HttpResponse:
    """A member leaves the household (and lives on here) or moves away (recorded as moved out)."""
    household = _household(request, household_id)
    members = _others(household)
    data = request.POST if request.method == "POST" else None
    form = MemberEndForm(data, members=members, initial={"person": request.GET.get("person")})
    if form.is_valid():
        membership = next(m for m in members if m.person_id == form.cleaned_data["person"])
        try:
            services.membership_end(
                actor=request.user,
                membership=membership,
                valid_to=form.cleaned_data["valid_to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            put_errors(form, exc, {"moved_out_on": "valid_to"})
        else:
            return _done(request, household, _("%(name)s 已移出本户。") % {"name": membership.person.name})
    title = _("成员移出：%(household)s") % {"household": household}
    return _member_form_page(
        request, household, form, title=title, submit=_("确认移出"), form_id="member-end"
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Household", "household_id", action="change")
def household_head(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    members = _others(household)
    data = request.POST if request.method == "POST" else None
    form = HeadForm(data, members=members, initial={"person": request.GET.get("person")})
    if form.is_valid():
        membership = next(m for m in members if m.person_id == form.cleaned_data["person"])
        try:
            services.household_set_head(
                actor=request.user,
                household=household,
                person=membership.person,
                former_head_relation=form.cleaned_data["former_head_relation"],
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            return _done(request, household, _("户主已变更为 %(name)s。") % {"name": membership.person.name})
    title = _("变更户主：%(household)s") % {"household": household}
    return _member_form_page(request, household, form, title=title, submit=_("确认变更"), form_id="head-form")


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Household", "household_id", action="change")
def household_moved_out(request: HttpRequest, household_id: int) -> HttpResponse:
    """The whole household moves out: every current membership ends on that day."""
    household = _household(request, household_id)
    form = MoveOutForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.household_mark_moved_out(
                actor=request.user, household=household, on=form.cleaned_data["on"]
            )
        except ValidationError as exc:
            put_errors(form, exc, {"moved_out_on": "on"})
        else:
            return _done(request, household, _("已登记整户迁出。"))
    title = _("整户迁出：%(household)s") % {"household": household}
    return _member_form_page(
        request, household, form, title=title, submit=_("确认迁出"), form_id="moved-out-form"
    )
