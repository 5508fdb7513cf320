"""Records of the commons: spaces and their bookings; mutual-aid posts, matches and thanks."""

from .aid import AidCategory, AidKind, AidMatch, AidMatchStatus, AidPost, AidPostStatus, AidThanks
from .spaces import (
    ACTIVE_BOOKING_STATUSES,
    Attendance,
    BookerKind,
    Booking,
    BookingStatus,
    ResidentSpace,
    Space,
    SpaceKind,
)

__all__ = [
    "ACTIVE_BOOKING_STATUSES",
    "AidCategory",
    "AidKind",
    "AidMatch",
    "AidMatchStatus",
    "AidPost",
    "AidPostStatus",
    "AidThanks",
    "Attendance",
    "BookerKind",
    "Booking",
    "BookingStatus",
    "ResidentSpace",
    "Space",
    "SpaceKind",
]
