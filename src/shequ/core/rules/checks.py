"""Checks: compare an actual number with a rule and say which rule was applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone

from ..models import Area, Rule
from ..rule_catalog import Direction
from .lookup import _chain, _pick, effective_versions, rule_value
from .values import RuleMissing, RuleValue, _to_value, format_value


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    key: str
    actual: Any
    expected: str
    citation: str
    rule: RuleValue

    def __bool__(self) -> bool:
        return self.ok


def _frac(x: Any) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, float):
        return Fraction(Decimal(repr(x)))
    return Fraction(Decimal(x) if not isinstance(x, int) else x)


def evaluate(rule: RuleValue, actual: Any) -> CheckResult:
    spec = rule.spec
    direction = spec.direction if spec else Direction.NONE
    strict = bool(spec and spec.strict)
    a = _frac(actual)
    lo = _frac(rule.value)
    hi = _frac(rule.value_max) if rule.value_max is not None else None
    shown = rule.display
    if direction == Direction.MIN:
        ok = a > lo if strict else a >= lo
        expected = (">" if strict else "≥") + " " + format_value(rule.key, rule.value, None, rule.unit)
    elif direction == Direction.MAX:
        bound = hi if hi is not None else lo
        ok = a < bound if strict else a <= bound
        bound_dec = rule.value_max if rule.value_max is not None else rule.value
        expected = ("<" if strict else "≤") + " " + format_value(rule.key, bound_dec, None, rule.unit)
    elif hi is not None:
        ok = lo <= a <= hi
        expected = shown
    else:
        ok = a == lo
        expected = "= " + shown
    return CheckResult(
        ok=ok, key=rule.key, actual=actual, expected=expected, citation=rule.citation, rule=rule
    )


class RuleCheck:
    """Checks against rules, caching the effective values it has looked up.

    ``RuleCheck(on=...).prefetch(keys, areas)`` takes the versions in force of those keys at once
    (at most one query), so that a list of many areas checks without a query per area.
    """

    def __init__(self, *, on: date | None = None) -> None:
        self.on = on or timezone.localdate()
        self._rows: dict[str, list[Rule]] = {}
        self._cache: dict[tuple[str, int | None], RuleValue] = {}

    def prefetch(self, keys: list[str] | tuple[str, ...], areas: list[Area]) -> RuleCheck:
        """Take the versions of ``keys`` in force from the process's copy of the rules (at most one
        query, whatever the number of areas; ``areas`` are picked from as they are checked)."""
        self._rows.update(effective_versions(keys, self.on))
        return self

    def value(self, key: str, area: Area | None) -> RuleValue:
        cache_key = (key, area.pk if area is not None else None)
        if cache_key not in self._cache:
            if key in self._rows:
                best = _pick(self._rows[key], _chain(area))
                if best is None:
                    raise RuleMissing(key, area, self.on)
                self._cache[cache_key] = _to_value(best)
            else:
                self._cache[cache_key] = rule_value(key, area, self.on)
        return self._cache[cache_key]

    def check(self, key: str, area: Area | None, actual: Any) -> CheckResult:
        return evaluate(self.value(key, area), actual)


def check(key: str, area: Area | None, actual: Any, *, on: date | None = None) -> CheckResult:
    """Compare ``actual`` with the rule effective for ``area``; the result cites the rule."""
    return evaluate(rule_value(key, area, on), actual)
