"""Writes of the appeals module (keyword-only, atomic, one audit entry each)."""

from .access_codes import access_code_send, access_code_verify
from .actions import ACTIONS, case_act
from .categories import CATEGORY_FIELDS, can_manage_categories, category_create, category_update
from .classifier import (
    classifier_activate,
    classifier_retrain,
    record_dispatch_label,
    scrub,
    training_set,
)
from .classify import case_classify, ensure_classified
from .deadlines import deadline_sweep, extension_decide, extension_request, light_of, set_deadlines
from .duplicates import case_merge, duplicate_candidates
from .handling import (
    case_accept,
    case_approve_return,
    case_assign_down,
    case_close,
    case_dismiss,
    case_dispatch,
    case_escalate,
    case_handle,
    case_handover,
    case_note,
    case_on_spot,
    case_refuse_return,
    case_request_return,
    case_supervise,
    case_verify,
)
from .intake import Submitted, case_submit
from .rating import awaiting_rating, case_contact, case_rate, case_review, rating_deadline
from .workflow import CONFLICT_MESSAGE, TRANSITIONS, CaseConflict, allowed_for, may

__all__ = [
    "ACTIONS",
    "CATEGORY_FIELDS",
    "CONFLICT_MESSAGE",
    "TRANSITIONS",
    "CaseConflict",
    "Submitted",
    "access_code_send",
    "access_code_verify",
    "allowed_for",
    "awaiting_rating",
    "can_manage_categories",
    "case_accept",
    "case_act",
    "case_approve_return",
    "case_assign_down",
    "case_classify",
    "case_close",
    "case_contact",
    "case_dismiss",
    "case_dispatch",
    "case_escalate",
    "case_handle",
    "case_handover",
    "case_merge",
    "case_note",
    "case_on_spot",
    "case_rate",
    "case_refuse_return",
    "case_request_return",
    "case_review",
    "case_submit",
    "case_supervise",
    "case_verify",
    "category_create",
    "category_update",
    "classifier_activate",
    "classifier_retrain",
    "deadline_sweep",
    "duplicate_candidates",
    "ensure_classified",
    "extension_decide",
    "extension_request",
    "light_of",
    "may",
    "rating_deadline",
    "record_dispatch_label",
    "scrub",
    "set_deadlines",
    "training_set",
]
