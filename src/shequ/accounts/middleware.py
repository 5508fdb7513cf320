"""Session policy: sessions end after idle time as well as after the maximum age.

After ``SHEQU_SESSION_IDLE_SECONDS`` without a request the user is logged out and sent to
the login page (staff to the staff login, residents to the SMS login), which says that the
session expired.  API calls are not redirected: they simply arrive unauthenticated (401).
htmx requests get an ``HX-Redirect`` so the whole page moves to the login page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

LAST_SEEN_KEY = "shequ_last_seen"
EXPIRED_KEY = "shequ_expired"
#: The last-seen stamp is refreshed at most this often, to spare session writes.
TOUCH_EVERY_SECONDS = 30


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - int(last) > settings.SHEQU_SESSION_IDLE_SECONDS:
                return self._expire(request, is_resident=getattr(user, "kind", "") == "resident")
            if last is None or now - int(last) > TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, *, is_resident: bool) -> HttpResponse:
        logout(request)
        request.session[EXPIRED_KEY] = True
        if request.path.startswith("/api/"):
            return self.get_response(request)
        login_url = reverse("accounts:resident_login" if is_resident else "accounts:login")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        if request.method == "GET":
            login_url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(login_url)
