"""What the registry API modules share: the router, scoped-model markers, small helpers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router

from .. import selectors
from ..schemas import (
    ChangeOut,
    HistoryOut,
)

router = Router(tags=["registry"])

BUILDING = {"x-scoped-model": "registry.Building"}
PLACE = {"x-scoped-model": "registry.Place"}
HOUSEHOLD = {"x-scoped-model": "registry.Household"}
PERSON = {"x-scoped-model": "registry.Person"}


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _grid(actor: Any, grid_id: int | None, errors: dict[str, str]) -> Any:
    grid = selectors.grid_for(actor, grid_id)
    if grid is None:
        errors["grid_id"] = _("请选择您管辖范围内的网格。")
    return grid


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


def _history(rows: list[selectors.HistoryRow]) -> list[HistoryOut]:
    return [
        HistoryOut(
            at=r.at,
            actor=r.actor,
            action=r.action,
            action_label=r.action_label,
            changes=[ChangeOut(field=f, value=v) for f, v in r.changes],
        )
        for r in rows
    ]
