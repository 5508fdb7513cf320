"""What the case pages share: reading posted fields and photos, turning service errors into messages."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def flat(exc: ValidationError) -> list[str]:
    return [m for messages in field_errors(exc).values() for m in messages]


def files(request: HttpRequest, name: str) -> list[Any]:
    return [f for f in request.FILES.getlist(name) if f]


def new_key() -> str:
    return uuid.uuid4().hex


def posted(request: HttpRequest) -> dict[str, Any]:
    """The posted action fields (files by name, lists where the form sends several)."""
    data: dict[str, Any] = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken",)}
    data["assist_ids"] = request.POST.getlist("assist_ids")
    for name in ("photos", "before_photos", "after_photos"):
        data[name] = files(request, name)
    return data


def version_of(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None
