"""Drill-down: exactly the cases behind one count of a ranking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from shequ.core.access import subtree_q
from shequ.core.models import Area

from ...models import Case, Satisfaction
from ..cases import cases_visible_to
from .figures import ABOVE_STREET, COMMUNITY_LEVELS, NONE_KEY, STREET_LEVELS, Month
from .queries import counted_cases, dispatched_q, missed_q, other_label, rated_q, rates_area, responded_q

DRILL_PAGE_SIZE = 50

# --------------------------------------------------------------------------- drill-down
DRILLS = (
    "dispatched",
    "responded",
    "response_miss",
    "rated",
    "resolved",
    "unresolved",
    "satisfied",
    "basic",
    "dissatisfied",
)


def _drill_q(kind: str, month: Month) -> Q:
    dispatched, rated = dispatched_q(month), rated_q(month)
    return {
        "dispatched": dispatched,
        "responded": dispatched & responded_q(),
        "response_miss": dispatched & missed_q(),
        "rated": rated,
        "resolved": rated & Q(rating_resolved=True),
        "unresolved": rated & ~Q(rating_resolved=True),
        "satisfied": rated & Q(rating_level=Satisfaction.SATISFIED),
        "basic": rated & Q(rating_level=Satisfaction.BASIC),
        "dissatisfied": rated & Q(rating_level=Satisfaction.DISSATISFIED),
    }[kind]


@dataclass(frozen=True)
class Drill:
    kind: str
    group: str = ""  # "street", "community", "unit" or "" (all)
    value: str = ""
    label: str = ""
    path: str = ""

    def params(self) -> dict[str, str]:
        found = {"drill": self.kind}
        if self.group:
            found[self.group] = self.value
        return found


def parse_drill(user: Any, params: Any) -> Drill | None:
    """The drill-down a query string asks for (``drill=`` plus ``street=``/``community=``/``unit=``).

    An unknown kind is a field error; a street or community outside the viewer's scope a 404.
    """
    kind = str(params.get("drill") or "").strip()
    if not kind:
        return None
    if kind not in DRILLS:
        raise ValidationError({"drill": _("明细类型无效。")})
    for group in ("street", "community"):
        value = str(params.get(group) or "").strip()
        if value == NONE_KEY:
            levels = STREET_LEVELS if group == "street" else COMMUNITY_LEVELS
            return Drill(kind, group, value, other_label(levels))
        if value:
            found = _drill_area(user, value)
            return Drill(kind, group, str(found.pk), found.name, found.path)
    unit = str(params.get("unit") or "").strip()[:200]
    if unit:
        return Drill(kind, "unit", unit, _unit_label(user, unit))
    return Drill(kind)


def _drill_area(user: Any, value: str) -> Area:
    """A street or community row of the ranking: one the viewer covers, or one where a case they
    see lies (a unit's handler sees its cases in other districts, and their rows); else 404."""
    try:
        covered = rates_area(user, value)
    except Http404:
        if not value.isdigit() or len(value) > 18:
            raise
        covered = None
    if covered is not None:
        return covered
    found = Area.objects.filter(pk=int(value)).first()
    if found is None or not cases_visible_to(user).filter(subtree_q(found.path, "area")).exists():
        raise Http404
    return found


def _unit_label(user: Any, unit: str) -> str:
    from shequ.core.models import Organisation

    kind, _sep, value = unit.partition(":")
    if unit == NONE_KEY:
        return _("（未记录主办单位）")
    if kind == "name" and value:
        return value
    if kind in ("org", "area") and value.isdigit() and len(value) <= 18:
        if kind == "area":
            found = rates_area(user, value)
            return found.name if found is not None else ""
        name = Organisation.objects.filter(pk=int(value)).values_list("name", flat=True).first()
        if name is not None:
            return name
        raise Http404
    raise ValidationError({"unit": _("单位参数无效。")})


def _group_q(drill: Drill) -> Q:
    if drill.group in ("street", "community"):
        if drill.value == NONE_KEY:
            above = ABOVE_STREET if drill.group == "street" else (*ABOVE_STREET, *STREET_LEVELS)
            return Q(area__level__in=above)
        return subtree_q(drill.path, "area")
    if drill.group == "unit":
        kind, _sep, value = drill.value.partition(":")
        if kind == "org":
            return Q(lead_org_id=int(value))
        if kind == "area":
            return Q(lead_org__isnull=True, lead_area_id=int(value))
        if kind == "name":
            return Q(lead_org__isnull=True, lead_area__isnull=True, lead_unit=value)
        return Q(lead_org__isnull=True, lead_area__isnull=True, lead_unit="")
    return Q()


def drill_cases(user: Any, *, month: Month, drill: Drill, area: Area | None = None) -> QuerySet[Case]:
    """Exactly the cases a count of the ranking counted, by case number."""
    qs = counted_cases(user, month, area).filter(_drill_q(drill.kind, month)).filter(_group_q(drill))
    return qs.select_related("area", "lead_org", "lead_area").order_by("number", "pk")
