"""Console pages under /console/appeals/: dispatch queue, a case with its allowed actions, staff intake."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shequ.console.decorators import staff_required
from shequ.core.access import areas_visible_to, get_or_404, scoped_object
from shequ.core.models import AreaLevel

from .. import selectors, services
from ..models import CaseState, Channel, EmergencyLine, Light, Satisfaction
from ..services import TRANSITIONS, allowed_for
from .common import field_errors, files, flat, new_key, posted, version_of

#: The console's case pages are for staff (residents follow theirs on the portal): the access
#: matrix knows this view of the model under its own label.
CONSOLE_CASE = "appeals.CaseAtConsole"
PAGE_SIZE = 25
STATE_FILTERS = [("open", _("全部在办")), ("pending", _("待分拨")), *[(s.value, s.label) for s in CaseState]]


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@never_cache
@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    area_id = _int(request.GET.get("area"))
    state = request.GET.get("state") or "open"
    light = request.GET.get("light", "")
    supervised = request.GET.get("supervised") == "1"
    qs = selectors.dispatch_queue(user, area_id=area_id, state=state, light=light, supervised=supervised)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    services.ensure_classified(rows)
    areas = selectors.queue_filter_areas(user)
    return render(
        request,
        "appeals/cases/queue.html",
        {
            "page": page,
            "rows": rows,
            "areas": areas,
            "area_id": area_id,
            "state": state,
            "light": light,
            "supervised": supervised,
            "states": STATE_FILTERS,
            "lights": Light.choices,
        },
    )


def _detail_context(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user = request.user
    case = selectors.case_detail(user, case_id)
    services.ensure_classified([case])
    allowed = {t.name for t in allowed_for(user, case)}
    return {
        "case": case,
        "allowed": allowed,
        "transitions": TRANSITIONS,
        "categories": selectors.categories_visible_to(user, include_inactive=False),
        "organisations": selectors.dispatch_organisations()[:300] if "dispatch" in allowed else [],
        "lower_areas": (
            areas_visible_to(user)
            .filter(
                path__startswith=case.handling_area.path,
                level__in=[AreaLevel.STREET, AreaLevel.TOWN, AreaLevel.COMMUNITY, AreaLevel.VILLAGE],
            )
            .exclude(pk=case.handling_area_id)
            .order_by("path")[:100]
            if "assign_down" in allowed
            else []
        ),
        "duplicates": services.duplicate_candidates(case) if "merge" in allowed else [],
        "lines": [c for c in EmergencyLine.choices if c[0]],
        "rating_levels": Satisfaction.choices,
        "requester_phone": str(case.requester_phone or ""),
    }


@never_cache
@staff_required
@require_GET
@scoped_object(CONSOLE_CASE, "case_id")
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return render(request, "appeals/cases/detail.html", _detail_context(request, case_id))


@staff_required
@require_POST
@scoped_object(CONSOLE_CASE, "case_id", action="change")
def case_act(request: HttpRequest, case_id: int) -> HttpResponse:
    """Run one transition from the case page; a conflict answers 409 with the refresh message."""
    user = request.user
    case = selectors.case_for(user, case_id)
    action = request.POST.get("action", "")
    try:
        services.case_act(
            actor=user, case=case, action=action, version=version_of(request), params=posted(request)
        )
    except services.CaseConflict as exc:
        context = _detail_context(request, case_id)
        context["conflict"] = str(exc)
        return render(request, "appeals/cases/detail.html", context, status=409)
    except PermissionDenied as exc:
        context = _detail_context(request, case_id)
        context["errors"] = [str(exc) or _("您无权执行该操作。")]
        return render(request, "appeals/cases/detail.html", context, status=403)
    except ValidationError as exc:
        context = _detail_context(request, case_id)
        context["errors"] = flat(exc)
        context["failed_action"] = action
        return render(request, "appeals/cases/detail.html", context, status=400)
    label = TRANSITIONS[action].label if action in TRANSITIONS else action
    messages.success(request, _("已办理：%(action)s。") % {"action": label})
    return redirect("appeals:case", case_id=case_id)


@require_GET
@scoped_object("appeals.CasePhoto", "photo_id")
def photo(request: HttpRequest, photo_id: int) -> HttpResponse | FileResponse:
    """A case photo for whoever may read the case (staff in scope, the resident who filed it)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    found = get_or_404(selectors.case_photos_visible_to(request.user), pk=photo_id)
    try:
        return FileResponse(found.image.open("rb"), content_type="image/jpeg")
    except FileNotFoundError as exc:
        raise Http404 from exc


@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, channel: str) -> HttpResponse:
    """Hotline entry on a caller's behalf, or a grid worker's report (optionally resolved on the spot)."""
    user = request.user
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            result = services.case_submit(
                actor=user,
                channel=channel,
                text=request.POST.get("text", ""),
                lng=request.POST.get("lng") or None,
                lat=request.POST.get("lat") or None,
                crs=request.POST.get("crs") or "wgs84",
                address=request.POST.get("address", ""),
                area=_visible_area(user, request.POST.get("area")),
                photos=files(request, "photos"),
                is_public=request.POST.get("is_public") == "1",
                category=request.POST.get("category") or None,
                danger=request.POST.get("danger") == "1",
                emergency_line=request.POST.get("emergency_line", ""),
                emergency_reference=request.POST.get("emergency_reference", ""),
                requester_name=request.POST.get("requester_name", ""),
                requester_phone=request.POST.get("requester_phone", ""),
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
            case = result.case
            if request.POST.get("on_spot") == "1" and result.created:
                services.case_on_spot(
                    actor=user,
                    case=case,
                    version=case.version,
                    result=request.POST.get("result", ""),
                    before_photos=files(request, "before_photos"),
                    after_photos=files(request, "after_photos"),
                )
        except ValidationError as exc:
            errors = field_errors(exc)
            status = 400
        else:
            if result.token:
                messages.success(
                    request,
                    _("已登记，编号%(number)s，查询码%(token)s。")
                    % {"number": case.number, "token": result.token},
                )
            return redirect(reverse("appeals:case", kwargs={"case_id": case.pk}))
    areas = (
        areas_visible_to(user)
        .filter(level__in=[AreaLevel.COMMUNITY, AreaLevel.VILLAGE, AreaLevel.GRID])
        .order_by("path")[:500]
    )
    return render(
        request,
        "appeals/cases/intake.html",
        {
            "channel": channel,
            "hotline": channel == Channel.HOTLINE,
            "errors": errors,
            "data": request.POST,
            "areas": areas,
            "categories": selectors.categories_visible_to(user, include_inactive=False),
            "lines": [c for c in EmergencyLine.choices if c[0]],
            "idempotency_key": request.POST.get("idempotency_key") or new_key(),
        },
        status=status,
    )


def _visible_area(user: Any, value: Any) -> Any:
    pk = _int(value)
    if pk is None:
        return None
    found = areas_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({"area": _("请选择有效的选项。")})
    return found


@never_cache
@staff_required
def hotline(request: HttpRequest) -> HttpResponse:
    return intake(request, Channel.HOTLINE)


@never_cache
@staff_required
def field_report(request: HttpRequest) -> HttpResponse:
    return intake(request, Channel.GRID_WORKER)
