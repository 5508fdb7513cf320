from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    elder = bool(request.COOKIES.get("elder") == "1" or (user is not None and getattr(user, "elder_mode", False)))
    return {
        "deployment_name": settings.SHEQU_DEPLOYMENT_NAME,
        "elder_mode": elder,
    }
