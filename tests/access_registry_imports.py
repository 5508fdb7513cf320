"""Access-matrix entries of the registry's import jobs (see ``tests/access_registry.py``).

A job belongs to the area of its uploader's post: a community worker's job lies on the
community, so staff whose areas cover the community read it (grid posts below it do not),
and those who may write there may confirm or cancel it.
"""

from __future__ import annotations

from typing import Any

from shequ.accounts.roles import Role
from tests.access_registry import REGISTRY_CHANGE, REGISTRY_READ, ModelAccess, _community, _once

GRID_POSTS = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})


def import_job_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.demo.factories import make_staff
    from shequ.registry.models import ImportJob, ImportKind, ImportStatus

    def build() -> ImportJob:
        uploader = make_staff(f"import_worker_{side}", Role.COMMUNITY_WORKER, area=_community(mini, side))
        return ImportJob.objects.create(
            kind=ImportKind.PEOPLE,
            status=ImportStatus.CHECKED,
            area=_community(mini, side),
            created_by=uploader,
            file_name="花名册.xlsx",
            file_format="xlsx",
            header_ok=True,
        )

    return _once(mini, f"import_job_{side}", build)


MODELS: list[ModelAccess] = [
    ModelAccess(
        "registry.ImportJob",
        make=import_job_of_side,
        read_roles=REGISTRY_READ - GRID_POSTS,
        change_roles=REGISTRY_CHANGE - GRID_POSTS,
    ),
]
