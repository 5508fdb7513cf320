"""Grid work writes. Import from this package."""

from .hazards import FindingInput, ResultInput, finding_rectify, finding_verify, hazard_check_create
from .patrols import PointInput, patrol_start, patrol_stop, track_length_m, track_points_add
from .visits import NeedInput, need_close, need_refer, visit_create

__all__ = [
    "FindingInput",
    "NeedInput",
    "PointInput",
    "ResultInput",
    "finding_rectify",
    "finding_verify",
    "hazard_check_create",
    "need_close",
    "need_refer",
    "patrol_start",
    "patrol_stop",
    "track_length_m",
    "track_points_add",
    "visit_create",
]
