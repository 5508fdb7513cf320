"""Writes of the appeals module (keyword-only, atomic, one audit entry each)."""

from .categories import CATEGORY_FIELDS, can_manage_categories, category_create, category_update
from .classifier import (
    classifier_activate,
    classifier_retrain,
    record_dispatch_label,
    scrub,
    training_set,
)

__all__ = [
    "CATEGORY_FIELDS",
    "can_manage_categories",
    "category_create",
    "category_update",
    "classifier_activate",
    "classifier_retrain",
    "record_dispatch_label",
    "scrub",
    "training_set",
]
