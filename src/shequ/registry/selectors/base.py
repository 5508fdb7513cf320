"""Paging checks and the grids an actor reaches (for choosing where a record lies)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.models import Area, AreaLevel

from ..access import registry_q

MAX_LIMIT = 200


def check_page(limit: int, offset: int) -> None:
    errors = {}
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = _("每页条数应在1到%(n)d之间。") % {"n": MAX_LIMIT}
    if not 0 <= offset <= 10**9:
        errors["offset"] = _("偏移量无效。")
    if errors:
        raise ValidationError(errors)


def as_id(value: Any) -> int | None:
    """An integer id from a request value, ``None`` when it is not one."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 1 <= number <= 2**63 - 1 else None


def grids_for(actor: Any, *, write: bool = False) -> QuerySet[Area]:
    """Current grids the actor reaches (for choosing where a record lies)."""
    today = timezone.localdate()
    qs = Area.objects.filter(level=AreaLevel.GRID).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return qs.filter(registry_q(actor, "", write=write)).order_by("path")


def grid_for(actor: Any, grid_id: Any, *, write: bool = True) -> Area | None:
    """A grid named in a request body: ``None`` when unknown or out of reach (same answer)."""
    number = as_id(grid_id)
    return grids_for(actor, write=write).filter(pk=number).first() if number else None
