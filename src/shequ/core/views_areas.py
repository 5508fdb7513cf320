"""The area tree under /console/areas/: browse from the user's top areas down, detail with history, edit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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


# --------------------------------------------------------------------------- the map


def _display(geometry: dict[str, Any] | None, crs: str) -> dict[str, Any] | None:
    """A stored (WGS-84) geometry in the tiles' coordinate system, for drawing."""
    if geometry is None or crs == "wgs84":
        return geometry
    from .geo.crs import from_wgs84

    def walk(coords: Any) -> Any:
        if coords and isinstance(coords[0], (int, float)):
            return list(from_wgs84(float(coords[0]), float(coords[1]), crs))
        return [walk(c) for c in coords]

    return {**geometry, "coordinates": walk(geometry.get("coordinates") or [])}


@staff_required
@require_GET
@scoped_object("core.Area", "area_id")
def area_map(request: HttpRequest, area_id: int) -> HttpResponse:
    """An area on the map: its outline, its children's boundaries, the part they leave uncovered.

    A grid is shown within its community (with its siblings), when the user sees the community.
    """
    from dataclasses import asdict

    from django.conf import settings
    from django.urls import reverse

    from .geo import community_coverage

    area = selectors.area_for(request.user, area_id)
    frame = area
    if area.level == "grid" and area.parent_id is not None:
        frame = selectors.area_visible_to(request.user, area.parent_id) or area
    crs = settings.SHEQU_MAP_TILE_CRS
    children = (
        list(selectors.area_children(request.user, frame)) if frame != area or area.level != "grid" else []
    )
    may_manage = _may_manage(request, frame) or _may_manage(request, area)
    coverage = community_coverage(frame) if children else None
    shapes = [
        {
            "id": child.pk,
            "name": child.name,
            "level": str(child.get_level_display()),
            "geometry": _display(child.boundary, crs),
            "focus": child.pk == area.pk,
            "editable": may_manage and child.level == "grid",
            "save_url": reverse("areas:boundary", kwargs={"area_id": child.pk}),
        }
        for child in children
    ]
    data = {
        "tile_url": settings.SHEQU_MAP_TILE_URL,
        "crs": crs,
        "frame": {"id": frame.pk, "name": frame.name, "geometry": _display(frame.boundary, crs)},
        "children": shapes,
        "uncovered": _display(coverage.uncovered, crs) if coverage else None,
        "single": None
        if children
        else {
            "id": area.pk,
            "name": area.name,
            "editable": _may_manage(request, area),
            "save_url": reverse("areas:boundary", kwargs={"area_id": area.pk}),
        },
    }
    context = {
        "area": area,
        "frame": frame,
        "children": shapes,
        "coverage": asdict(coverage) if coverage else None,
        "map_data": data,
        "may_manage": may_manage,
    }
    return render(request, "core/areas/map.html", context)


@staff_required
@require_POST
@scoped_object("core.Area", "area_id", action="change")
def area_boundary_save(request: HttpRequest, area_id: int) -> JsonResponse:
    """The map editor's save: JSON ``{geometry, crs}`` in; ``{ok}`` or field errors and the overlap out."""
    import json

    from django.conf import settings

    from .geo import BoundaryError, grid_boundary_set

    area = selectors.area_for(request.user, area_id)
    (area,) = authorize_area_write(request.user, area)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JsonResponse(
            {"ok": False, "errors": {"boundary": [_("请求内容不是有效的JSON。")]}}, status=400
        )
    try:
        grid_boundary_set(
            actor=request.user,
            grid=area,
            geometry=body.get("geometry"),
            crs=str(body.get("crs") or settings.SHEQU_MAP_TILE_CRS),
            reason=str(body.get("reason") or "")[:500],
        )
    except ValidationError as exc:
        payload: dict[str, Any] = {"ok": False, "errors": exc.message_dict}
        if isinstance(exc, BoundaryError) and exc.overlap is not None:
            payload["overlap"] = _display_collection(exc.overlap, settings.SHEQU_MAP_TILE_CRS)
        return JsonResponse(payload, status=400)
    return JsonResponse({"ok": True, "id": area.pk})


def _display_collection(collection: dict[str, Any], crs: str) -> dict[str, Any]:
    if crs not in ("gcj02", "bd09"):
        return collection
    features = [{**f, "geometry": _display(f.get("geometry"), crs)} for f in collection.get("features", [])]
    return {**collection, "features": features}
