"""Resident pages: file an appeal (phone-first; a map point or an address), my appeals, one case,
status by number and access code."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shequ.core.access import scoped_object
from shequ.portal.views import resident_login_url

from .. import selectors, services
from ..models import CASE_TEXT_MAX, Channel
from .common import field_errors, files, new_key


def _login(request: HttpRequest) -> HttpResponse:
    return redirect(f"{resident_login_url()}?next={quote(request.get_full_path())}")


def _is_resident(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "kind", "") == "resident")


@never_cache
@require_http_methods(["GET", "POST"])
def file_appeal(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not _is_resident(user):
        return _login(request)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            result = services.case_submit(
                actor=user,
                channel=Channel.PORTAL,
                text=request.POST.get("text", ""),
                lng=request.POST.get("lng") or None,
                lat=request.POST.get("lat") or None,
                crs=request.POST.get("crs") or "wgs84",
                address=request.POST.get("address", ""),
                photos=files(request, "photos"),
                is_public=request.POST.get("is_public") == "1",
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ValidationError as exc:
            errors = field_errors(exc)
            status = 400
        else:
            if result.token:
                messages.success(
                    request,
                    _("诉求已提交，编号%(number)s，查询码%(token)s，请妥善保存。")
                    % {"number": result.case.number, "token": result.token},
                )
            return redirect(reverse("appeals_portal:case", kwargs={"case_id": result.case.pk}))
    lng, lat = selectors.map_centre(user)
    return render(
        request,
        "appeals/portal/file.html",
        {
            "errors": errors,
            "data": request.POST,
            "idempotency_key": request.POST.get("idempotency_key") or new_key(),
            "max_text": CASE_TEXT_MAX,
            "map": {
                "lng": lng,
                "lat": lat,
                "tiles": getattr(settings, "SHEQU_MAP_TILE_URL", ""),
                "crs": getattr(settings, "SHEQU_MAP_TILE_CRS", "wgs84"),
            },
        },
        status=status,
    )


@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not _is_resident(user):
        return _login(request)
    return render(request, "appeals/portal/mine.html", {"cases": selectors.my_cases(user)[:100]})


@never_cache
@require_GET
@scoped_object("appeals.Case", "case_id")
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    user: Any = request.user
    if not user.is_authenticated:
        return _login(request)
    found = selectors.case_detail(user, case_id)
    return render(request, "appeals/portal/case.html", {"case": found})


@never_cache
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    """Status by number and access code (hotline callers got both by SMS)."""
    number = request.GET.get("number", "")[:20]
    token = request.GET.get("token", "")[:40]
    searched = bool(number or token)
    found = selectors.case_by_number(number, token) if searched else None
    return render(
        request,
        "appeals/portal/track.html",
        {"number": number, "searched": searched, "case": found},
        status=404 if searched and found is None else 200,
    )
