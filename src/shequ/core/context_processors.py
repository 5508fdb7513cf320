from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

ELDER_COOKIE = "elder"


def elder_mode_on(request: HttpRequest) -> bool:
    """Elder mode: this device's choice (cookie ``elder`` = 1/0) first, else the account's setting."""
    choice = request.COOKIES.get(ELDER_COOKIE)
    if choice in ("0", "1"):
        return choice == "1"
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and getattr(user, "elder_mode", False))


def html_lang(code: str | None) -> str:
    """BCP 47 spelling of a Django language code: zh-hans → zh-Hans, en → en."""
    if not code:
        return "zh-Hans"
    lang, _sep, rest = code.partition("-")
    if not rest:
        return lang
    return f"{lang}-{rest.title() if len(rest) == 4 else rest.upper()}"


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "deployment_name": settings.SHEQU_DEPLOYMENT_NAME,
        "elder_mode": elder_mode_on(request),
        "html_lang": html_lang(translation.get_language()),
    }
