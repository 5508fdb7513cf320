"""Scoped models of the appeals module (C3) for the access matrix.

Categories and classifier versions are platform-wide (``is_global``): every staff member
reads the catalogue, only holders of ``core.manage_rules`` change it.  Routes name a
category by its code and a version by its number.
"""

from __future__ import annotations

from typing import Any

from tests.access_registry import MANAGE_RULES, STAFF_ROLES, ModelAccess, _once


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


MODELS: list[ModelAccess] = [
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
