"""Small helpers the commons pages share."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..hours import week_start


def week_of(request: Any) -> date:
    raw = request.GET.get("week", "")
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    if abs((day - timezone.localdate()).days) > 3660:
        day = timezone.localdate()
    return week_start(day)


def messages_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return dict(exc.message_dict)
    return {"__all__": list(exc.messages)}


def first_message(exc: ValidationError) -> str:
    return "；".join(m for texts in messages_of(exc).values() for m in texts)


def parse_start(raw: str) -> Any:
    from datetime import datetime

    try:
        value = datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo is not None else None
