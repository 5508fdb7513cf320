"""Numbers the case loop uses until they become rule records.

Every value below is a policy number and belongs in ``shequ.core.rule_catalog`` (owned by
core).  The rule keys proposed for each are given next to it; until the catalog carries
them, :func:`value` reads a rule record when one exists for the key and otherwise falls
back to the default here, so adding the catalog entry later changes no call site.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

#: appeals.duplicate_distance_m — a new case this close (metres) to an open case may be a duplicate.
DUPLICATE_DISTANCE_M = Decimal(100)
#: appeals.duplicate_days — ... and submitted within this many days of it.
DUPLICATE_DAYS = Decimal(7)
#: appeals.duplicate_text_similarity — ... and with texts at least this similar (0..1, bigram overlap).
DUPLICATE_TEXT_SIMILARITY = Decimal("0.3")
#: appeals.photo_max_mb — the largest photo accepted (megabytes).
PHOTO_MAX_MB = Decimal(10)
#: appeals.deadline_natural_hours_below — limits shorter than this many hours run around the clock;
#: longer ones count whole working days (hours ÷ 24, rounded up) on the working-day calendar.
NATURAL_HOURS_BELOW = Decimal(24)
#: appeals.urgent_response_hours — a case the intake marks urgent must be answered within this many hours.
URGENT_RESPONSE_HOURS = Decimal(2)
#: appeals.urgent_resolve_hours — ... and resolved within this many hours.
URGENT_RESOLVE_HOURS = Decimal(24)
#: appeals.default_emergency_line — the line a danger report goes to when its category names none.
DEFAULT_EMERGENCY_LINE = "110"

PROPOSED_RULES: dict[str, Any] = {
    "appeals.duplicate_distance_m": DUPLICATE_DISTANCE_M,
    "appeals.duplicate_days": DUPLICATE_DAYS,
    "appeals.duplicate_text_similarity": DUPLICATE_TEXT_SIMILARITY,
    "appeals.photo_max_mb": PHOTO_MAX_MB,
    "appeals.deadline_natural_hours_below": NATURAL_HOURS_BELOW,
    "appeals.urgent_response_hours": URGENT_RESPONSE_HOURS,
    "appeals.urgent_resolve_hours": URGENT_RESOLVE_HOURS,
}


def value(key: str, area: Any = None) -> Decimal:
    """The rule record's value for ``key`` in ``area`` when the catalog has one, else the default here."""
    from shequ.core.rule_catalog import CATALOG
    from shequ.core.rules import rule_values

    if key in CATALOG:
        found = rule_values((key,), area, None)
        if key in found:
            return Decimal(found[key].value)
        return Decimal(CATALOG[key].default)
    return Decimal(PROPOSED_RULES[key])


def photo_max_bytes() -> int:
    return int(PHOTO_MAX_MB * 1024 * 1024)
