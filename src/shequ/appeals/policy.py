"""The appeal loop's policy numbers, read from rule records.

Every key is an entry of :mod:`shequ.core.rule_catalog.appeals` (versioned per jurisdiction
like any rule); :func:`value` reads the record in force for an area, or the catalog default
when no record exists yet (a fresh database before ``seed_rules``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

#: The line a danger report goes to when its category names none.
DEFAULT_EMERGENCY_LINE = "110"
#: A dissatisfied rating sends the case back for re-handling this many times; after that it is reviewed.
REOPEN_LIMIT = 1


def value(key: str, area: Any = None) -> Decimal:
    """The rule record's value for ``key`` in ``area``, else the catalog default."""
    from shequ.core.rule_catalog import CATALOG
    from shequ.core.rules import rule_values

    found = rule_values((key,), area, None)
    if key in found:
        return Decimal(found[key].value)
    return Decimal(CATALOG[key].default)


def photo_max_mb(area: Any = None) -> Decimal:
    return value("appeals.photo_max_mb", area)


def photo_max_bytes(area: Any = None) -> int:
    return int(photo_max_mb(area) * 1024 * 1024)
