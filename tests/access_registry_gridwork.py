"""Scoped models of grid work (C2) for the access matrix: visits, checks, findings, needs, patrols, photos.

Grid work is read like the registry (staff on area posts; a grid post sees its grid, community
and higher posts their subtree) and changed by the same posts minus the supervision committee.
"""

from __future__ import annotations

from typing import Any

from tests.access_registry import REGISTRY_CHANGE, REGISTRY_READ, ModelAccess, _grid, _once, household_of_side


def _worker(personas: dict[str, Any]) -> Any:
    return personas["grid_worker"]


def visit_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.gridwork.factories import make_visit

    return _once(
        mini,
        f"gridwork_visit_{side}",
        lambda: make_visit(
            _grid(mini, side),
            household_of_side(mini, personas, side, role),
            _worker(personas),
            needs=[("elderly_care", f"助餐需求{side.upper()}")],
        ),
    )


def need_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    return _once(mini, f"gridwork_need_{side}", lambda: visit_of_side(mini, personas, side, role).needs.get())


def check_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.gridwork.factories import make_check

    return _once(
        mini,
        f"gridwork_check_{side}",
        lambda: make_check(_grid(mini, side), _worker(personas), failing=("gas",)),
    )


def finding_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    return _once(
        mini, f"gridwork_finding_{side}", lambda: check_of_side(mini, personas, side, role).findings.get()
    )


def patrol_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    """A patrol that is on (its worker's only open one), in the grid of ``side``."""
    from shequ.gridwork.factories import make_patrol

    def build() -> Any:
        worker = _worker(personas) if side == "a" else _side_b_worker(mini)
        return make_patrol(_grid(mini, side), worker, minutes=None)

    return _once(mini, f"gridwork_patrol_{side}", build)


def _side_b_worker(mini: Any) -> Any:
    from shequ.accounts.roles import Role
    from shequ.demo.factories import make_staff

    return _once(
        mini, "gridwork_worker_b", lambda: make_staff("gridwork_matrix_b", Role.GRID_WORKER, area=mini.grid_b)
    )


def photo_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.gridwork.factories import data_url, png_bytes
    from shequ.gridwork.photos import clean_photo
    from shequ.gridwork.services.common import save_photos

    def build() -> Any:
        from django.utils import timezone

        visit = visit_of_side(mini, personas, side, role)
        clean = clean_photo(data_url(png_bytes()))
        return save_photos(
            [(clean, timezone.now(), None, None, "访问矩阵")],
            actor=_worker(personas),
            grid=visit.grid,
            visit=visit,
        )[0]

    return _once(mini, f"gridwork_photo_{side}", build)


MODELS: list[ModelAccess] = [
    ModelAccess("gridwork.Visit", make=visit_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE),
    ModelAccess("gridwork.Need", make=need_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE),
    ModelAccess(
        "gridwork.HazardCheck", make=check_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE
    ),
    ModelAccess(
        "gridwork.Finding", make=finding_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE
    ),
    ModelAccess(
        "gridwork.Patrol", make=patrol_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE
    ),
    ModelAccess("gridwork.Photo", make=photo_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE),
]
