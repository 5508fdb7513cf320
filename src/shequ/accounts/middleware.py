"""Session policy: staff sessions end after idle time as well as after the maximum age."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN_KEY = "shequ_last_seen"


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - int(last) > settings.SHEQU_SESSION_IDLE_SECONDS:
                logout(request)
                request.session["shequ_expired"] = True
            elif last is None or now - int(last) > 30:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
