"""Reads of the kernel, always scoped to the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .access import get_or_404, scope
from .models import Area


def areas_visible_to(user: Any, *, current_only: bool = True) -> QuerySet[Area]:
    qs = scope(Area.objects.all(), user, field="")
    if current_only:
        qs = qs.current()
    return qs.select_related("parent", "stat_parent")


def area_for(user: Any, area_id: Any) -> Area:
    return get_or_404(areas_visible_to(user, current_only=False), pk=area_id)
