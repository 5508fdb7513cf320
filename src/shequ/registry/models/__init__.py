"""The registry's tables: places (buildings, rooms, courtyards, natural villages, places) and people."""

from .imports import FINISHED_STATUSES, ImportJob, ImportKind, ImportMode, ImportStatus
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
    "FINISHED_STATUSES",
    "GONE_STATUSES",
    "Building",
    "BuildingKind",
    "Courtyard",
    "Household",
    "HouseholdKind",
    "ImportJob",
    "ImportKind",
    "ImportMode",
    "ImportStatus",
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
