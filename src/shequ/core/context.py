"""Who is acting, from where: set per request by the middleware, read by the audit writer."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    request_id: str = ""
    post: Any = None


current_request: ContextVar[RequestContext | None] = ContextVar("shequ_request", default=None)


def get_context() -> RequestContext:
    return current_request.get() or RequestContext()
