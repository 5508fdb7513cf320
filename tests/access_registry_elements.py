"""Access-matrix entries for the registry's courtyards and natural villages (see tests/access_registry.py)."""

from __future__ import annotations

from typing import Any

from tests.access_registry import REGISTRY_CHANGE, REGISTRY_READ, ModelAccess, _grid, _once


def courtyard_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.registry.models import Courtyard

    return _once(
        mini,
        f"courtyard_{side}",
        lambda: Courtyard.objects.create(grid=_grid(mini, side), name=f"{side.upper()}院"),
    )


def village_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.registry.models import NaturalVillage

    return _once(
        mini,
        f"natural_village_{side}",
        lambda: NaturalVillage.objects.create(grid=_grid(mini, side), name=f"{side.upper()}庄"),
    )


MODELS: list[ModelAccess] = [
    ModelAccess(
        "registry.Courtyard", make=courtyard_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE
    ),
    ModelAccess(
        "registry.NaturalVillage",
        make=village_of_side,
        read_roles=REGISTRY_READ,
        change_roles=REGISTRY_CHANGE,
    ),
]
