"""Rule records as a person sees them: the ones visible to a user, version histories, the overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from ..access import area_q, scope_of
from ..models import Area, Rule
from ..rule_catalog import CATALOG_LIST, GROUPS, RuleSpec
from .lookup import _chain, _pick
from .values import RuleValue, _to_value


def rules_visible_to(user: Any) -> QuerySet[Rule]:
    """Platform defaults, rules of the areas the user covers, and of the jurisdictions above them."""
    qs = Rule.objects.select_related("area", "created_by")
    sc = scope_of(user)
    if sc.everything:
        return qs
    above: set[int] = set()
    for path in sc.paths:
        above.update(int(p) for p in path.strip("/").split("/") if p)
    return qs.filter(Q(area__isnull=True) | area_q(user) | Q(area_id__in=sorted(above)))


def rule_versions_for(area: Area | None, keys: list[str] | None = None) -> QuerySet[Rule]:
    """Every version that applies along ``area``'s chain (defaults included), newest first."""
    qs = Rule.objects.filter(Q(area__isnull=True) | Q(area_id__in=_chain(area))).select_related(
        "area", "created_by"
    )
    if keys is not None:
        qs = qs.filter(key__in=keys)
    return qs.order_by("key", F("area__depth").asc(nulls_first=True), "-valid_from", "-version")


@dataclass(frozen=True)
class RuleRow:
    """One catalog key as the console lists it: the effective value and the version history."""

    spec: RuleSpec
    effective: RuleValue | None
    versions: list[Rule]


def rules_overview(area: Area | None, on: date | None = None) -> list[tuple[str, list[RuleRow]]]:
    """Every catalog key, grouped, with its effective value for ``area`` and the versions along
    its chain (one query)."""
    on = on or timezone.localdate()
    chain = _chain(area)
    by_key: dict[str, list[Rule]] = {}
    for rule in rule_versions_for(area):
        by_key.setdefault(rule.key, []).append(rule)
    groups: list[tuple[str, list[RuleRow]]] = []
    for group in GROUPS:
        rows: list[RuleRow] = []
        for spec in CATALOG_LIST:
            if spec.group != group:
                continue
            versions = by_key.get(spec.key, [])
            current = [r for r in versions if r.valid_from <= on and (r.valid_to is None or r.valid_to >= on)]
            best = _pick(current, chain)
            rows.append(RuleRow(spec, _to_value(best) if best is not None else None, versions))
        groups.append((str(group), rows))
    return groups
