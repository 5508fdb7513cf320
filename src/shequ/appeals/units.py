"""From a category's generic unit to the actual unit for an area (城市管理局 + 鼓楼区 → 鼓楼区城市管理局)."""

from __future__ import annotations

from typing import Any

from shequ.core.models import Area, AreaLevel

from .models import UnitLevel

#: Which area levels carry a unit of each level (a functional zone such as 江北新区 stands for a
#: district, a town for a street, a village for a community).
LEVELS_FOR_UNIT: dict[str, frozenset[str]] = {
    UnitLevel.CITY: frozenset({AreaLevel.CITY}),
    UnitLevel.DISTRICT: frozenset({AreaLevel.DISTRICT, AreaLevel.ZONE}),
    UnitLevel.STREET: frozenset({AreaLevel.STREET, AreaLevel.TOWN}),
    UnitLevel.COMMUNITY: frozenset({AreaLevel.COMMUNITY, AreaLevel.VILLAGE}),
}

#: Generic street units are written with the word 街道 in front ("街道综合行政执法队"); the
#: street's own name already says it (宁海路街道 → 宁海路街道综合行政执法队, 汤泉镇 → 汤泉镇综合行政执法队).
STREET_PREFIX = "街道"
#: The generic community unit: the community (or village) itself.
COMMUNITY_UNIT = "社区"


def area_for_unit(area: Area, unit_level: str) -> Area | None:
    """The area itself or the nearest managing ancestor at the unit's level; None above it."""
    wanted = LEVELS_FOR_UNIT.get(unit_level, frozenset())
    node: Area | None = area
    while node is not None:
        if node.level in wanted:
            return node
        node = node.parent
    return None


def compose(unit: str, unit_level: str, place: Area) -> str:
    """The actual unit's name from the generic name and the area that carries it."""
    if unit.startswith(place.name):
        return unit
    if unit_level == UnitLevel.COMMUNITY and unit == COMMUNITY_UNIT:
        return place.name
    if unit_level == UnitLevel.STREET and unit.startswith(STREET_PREFIX) and len(unit) > len(STREET_PREFIX):
        unit = unit[len(STREET_PREFIX) :]
    return f"{place.name}{unit}"


def unit_for(category: Any, area: Area) -> str | None:
    """The actual responsible unit for ``category`` in ``area`` (a grid, community, street, …).

    Walks the *managing* parent chain (a street managed by 江北新区 gets 江北新区's district
    units).  Returns None when ``area`` lies above the unit's level (a case placed only in a
    district for a street-level unit): the dispatcher then has to choose the street.
    """
    place = area_for_unit(area, category.unit_level)
    if place is None:
        return None
    return compose(category.responsible_unit, category.unit_level, place)


def organisation_for(category: Any, area: Area) -> Any:
    """The registered organisation that is the actual unit (by generic unit and home area), or None.

    Dispatch uses it when the unit exists as an :class:`~shequ.core.models.Organisation`
    (so its staff see the case); otherwise :func:`unit_for` still names the unit.
    """
    from django.db.models import Q

    from shequ.core.models import Organisation

    place = area_for_unit(area, category.unit_level)
    if place is None:
        return None
    name = compose(category.responsible_unit, category.unit_level, place)
    return (
        Organisation.objects.filter(is_active=True, home_area=place)
        .filter(Q(generic_unit=category.responsible_unit) | Q(name=name))
        .order_by("id")
        .first()
    )
