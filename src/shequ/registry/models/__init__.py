"""The registry's tables: places (buildings, rooms, courtyards, natural villages, places) and people."""

from .people import (
    GONE_STATUSES,
    Household,
    HouseholdKind,
    Membership,
    Person,
    PersonTag,
    Relation,
    ResidenceStatus,
    Sex,
    Tag,
)
from .places import Building, BuildingKind, Courtyard, NaturalVillage, Place, PlaceKind, Room

__all__ = [
    "GONE_STATUSES",
    "Building",
    "BuildingKind",
    "Courtyard",
    "Household",
    "HouseholdKind",
    "Membership",
    "NaturalVillage",
    "Person",
    "PersonTag",
    "Place",
    "PlaceKind",
    "Relation",
    "ResidenceStatus",
    "Room",
    "Sex",
    "Tag",
]
