"""Every policy number the platform knows: key, name, unit, kind, direction and source.

The catalog says *what* a rule is; the numbers themselves are :class:`~shequ.core.models.Rule`
records (versioned, per jurisdiction).  ``default`` / ``default_max`` / ``valid_from`` here are
the values the platform ships as its default records; the data migration holds a frozen copy
of them, and :func:`shequ.core.rules.seed_default_rules` adds the records of keys that are
newer than the migration.

Directions: ``"min"`` means the value is a floor (a higher value is stricter), ``"max"`` a
ceiling (a lower value is stricter), ``""`` neither (a lower jurisdiction may choose freely).

:mod:`.spec` defines an entry; the entries themselves are in :mod:`.community`, :mod:`.targets`,
:mod:`.villages` and :mod:`.office`, and :data:`CATALOG_LIST` keeps them in that order.
Import from this package.
"""

from __future__ import annotations

from . import appeals, community, office, targets, villages
from .spec import (
    DIRECTION_LABELS,
    G_APPEALS,
    G_ASSEMBLY,
    G_DISCLOSURE,
    G_ELECTION,
    G_FACILITY,
    G_FUNDS,
    G_SIZE,
    G_STAFF,
    G_TARGET,
    G_TIME,
    GROUPS,
    JS_DOC,
    KIND_LABELS,
    NJ_DATE,
    NJ_DOC,
    NJ_TARGETS,
    VC_DATE,
    VC_LAW,
    Direction,
    RuleKind,
    RuleSpec,
    takes_max,
)

CATALOG_LIST: tuple[RuleSpec, ...] = (
    *community.SPECS,
    *targets.SPECS,
    *villages.SPECS,
    *office.SPECS,
    *appeals.SPECS,
)

CATALOG: dict[str, RuleSpec] = {spec.key: spec for spec in CATALOG_LIST}

#: Kinds whose records carry a ``value_max`` (a range).  Office hours are minute ranges.
RANGE_KEYS = frozenset(spec.key for spec in CATALOG_LIST if spec.default_max is not None)


def spec_for(key: str) -> RuleSpec | None:
    return CATALOG.get(key)


__all__ = [
    "CATALOG",
    "CATALOG_LIST",
    "DIRECTION_LABELS",
    "GROUPS",
    "G_APPEALS",
    "G_ASSEMBLY",
    "G_DISCLOSURE",
    "G_ELECTION",
    "G_FACILITY",
    "G_FUNDS",
    "G_SIZE",
    "G_STAFF",
    "G_TARGET",
    "G_TIME",
    "JS_DOC",
    "KIND_LABELS",
    "NJ_DATE",
    "NJ_DOC",
    "NJ_TARGETS",
    "RANGE_KEYS",
    "VC_DATE",
    "VC_LAW",
    "Direction",
    "RuleKind",
    "RuleSpec",
    "spec_for",
    "takes_max",
]
