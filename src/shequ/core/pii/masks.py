"""Masks: what a page shows instead of the value (``32**************34``, ``138****5678``)."""

from __future__ import annotations

import re

from .crypto import normalise
from .kinds import PIIKind


def mask_id_number(value: str) -> str:
    """At most the first 2 and last 2 characters: ``32**************34``."""
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    keep_head = 2 if len(value) >= 8 else 1
    keep_tail = 2 if len(value) >= 8 else 1
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_phone(value: str) -> str:
    """``138****5678`` for mobiles; the middle hidden for other numbers."""
    digits = normalise(PIIKind.PHONE, value)
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_address(value: str) -> str:
    """Numbers (building, unit, room, house number) hidden; the place names kept."""
    masked = re.sub(r"[0-9０-９一二三四五六七八九十百]+(?=[号栋幢单元室楼层户组#-])", "*", value)
    masked = re.sub(r"[0-9０-９]", "*", masked)
    return masked if len(masked) <= 24 else masked[:24] + "…"


def mask_name(value: str) -> str:
    value = value.strip()
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask(kind: str, value: str | None) -> str:
    if value is None or value == "":
        return ""
    if kind == PIIKind.ID_NUMBER:
        return mask_id_number(value)
    if kind == PIIKind.PHONE:
        return mask_phone(value)
    if kind == PIIKind.ADDRESS:
        return mask_address(value)
    return "••••"
