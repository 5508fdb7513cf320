"""Writes of the commons (keyword-only, atomic, one audit entry each)."""

from .aid import (
    aid_match_confirm,
    aid_match_create,
    aid_match_decline,
    aid_match_done,
    aid_post_close,
    aid_post_create,
    aid_post_hide,
    aid_respond,
    aid_thanks_create,
)
from .bookings import (
    Submitted,
    booking_cancel,
    booking_decide,
    booking_mark_attendance,
    booking_submit,
)
from .spaces import space_create, space_set_photo, space_update

__all__ = [
    "Submitted",
    "aid_match_confirm",
    "aid_match_create",
    "aid_match_decline",
    "aid_match_done",
    "aid_post_close",
    "aid_post_create",
    "aid_post_hide",
    "aid_respond",
    "aid_thanks_create",
    "booking_cancel",
    "booking_decide",
    "booking_mark_attendance",
    "booking_submit",
    "space_create",
    "space_set_photo",
    "space_update",
]
