"""API under /api/v1/commons/: spaces, bookings, usage, mutual aid.

Every operation with an id declares its scoped model; an id outside the caller's areas
answers 404.  Bad input answers 400 with Chinese messages per field; nothing is written.
"""

from . import aid, bookings, spaces
from .common import router

__all__ = ["aid", "bookings", "router", "spaces"]
