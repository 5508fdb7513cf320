"""Grid work API under /api/v1/gridwork/: visits, hazard checks, findings, needs, patrols.

Every create takes a client-generated idempotency key: the first request answers 201, a
repeat with the same key answers 200 with the first result (never a second row).  Every
operation with an id declares its scoped model; an id outside the caller's areas is a 404.
"""

from . import checks, patrols, visits
from .common import router

__all__ = ["checks", "patrols", "router", "visits"]
