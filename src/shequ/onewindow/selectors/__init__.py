"""Reads of the one-window module, scoped to the acting user."""

from .applications import (
    Clock,
    application_for,
    application_list,
    applications_visible_to,
    detail,
    follow_ups_open,
    todo_rows,
    track,
)
from .catalogue import (
    Prefill,
    catalogue_search,
    item_for,
    items_in_force,
    prefill_for,
    prefill_for_resident,
    version_detail,
)
from .reports import (
    ItemRow,
    certificate_for,
    certificates_visible_to,
    item_report,
    refusal_counts,
    refusals_visible_to,
)

__all__ = [
    "Clock",
    "ItemRow",
    "Prefill",
    "application_for",
    "application_list",
    "applications_visible_to",
    "catalogue_search",
    "certificate_for",
    "certificates_visible_to",
    "detail",
    "follow_ups_open",
    "item_for",
    "item_report",
    "items_in_force",
    "prefill_for",
    "prefill_for_resident",
    "refusal_counts",
    "refusals_visible_to",
    "todo_rows",
    "track",
    "version_detail",
]
