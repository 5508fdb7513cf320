"""Rooms, courtyards, natural villages and household membership over the API."""

from .common import router  # noqa: F401
