"""Policy rules as data: versioned, per jurisdiction, each with its source passage.

Reading: :func:`rule_value` returns the version effective on a date for the nearest area up
the managing path, else the platform default (``area`` empty).  :class:`RuleCheck` compares
an actual number with a rule and says which rule it applied.

Writing: :func:`rule_set` adds a version (validated, audited, never laxer than the parent
jurisdiction's effective value).  The keys, names, units, kinds and directions are in
:mod:`shequ.core.rule_catalog`.

The modules: :mod:`.values` (``RuleValue``, ``RuleMissing``, formatting), :mod:`.lookup`
(effective values), :mod:`.selectors` (what a user sees), :mod:`.checks`, :mod:`.services`
(writing) and :mod:`.seeding`.  Import from this package.
"""

from __future__ import annotations

from .checks import CheckResult, RuleCheck, check, evaluate
from .lookup import rule_value, rule_values
from .seeding import NANJING_PAY_KEY, NANJING_PAY_TIERS, NANJING_SOURCE, seed_area_rules, seed_default_rules
from .selectors import RuleRow, rule_versions_for, rules_overview, rules_visible_to
from .services import FOUR_PLACES, MAX_ABS, PERMISSION, rule_set
from .values import RuleMissing, RuleValue, default_label, format_value

__all__ = [
    "FOUR_PLACES",
    "MAX_ABS",
    "NANJING_PAY_KEY",
    "NANJING_PAY_TIERS",
    "NANJING_SOURCE",
    "PERMISSION",
    "CheckResult",
    "RuleCheck",
    "RuleMissing",
    "RuleRow",
    "RuleValue",
    "check",
    "default_label",
    "evaluate",
    "format_value",
    "rule_set",
    "rule_value",
    "rule_values",
    "rule_versions_for",
    "rules_overview",
    "rules_visible_to",
    "seed_area_rules",
    "seed_default_rules",
]
