"""Writes of the one-window module: keyword-only, atomic, one audit entry each."""

from .applications import application_resubmit, application_submit, require_version, version_in_force
from .authorisations import authorisation_record
from .catalogue import item_version_publish, item_withdraw
from .certificates import certificate_request, find_kind
from .common import community_of, person_for_resident
from .ratings import application_rate, follow_up_answer, follow_up_close
from .workflow import (
    application_accept,
    application_decide,
    application_deliver,
    application_forward,
    application_handover,
    application_return,
    commitment_check,
)

__all__ = [
    "application_accept",
    "application_decide",
    "application_deliver",
    "application_forward",
    "application_handover",
    "application_rate",
    "application_resubmit",
    "application_return",
    "application_submit",
    "authorisation_record",
    "certificate_request",
    "commitment_check",
    "community_of",
    "find_kind",
    "follow_up_answer",
    "follow_up_close",
    "item_version_publish",
    "item_withdraw",
    "person_for_resident",
    "require_version",
    "version_in_force",
]
