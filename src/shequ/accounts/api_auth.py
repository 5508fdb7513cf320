"""API authentication: ``Authorization: Bearer <token>``, or the browser session (with CSRF)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from . import selectors

TOKEN_PREFIX = "sq_"  # noqa: S105 - a public marker, not a secret


def digest_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_value() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX):
            return None
        now = timezone.now()
        found = selectors.api_token_by_digest(digest_token(token))
        if found is None or (found.expires_at is not None and found.expires_at <= now):
            return None
        from .services import api_token_touch  # services imports this module's helpers

        api_token_touch(token=found, now=now)
        request.user = found.user
        return found.user


class StaffOrResidentSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user


api_auth = [BearerToken(), StaffOrResidentSession()]
