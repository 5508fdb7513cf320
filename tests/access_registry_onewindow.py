"""Scoped models of the one-window module for the access matrix (see tests/access_registry.py)."""

from __future__ import annotations

from typing import Any

from shequ.accounts.roles import Role
from tests.access_registry import (
    ALL_PERSONAS,
    COVER_COMMUNITY_A,
    MANAGE_RULES,
    RESIDENT,
    ModelAccess,
    _once,
    person_of_side,
)

#: Staff who act on applications: writable area posts covering community A (and the system admin).
CHANGE_APPLICATIONS = frozenset(
    {
        Role.COMMUNITY_WORKER,
        Role.COMMUNITY_HEAD,
        Role.STREET_STAFF,
        Role.DISTRICT_ADMIN,
        Role.CITY_ADMIN,
        Role.SYSTEM_ADMIN,
    }
)


def item_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.onewindow.factories import item

    return item("meal-aid" if side == "a" else "family-doctor")


def application_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    """Side A: the persona resident's application in community A; side B: another's in community B."""
    from shequ.demo.factories import make_resident
    from shequ.onewindow.factories import make_application

    def build() -> Any:
        person = person_of_side(mini, personas, side, role)
        if side == "a":
            resident = personas["resident"]
        else:
            resident = make_resident("13700000022", home_area=mini.community_b, display_name="居民乙")
        return make_application(person, resident=resident, with_file=True, number=f"M{side.upper()}0001")

    return _once(mini, f"onewindow_application_{side}", build)


def material_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    return application_of_side(mini, personas, side, role).materials.first()


def certificate_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.onewindow.factories import make_certificate

    return _once(
        mini,
        f"onewindow_certificate_{side}",
        lambda: make_certificate(person_of_side(mini, personas, side, role)),
    )


MODELS: list[ModelAccess] = [
    ModelAccess(
        "onewindow.ServiceItem",
        make=item_of_side,
        read_roles=frozenset(ALL_PERSONAS),
        change_roles=MANAGE_RULES,
        is_global=True,
    ),
    ModelAccess(
        "onewindow.Application",
        make=application_of_side,
        read_roles=COVER_COMMUNITY_A | {RESIDENT},
        change_roles=CHANGE_APPLICATIONS | {RESIDENT},
    ),
    ModelAccess(
        # the console's pages of an application: staff only (residents are sent to the portal)
        "onewindow.ApplicationAtWindow",
        make=application_of_side,
        read_roles=COVER_COMMUNITY_A,
        change_roles=CHANGE_APPLICATIONS,
    ),
    ModelAccess(
        "onewindow.ApplicationMaterial",
        make=material_of_side,
        read_roles=COVER_COMMUNITY_A,
        change_roles=frozenset(),
    ),
    ModelAccess(
        "onewindow.Certificate",
        make=certificate_of_side,
        read_roles=COVER_COMMUNITY_A,
        change_roles=frozenset(),
    ),
]
