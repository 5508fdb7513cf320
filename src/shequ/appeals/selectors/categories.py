"""Reads of the appeals module, for the acting user.

Categories and classifier versions are platform-wide data: every staff member reads the
catalogue (dispatch needs it); residents and anonymous callers read nothing here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ..models import Category, ClassifierVersion
from ..services._checks import is_staff


def categories_visible_to(actor: Any, *, include_inactive: bool = True) -> QuerySet[Category]:
    if not is_staff(actor):
        return Category.objects.none()
    qs = Category.objects.order_by("order", "code")
    return qs if include_inactive else qs.filter(is_active=True)


def category_for(actor: Any, code: str) -> Category:
    """One category by its code, or 404 (also for callers who may not read categories)."""
    found = categories_visible_to(actor).filter(code=str(code)[:32]).first()
    if found is None:
        raise Http404
    return found


def classifier_versions(actor: Any) -> QuerySet[ClassifierVersion]:
    if not is_staff(actor):
        return ClassifierVersion.objects.none()
    return ClassifierVersion.objects.defer("model_blob").order_by("-version")
