"""Per-request context for audit entries and the area switcher."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import RequestContext, current_request

ACTIVE_POST_SESSION_KEY = "shequ_active_post"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        post = None
        if user is not None and user.is_authenticated and getattr(user, "kind", "") == "staff":
            chosen = request.session.get(ACTIVE_POST_SESSION_KEY)
            posts = user.active_posts()
            post = next((p for p in posts if p.pk == chosen), None)
            if post is None and len(posts) == 1:
                post = posts[0]
            user.active_post = post
        token = current_request.set(
            RequestContext(ip=client_ip(request), request_id=secrets.token_hex(8), post=post)
        )
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
