"""Scoped models of the appeals module (C3) for the access matrix.

Categories and classifier versions are platform-wide (``is_global``): every staff member
reads the catalogue, only holders of ``core.manage_rules`` change it.  Routes name a
category by its code and a version by its number.
"""

from __future__ import annotations

from typing import Any

from shequ.accounts.roles import Role
from tests.access_registry import MANAGE_RULES, RESIDENT, STAFF_ROLES, ModelAccess, _once

#: Everyone but the supervision committee (which only reads) may act on a case in some way;
#: each transition checks its own actor (dispatcher, unit, field worker) and refuses the rest.
CASE_CHANGE = frozenset(STAFF_ROLES) - {Role.SUPERVISION_MEMBER}


def category_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.appeals.catalogue import ensure_categories
    from shequ.appeals.models import Category

    ensure_categories()  # a transactional test's flush may have removed the seeded catalogue
    return Category.objects.get(code="ENV-WASTE" if side == "a" else "SOC-CULT")


def version_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.appeals.models import ClassifierVersion

    def build() -> Any:
        number = 901 if side == "a" else 902
        return ClassifierVersion.objects.create(
            version=number, examples_count=0, eval_count=0, top1=0.0, top3=0.0, model_blob=b""
        )

    return _once(mini, f"appeals_version_{side}", build)


def case_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    """Side A: the persona resident's case in grid A; side B: another resident's in grid B."""
    from shequ.appeals.models import Channel
    from shequ.appeals.services import case_submit
    from shequ.demo.factories import make_resident

    def build() -> Any:
        if side == "a":
            resident, grid = personas["resident"], mini.grid_a
        else:
            resident = make_resident("13700000044", home_area=mini.community_b, display_name="居民丙")
            grid = mini.grid_b
        return case_submit(
            actor=resident,
            channel=Channel.PORTAL,
            text="楼下路灯不亮（访问矩阵）",
            area=grid,
            address="1号楼",
        ).case

    return _once(mini, f"appeals_case_{side}", build)


def photo_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from shequ.appeals.models import CasePhoto

    def build() -> Any:
        out = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
        photo = CasePhoto(case=case_of_side(mini, personas, side, role), stage="intake")
        photo.image.save(f"matrix-{side}.jpg", ContentFile(out.getvalue()), save=True)
        return photo

    return _once(mini, f"appeals_photo_{side}", build)


MODELS: list[ModelAccess] = [
    ModelAccess(
        "appeals.CasePhoto",
        make=photo_of_side,
        read_roles=frozenset(STAFF_ROLES) | {RESIDENT},
        change_roles=frozenset(),
    ),
    ModelAccess(
        "appeals.Case",
        make=case_of_side,
        read_roles=frozenset(STAFF_ROLES) | {RESIDENT},
        change_roles=CASE_CHANGE | {RESIDENT},
    ),
    # the console's case pages: staff only (residents follow theirs on the portal)
    ModelAccess(
        "appeals.CaseAtConsole",
        make=case_of_side,
        read_roles=frozenset(STAFF_ROLES),
        change_roles=CASE_CHANGE,
    ),
    ModelAccess(
        "appeals.Category",
        make=category_of_side,
        read_roles=frozenset(STAFF_ROLES),
        change_roles=MANAGE_RULES,
        is_global=True,
        path_value=lambda category: category.code,
    ),
    ModelAccess(
        "appeals.ClassifierVersion",
        make=version_of_side,
        read_roles=frozenset(STAFF_ROLES),
        change_roles=MANAGE_RULES,
        is_global=True,
        path_value=lambda version: str(version.version),
    ),
]
