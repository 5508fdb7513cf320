"""What the commons API modules share: the router and the scoped-model markers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Router

router = Router(tags=["commons"])

SPACE = {"x-scoped-model": "commons.Space"}
BOOKING = {"x-scoped-model": "commons.Booking"}
AID_POST = {"x-scoped-model": "commons.AidPost"}
AID_MATCH = {"x-scoped-model": "commons.AidMatch"}


def renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})
