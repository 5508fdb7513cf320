"""Courtyard (院落) and natural village (自然村) pages: lists, details with history, create and edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shequ.console.decorators import staff_required
from shequ.core.access import can_write, scoped_object

from . import selectors, services
from .forms import put_errors
from .forms_elements import ElementFilterForm, ElementForm
from .views_common import filter_values, paged, query_of, require_write


@dataclass(frozen=True)
class Kind:
    """What differs between the courtyard pages and the natural village pages."""

    key: str
    plural: Any
    new_title: Any
    edit_title: Any
    created: Any
    list_url: str
    create_url: str
    detail_url: str
    edit_url: str
    kwarg: str


COURTYARD = Kind(
    key="courtyard",
    plural=gettext_lazy("院落"),
    new_title=gettext_lazy("新增院落"),
    edit_title=gettext_lazy("修改院落"),
    created=gettext_lazy("已新增院落。"),
    list_url="registry:courtyards",
    create_url="registry:courtyard_create",
    detail_url="registry:courtyard",
    edit_url="registry:courtyard_edit",
    kwarg="courtyard_id",
)
VILLAGE = Kind(
    key="village",
    plural=gettext_lazy("自然村"),
    new_title=gettext_lazy("新增自然村"),
    edit_title=gettext_lazy("修改自然村"),
    created=gettext_lazy("已新增自然村。"),
    list_url="registry:villages",
    create_url="registry:village_create",
    detail_url="registry:village",
    edit_url="registry:village_edit",
    kwarg="village_id",
)


def _list(request: HttpRequest, kind: Kind) -> HttpResponse:
    user = request.user
    form = ElementFilterForm(request.GET or None, grids=selectors.grids_for(user))
    values, status = filter_values(form, "q", "grid")
    grid = values.get("grid")
    lister = selectors.courtyard_list if kind is COURTYARD else selectors.village_list
    qs = lister(user, grid_id=grid.pk if grid else None, q=values.get("q"))
    writable = set(selectors.grids_for(user, write=True).values_list("pk", flat=True))
    return render(
        request,
        "registry/element_list.html",
        {
            "kind": kind,
            "form": form,
            "filter_action": reverse(kind.list_url),
            "page_obj": paged(request, qs),
            "query": query_of(q=values.get("q"), grid=grid.pk if grid else None),
            "writable": writable,
            "can_create": bool(writable),
        },
        status=status,
    )


def _create(request: HttpRequest, kind: Kind) -> HttpResponse:
    user = request.user
    form = ElementForm(request.POST or None, grids=selectors.grids_for(user, write=True))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            create = services.courtyard_create if kind is COURTYARD else services.natural_village_create
            try:
                obj = create(actor=user, grid=form.cleaned_data["grid"], name=form.cleaned_data["name"])
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, str(kind.created))
                return redirect(reverse(kind.detail_url, kwargs={kind.kwarg: obj.pk}))
        status = 400
    context = {
        "form": form,
        "title": kind.new_title,
        "back_url": reverse(kind.list_url),
        "back_label": kind.plural,
    }
    return render(request, "registry/form_page.html", context, status=status)


def _edit(request: HttpRequest, kind: Kind, obj: Any) -> HttpResponse:
    user = request.user
    require_write(user, obj.grid)
    form = ElementForm(
        request.POST or None,
        grids=selectors.grids_for(user, write=True),
        initial={"grid": obj.grid_id, "name": obj.name},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if kind is COURTYARD:
                    services.courtyard_update(actor=user, courtyard=obj, **form.cleaned_data)
                else:
                    services.natural_village_update(actor=user, village=obj, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect(reverse(kind.detail_url, kwargs={kind.kwarg: obj.pk}))
        status = 400
    back = reverse(kind.detail_url, kwargs={kind.kwarg: obj.pk})
    context = {
        "form": form,
        "title": f"{kind.edit_title}：{obj.name}",
        "back_url": back,
        "back_label": obj.name,
    }
    return render(request, "registry/form_page.html", context, status=status)


# --------------------------------------------------------------------------- courtyards


@never_cache
@staff_required
@require_GET
def courtyard_list(request: HttpRequest) -> HttpResponse:
    return _list(request, COURTYARD)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def courtyard_create(request: HttpRequest) -> HttpResponse:
    return _create(request, COURTYARD)


@never_cache
@staff_required
@require_GET
@scoped_object("registry.Courtyard", "courtyard_id")
def courtyard_detail(request: HttpRequest, courtyard_id: int) -> HttpResponse:
    user = request.user
    courtyard = selectors.courtyard_or_404(user, courtyard_id)
    return render(
        request,
        "registry/element_detail.html",
        {
            "kind": COURTYARD,
            "obj": courtyard,
            "households": selectors.household_list(user, courtyard_id=courtyard.pk)[:200],
            "can_edit": can_write(user, courtyard.grid),
            "history": selectors.history_of(courtyard, user),
        },
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.Courtyard", "courtyard_id", action="change")
def courtyard_edit(request: HttpRequest, courtyard_id: int) -> HttpResponse:
    return _edit(request, COURTYARD, selectors.courtyard_or_404(request.user, courtyard_id))


# --------------------------------------------------------------------------- natural villages


@never_cache
@staff_required
@require_GET
def village_list(request: HttpRequest) -> HttpResponse:
    return _list(request, VILLAGE)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def village_create(request: HttpRequest) -> HttpResponse:
    return _create(request, VILLAGE)


@never_cache
@staff_required
@require_GET
@scoped_object("registry.NaturalVillage", "village_id")
def village_detail(request: HttpRequest, village_id: int) -> HttpResponse:
    user = request.user
    village = selectors.village_or_404(user, village_id)
    return render(
        request,
        "registry/element_detail.html",
        {
            "kind": VILLAGE,
            "obj": village,
            "can_edit": can_write(user, village.grid),
            "history": selectors.history_of(village, user),
        },
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("registry.NaturalVillage", "village_id", action="change")
def village_edit(request: HttpRequest, village_id: int) -> HttpResponse:
    return _edit(request, VILLAGE, selectors.village_or_404(request.user, village_id))
