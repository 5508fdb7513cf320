"""The area tree under /console/areas/: browse from the user's top areas down, detail with history, edit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shequ.console.decorators import staff_required

from . import selectors
from .access import can_write, scoped_object
from .area_changes import MANAGE_AREAS, authorize_area_write
from .areas import area_update
from .forms_areas import AreaEditForm


def _may_manage(request: HttpRequest, area: Any) -> bool:
    return bool(request.user.has_perm(MANAGE_AREAS) and can_write(request.user, area))


@staff_required
@require_GET
def area_tree(request: HttpRequest) -> HttpResponse:
    """The user's top areas, each with its current children."""
    roots = list(selectors.with_counts(selectors.tree_roots(request.user)))
    children = selectors.with_counts(
        selectors.areas_visible_to(request.user).filter(parent__in=[r.pk for r in roots])
    ).order_by("parent_id", "level", "code", "name")
    by_parent: dict[int | None, list[Any]] = {}
    for child in children:
        by_parent.setdefault(child.parent_id, []).append(child)
    sections = [{"area": root, "children": by_parent.get(root.pk, [])} for root in roots]
    return render(request, "core/areas/tree.html", {"sections": sections})


@staff_required
@require_GET
@scoped_object("core.Area", "area_id")
def area_detail(request: HttpRequest, area_id: int) -> HttpResponse:
    area = selectors.area_for(request.user, area_id)
    include_closed = request.GET.get("closed") == "1"
    children = selectors.with_counts(
        selectors.area_children(request.user, area, include_closed=include_closed)
    )
    context = {
        "area": area,
        "ancestors": selectors.area_ancestors(request.user, area),
        "children": list(children),
        "include_closed": include_closed,
        "history": list(selectors.area_history(request.user, area)),
        "may_manage": _may_manage(request, area),
    }
    return render(request, "core/areas/detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
@scoped_object("core.Area", "area_id", action="change")
def area_edit(request: HttpRequest, area_id: int) -> HttpResponse:
    area = selectors.area_for(request.user, area_id)
    (area,) = authorize_area_write(request.user, area)
    if area.valid_to is not None:
        raise PermissionDenied(_("该区域已撤销，不能修改。"))
    form = AreaEditForm.for_area(area, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            area_update(actor=request.user, area=area, reason=form.cleaned_data["reason"], **form.changes())
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("areas:detail", area_id=area.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "core/areas/edit.html", {"area": area, "form": form}, status=status)
