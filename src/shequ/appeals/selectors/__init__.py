"""Reads of the appeals module, scoped to the acting user."""

from .cases import (
    QUEUE_STATES,
    case_by_grant,
    case_by_number,
    case_detail,
    case_for,
    case_photos_visible_to,
    cases_visible_to,
    dispatch_organisations,
    dispatch_queue,
    intake_area_for,
    map_centre,
    my_cases,
    queue_filter_areas,
)
from .categories import categories_visible_to, category_for, classifier_versions

__all__ = [
    "QUEUE_STATES",
    "case_by_grant",
    "case_by_number",
    "case_detail",
    "case_for",
    "case_photos_visible_to",
    "cases_visible_to",
    "categories_visible_to",
    "category_for",
    "classifier_versions",
    "dispatch_organisations",
    "dispatch_queue",
    "intake_area_for",
    "map_centre",
    "my_cases",
    "queue_filter_areas",
]
