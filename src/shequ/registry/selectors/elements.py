"""Reads of the elements of a grid: buildings and their rooms, courtyards, natural villages, places."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from shequ.core.access import get_or_404

from ..access import registry_q
from ..models import Building, Courtyard, Household, NaturalVillage, Place, Room
from .base import as_id

_CURRENT_HOUSEHOLDS = Q(households__moved_out_on__isnull=True)


def _named(qs: QuerySet[Any], q: str | None) -> QuerySet[Any]:
    q = (q or "").replace("\x00", "").strip()
    return qs.filter(name__contains=q) if q else qs


# --------------------------------------------------------------------------- buildings and rooms


def buildings_visible_to(actor: Any, *, write: bool = False) -> QuerySet[Building]:
    return Building.objects.filter(registry_q(actor, write=write)).select_related("grid")


def building_list(actor: Any, *, grid_id: int | None = None, q: str | None = None) -> QuerySet[Building]:
    qs = _named(buildings_visible_to(actor), q)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    return qs.annotate(room_count=Count("rooms", distinct=True)).order_by("grid__path", "name", "id")


def building_for(actor: Any, building_id: Any) -> Building:
    return get_or_404(buildings_visible_to(actor), pk=building_id)


def room_for(actor: Any, room_id: Any, *, write: bool = False) -> Room | None:
    number = as_id(room_id)
    if number is None:
        return None
    return (
        Room.objects.filter(registry_q(actor, "building__grid", write=write))
        .select_related("building__grid")
        .filter(pk=number)
        .first()
    )


def rooms_of(actor: Any, building: Building) -> QuerySet[Room]:
    """A building's rooms (the building was fetched through the actor's scope) with their
    current households (and heads) prefetched as ``current_households``."""
    current = (
        Household.objects.filter(registry_q(actor), moved_out_on__isnull=True)
        .select_related("head")
        .order_by("id")
    )
    return (
        Room.objects.filter(building=building)
        .prefetch_related(Prefetch("households", queryset=current, to_attr="current_households"))
        .order_by("unit", "floor", "number", "id")
    )


@dataclass
class FloorRow:
    floor: int
    rooms: list[Room] = field(default_factory=list)


@dataclass
class UnitBlock:
    unit: str
    floors: list[FloorRow] = field(default_factory=list)

    @property
    def room_count(self) -> int:
        return sum(len(f.rooms) for f in self.floors)


def building_layout(rooms: list[Room]) -> list[UnitBlock]:
    """Rooms grouped by unit, then by floor from the top down (as the building stands)."""
    units: dict[str, dict[int, list[Room]]] = {}
    for room in rooms:
        units.setdefault(room.unit, {}).setdefault(room.floor, []).append(room)

    def unit_key(name: str) -> tuple[int, int, str]:
        return (0, int(name), "") if name.isdigit() else (1, 0, name)

    return [
        UnitBlock(
            unit=name,
            floors=[FloorRow(floor=f, rooms=floors[f]) for f in sorted(floors, reverse=True)],
        )
        for name, floors in sorted(units.items(), key=lambda item: unit_key(item[0]))
    ]


# --------------------------------------------------------------------------- courtyards and natural villages


def courtyards_visible_to(actor: Any, *, write: bool = False) -> QuerySet[Courtyard]:
    return Courtyard.objects.filter(registry_q(actor, write=write)).select_related("grid")


def courtyard_list(actor: Any, *, grid_id: int | None = None, q: str | None = None) -> QuerySet[Courtyard]:
    qs = _named(courtyards_visible_to(actor), q)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    return qs.annotate(household_count=Count("households", filter=_CURRENT_HOUSEHOLDS)).order_by(
        "grid__path", "name", "id"
    )


def courtyard_for(actor: Any, courtyard_id: Any, *, write: bool = False) -> Courtyard | None:
    """A courtyard named in a request body: ``None`` when unknown or out of reach (same answer)."""
    number = as_id(courtyard_id)
    return courtyards_visible_to(actor, write=write).filter(pk=number).first() if number else None


def courtyard_or_404(actor: Any, courtyard_id: Any) -> Courtyard:
    return get_or_404(
        courtyards_visible_to(actor).annotate(
            household_count=Count("households", filter=_CURRENT_HOUSEHOLDS)
        ),
        pk=courtyard_id,
    )


def villages_visible_to(actor: Any, *, write: bool = False) -> QuerySet[NaturalVillage]:
    return NaturalVillage.objects.filter(registry_q(actor, write=write)).select_related("grid")


def village_list(actor: Any, *, grid_id: int | None = None, q: str | None = None) -> QuerySet[NaturalVillage]:
    qs = _named(villages_visible_to(actor), q)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    return qs.order_by("grid__path", "name", "id")


def village_or_404(actor: Any, village_id: Any) -> NaturalVillage:
    return get_or_404(villages_visible_to(actor), pk=village_id)


# --------------------------------------------------------------------------- places


def places_visible_to(actor: Any) -> QuerySet[Place]:
    return Place.objects.filter(registry_q(actor)).select_related("grid")


def place_list(
    actor: Any, *, grid_id: int | None = None, kind: str | None = None, q: str | None = None
) -> QuerySet[Place]:
    qs = _named(places_visible_to(actor), q)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("grid__path", "name", "id")


def place_for(actor: Any, place_id: Any) -> Place:
    return get_or_404(places_visible_to(actor), pk=place_id)


def rooms_writable_by(actor: Any) -> QuerySet[Room]:
    """Rooms in the grids ``actor`` may write (with their building)."""
    return Room.objects.filter(registry_q(actor, "building__grid", write=True)).select_related("building")


def room_count(building: Building) -> int:
    return Room.objects.filter(building=building).count()
