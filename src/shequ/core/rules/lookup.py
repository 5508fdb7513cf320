"""Reading: the version of a key effective on a date for the nearest area up the managing path,
else the platform default (``area`` empty)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from ..models import Area, Rule
from ..refdata import rules_by_key
from .values import RuleMissing, RuleValue, _to_value


def effective_versions(keys: list[str] | tuple[str, ...], on: date) -> dict[str, list[Rule]]:
    """For each key, its versions in force on ``on`` in any area, from the process's copy of the
    rules (no query while the copy is fresh, else one)."""
    versions = rules_by_key()

    def in_force(rule: Rule) -> bool:
        return rule.valid_from <= on and (rule.valid_to is None or rule.valid_to >= on)

    return {key: [r for r in versions.get(key, ()) if in_force(r)] for key in keys}


def _resolve_area(area: Area | int | None) -> Area | None:
    if area is None or isinstance(area, Area):
        return area
    return Area.objects.get(pk=area)


def _chain(area: Area | None) -> list[int]:
    """Area ids from the top of the managing path down to ``area`` itself."""
    if area is None:
        return []
    return [*area.ancestor_ids(), area.pk]


def _pick(rules: list[Rule], chain: list[int]) -> Rule | None:
    rank = {area_id: i for i, area_id in enumerate(chain)}
    best: Rule | None = None
    best_key: tuple[int, int] = (-2, -1)
    for rule in rules:
        position = -1 if rule.area_id is None else rank.get(rule.area_id, -2)
        if position == -2:
            continue
        candidate = (position, rule.version)
        if candidate > best_key:
            best, best_key = rule, candidate
    return best


def rule_values(
    keys: list[str] | tuple[str, ...], area: Area | int | None = None, on: date | None = None
) -> dict[str, RuleValue]:
    """The effective value of several keys at once (no query while the process's copy of the rules
    is fresh, else one); missing keys are left out."""
    area_obj = _resolve_area(area)
    on = on or timezone.localdate()
    chain = _chain(area_obj)
    found: dict[str, RuleValue] = {}
    for key, effective in effective_versions(keys, on).items():
        best = _pick(effective, chain)
        if best is not None:
            found[key] = _to_value(best)
    return found


def rule_value(key: str, area: Area | int | None = None, on: date | None = None) -> RuleValue:
    """The version of ``key`` effective on ``on`` (default today) for ``area`` (at most 2 queries)."""
    try:
        area_obj = _resolve_area(area)
    except (Area.DoesNotExist, ValueError, TypeError) as exc:
        raise RuleMissing(key, None, on) from exc
    found = rule_values((key,), area_obj, on)
    if key not in found:
        raise RuleMissing(key, area_obj, on)
    return found[key]
