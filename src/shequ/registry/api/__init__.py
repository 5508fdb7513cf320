"""Registry API under /api/v1/registry/: buildings, places, households, persons, tags, history.

Every operation with an id declares its scoped model; an id outside the caller's areas
answers 404.  A grid, room, courtyard or person id in a body that is unknown or out of
reach answers the same 400 on its field.  Personal data leaves masked, with an age
instead of a birth date; sensitive tags only for callers with the stricter permission.
"""

from . import elements, households, imports, persons, places, staffing
from .common import router

__all__ = ["elements", "households", "imports", "persons", "places", "router", "staffing"]
