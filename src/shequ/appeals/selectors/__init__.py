"""Reads of the appeals module, scoped to the acting user."""

from .cases import (
    QUEUE_STATES,
    case_by_number,
    case_detail,
    case_for,
    cases_visible_to,
    dispatch_queue,
    map_centre,
    my_cases,
)
from .categories import categories_visible_to, category_for, classifier_versions

__all__ = [
    "QUEUE_STATES",
    "case_by_number",
    "case_detail",
    "case_for",
    "cases_visible_to",
    "categories_visible_to",
    "category_for",
    "classifier_versions",
    "dispatch_queue",
    "map_centre",
    "my_cases",
]
