"""The outbox's read-only notification list in the system admin."""

from .outbox import admin as _outbox_admin  # noqa: F401
