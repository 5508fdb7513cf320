"""Roster import and export over the API."""

from .common import router  # noqa: F401
