"""Resident pages: file an appeal (phone-first; a map point or an address), my appeals, one case,
status by number and access code."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shequ.core.access import scoped_object
from shequ.portal.views import resident_login_url

from .. import selectors, services
from ..models import CASE_TEXT_MAX, Channel, RatingChannel, Satisfaction
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


#: How long a caller who proved the number (access code or SMS code) keeps the case open.
GRANT_SECONDS = 30 * 60
GRANT_KEY = "appeals_granted"


def _grant(request: HttpRequest, number: str) -> None:
    grants = {k: v for k, v in request.session.get(GRANT_KEY, {}).items() if v > time.time()}
    grants[number] = time.time() + GRANT_SECONDS
    request.session[GRANT_KEY] = grants


def _granted(request: HttpRequest, number: str) -> bool:
    return float(request.session.get(GRANT_KEY, {}).get(number, 0)) > time.time()


def _rating_context(found: Any, errors: dict[str, list[str]], data: Any) -> dict[str, Any]:
    return {
        "may_rate": services.awaiting_rating(found),
        "rate_due": services.rating_deadline(found),
        "rating_levels": Satisfaction.choices,
        "rate_errors": errors,
        "rate_general": errors.get("__all__", []) + errors.get("state", []) + errors.get("channel", []),
        "rate_data": data,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@scoped_object("appeals.Case", "case_id")
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    """The resident's own case: progress, result, and the rating form once it is closed."""
    user: Any = request.user
    if not user.is_authenticated:
        return _login(request)
    found = selectors.case_detail(user, case_id)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            services.case_rate(
                actor=user,
                case=found,
                resolved=request.POST.get("resolved"),
                level=request.POST.get("level"),
                comment=request.POST.get("comment", ""),
                channel=RatingChannel.PORTAL,
            )
        except ValidationError as exc:
            errors, status = field_errors(exc), 400
        except PermissionDenied as exc:
            errors, status = {"__all__": [str(exc)]}, 403
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect(reverse("appeals_portal:case", kwargs={"case_id": found.pk}))
    context = {"case": found, **_rating_context(found, errors, request.POST)}
    return render(request, "appeals/portal/case.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Status by number: with the access code given at intake, or a one-time code sent by SMS
    to the phone on file (hotline callers)."""
    number = (request.GET.get("number") or request.POST.get("number") or "")[:20].strip()
    token = request.GET.get("token", "")[:40]
    errors: dict[str, list[str]] = {}
    status = 200
    code_sent = False
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send_code":
                services.access_code_send(number=number)
                code_sent = True
            else:
                services.access_code_verify(number=number, code=request.POST.get("code", ""))
                _grant(request, number)
                return redirect(reverse("appeals_portal:tracked", kwargs={"number": number}))
        except ValidationError as exc:
            errors, status = field_errors(exc), 400
            code_sent = bool(number)  # a code may well be on its way: keep the field to type it in
    elif number or token:
        found = selectors.case_by_number(number, token)
        if found is not None:
            _grant(request, found.number)
            return redirect(reverse("appeals_portal:tracked", kwargs={"number": found.number}))
        errors, status = {"token": [_("没有查到该诉求，请核对编号和查询码。")]}, 404
    return render(
        request,
        "appeals/portal/track.html",
        {"number": number, "errors": errors, "code_sent": code_sent},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def tracked(request: HttpRequest, number: str) -> HttpResponse:
    """A case the caller opened by number and code: progress, result, and the rating form."""
    found = selectors.case_by_grant(number) if _granted(request, number) else None
    if found is None:
        return redirect(f"{reverse('appeals_portal:track')}?number={quote(number[:20])}")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            services.case_rate(
                actor=None,
                case=found,
                resolved=request.POST.get("resolved"),
                level=request.POST.get("level"),
                comment=request.POST.get("comment", ""),
                channel=RatingChannel.CODE,
            )
        except ValidationError as exc:
            errors, status = field_errors(exc), 400
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect(reverse("appeals_portal:tracked", kwargs={"number": found.number}))
    context = {"case": found, "tracked": True, **_rating_context(found, errors, request.POST)}
    return render(request, "appeals/portal/case.html", context, status=status)
