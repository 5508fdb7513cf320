from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services

#: The cookie that remembers elder mode on this device (also for visitors who are not signed in).
ELDER_COOKIE = "elder"
ELDER_COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers keep a cookie
RESIDENT_LOGIN_PATH = "/accounts/resident/login/"


def resident_login_url() -> str:
    for name in ("accounts:resident_login", "accounts:resident-login"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return RESIDENT_LOGIN_PATH


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _entry_links(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "resident_login_url": resident_login_url(),
        "staff_login_url": _reverse_or_none("accounts:login"),
        "logout_url": _reverse_or_none("accounts:logout"),
        "is_staff_user": user.is_authenticated and getattr(user, "kind", "") == "staff",
        "is_resident": user.is_authenticated and getattr(user, "kind", "") == "resident",
    }


def home(request: HttpRequest) -> HttpResponse:
    context = _entry_links(request)
    return render(request, "portal/home.html", context)


def me(request: HttpRequest) -> HttpResponse:
    """“我的”: account details for a signed-in user, and the elder-mode switch for everyone."""
    return render(request, "portal/me.html", _entry_links(request))


@require_POST
def elder_toggle(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("enabled", "")
    if raw not in ("0", "1"):
        response = render(
            request,
            "portal/elder_error.html",
            {"error": _("请选择开启或关闭长辈模式。")},
            status=400,
        )
        return response
    enabled = raw == "1"
    user: Any = request.user
    if user.is_authenticated:
        try:
            services.elder_mode_set(actor=user, enabled=enabled)
        except ValidationError as exc:  # pragma: no cover - only for an actor that cannot sign in
            return render(request, "portal/elder_error.html", {"error": exc.messages[0]}, status=400)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = redirect(target)
    response.set_cookie(
        ELDER_COOKIE,
        "1" if enabled else "0",
        max_age=ELDER_COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure(),
    )
    return response
