"""Scoped models of the commons for the access matrix (see tests/access_registry.py).

Spaces and bookings follow the kernel's scope: staff whose posts (or whose organisation's
served areas) cover community A read them; managers (writable area posts) change them.
Mutual-aid posts and matches are for staff on area posts only.  ``commons.ResidentSpace``
is the resident portal's view of a space: only the resident of community A reads it; every
member of staff is refused there (they book through the console).  Side-A bookings and
mutual-aid posts belong to another resident of community A, so the resident persona is
refused them (residents see only their own bookings, and act on posts through POST-only
portal routes).
"""

from __future__ import annotations

from typing import Any

from shequ.accounts.roles import Role
from tests.access_registry import (
    COVER_COMMUNITY_A,
    RESIDENT,
    ModelAccess,
    _community,
    _once,
    resident_of_side,
)

SPACE_MANAGERS = frozenset(
    {
        Role.COMMUNITY_WORKER,
        Role.COMMUNITY_HEAD,
        Role.STREET_STAFF,
        Role.DISTRICT_ADMIN,
        Role.CITY_ADMIN,
        Role.SYSTEM_ADMIN,
    }
)
AID_READ = COVER_COMMUNITY_A - {Role.DEPARTMENT_HANDLER, Role.PROVIDER_STAFF}


def space_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.commons.factories import make_space

    return _once(
        mini, f"commons_space_{side}", lambda: make_space(_community(mini, side), f"活动室{side.upper()}")
    )


def booking_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.commons.factories import make_booking, next_slot

    def build() -> Any:
        space = space_of_side(mini, personas, side, role)
        return make_booking(space, resident_of_side(mini, personas, side, role), next_slot(3, 10))

    return _once(mini, f"commons_booking_{side}", build)


def aid_post_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.commons.factories import make_aid_post

    return _once(
        mini,
        f"commons_aid_post_{side}",
        lambda: make_aid_post(resident_of_side(mini, personas, side, role), f"求助{side.upper()}"),
    )


def aid_match_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.commons.factories import make_aid_post
    from shequ.commons.models import AidKind, AidMatch, AidMatchStatus
    from shequ.demo.factories import make_resident

    def build() -> Any:
        request = aid_post_of_side(mini, personas, side, role)
        helper = make_resident(
            "13700000011" if side == "a" else "13700000012",
            home_area=_community(mini, side),
            display_name=f"邻居{side.upper()}",
        )
        offer = make_aid_post(helper, f"帮助{side.upper()}", kind=AidKind.OFFER)
        return AidMatch.objects.create(
            area=_community(mini, side), offer=offer, request=request, status=AidMatchStatus.PROPOSED
        )

    return _once(mini, f"commons_aid_match_{side}", build)


MODELS: list[ModelAccess] = [
    ModelAccess(
        "commons.Space", make=space_of_side, read_roles=COVER_COMMUNITY_A, change_roles=SPACE_MANAGERS
    ),
    ModelAccess(
        "commons.ResidentSpace",
        make=space_of_side,
        read_roles=frozenset({RESIDENT}),
        change_roles=frozenset({RESIDENT}),
        sees_both=frozenset(),
    ),
    ModelAccess(
        "commons.Booking", make=booking_of_side, read_roles=COVER_COMMUNITY_A, change_roles=SPACE_MANAGERS
    ),
    ModelAccess("commons.AidPost", make=aid_post_of_side, read_roles=AID_READ, change_roles=SPACE_MANAGERS),
    ModelAccess("commons.AidMatch", make=aid_match_of_side, read_roles=AID_READ, change_roles=SPACE_MANAGERS),
]
