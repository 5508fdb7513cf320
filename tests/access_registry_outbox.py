"""Scoped models of the notification outbox for the access matrix (see tests/access_registry.py).

An in-app message belongs to its recipient alone: the side-A message is the resident
persona's own (200), the side-B one is another resident's (404), and every member of staff
is refused both, whatever their area (a message is not an area's object).
"""

from __future__ import annotations

from typing import Any

from tests.access_registry import RESIDENT, ModelAccess, _once, resident_of_side


def notification_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.integration.outbox import enqueue

    def build() -> Any:
        recipient = personas[RESIDENT] if side == "a" else resident_of_side(mini, personas, side, role)
        return enqueue(
            channel="in_app",
            recipient=recipient,
            text=f"您的诉求已受理（{side}）。",
            dedup_key=f"matrix:{side}",
        )

    return _once(mini, f"outbox_notification_{side}", build)


MODELS: list[ModelAccess] = [
    ModelAccess(
        "integration.Notification",
        make=notification_of_side,
        read_roles=frozenset({RESIDENT}),
        change_roles=frozenset({RESIDENT}),
        sees_both=frozenset(),
    ),
]
