"""Grid work records: patrols and their tracks, photos, household visits and needs, hazard checks."""

from .field import Patrol, Photo, TrackPoint
from .hazards import (
    ChecklistItem,
    ChecklistTemplate,
    CheckResult,
    Finding,
    FindingStatus,
    HazardCheck,
    ItemResult,
    Severity,
)
from .visits import Need, NeedKind, NeedStatus, Visit

__all__ = [
    "CheckResult",
    "ChecklistItem",
    "ChecklistTemplate",
    "Finding",
    "FindingStatus",
    "HazardCheck",
    "ItemResult",
    "Need",
    "NeedKind",
    "NeedStatus",
    "Patrol",
    "Photo",
    "Severity",
    "TrackPoint",
    "Visit",
]
