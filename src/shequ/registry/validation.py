"""Field checks shared by the registry's services (each returns the clean value or notes an error)."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import can_write
from shequ.core.models import Area, AreaLevel

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Errors = dict[str, str]


def text(errors: Errors, field: str, value: Any, *, max_length: int, required: bool = False) -> str:
    value = "" if value is None else str(value).strip()
    if _CONTROL.search(value):
        errors.setdefault(field, _("不能包含控制字符。"))
    elif required and not value:
        errors.setdefault(field, _("此项为必填项。"))
    elif len(value) > max_length:
        errors.setdefault(field, _("不能超过%(n)d个字符。") % {"n": max_length})
    return value


def choice(errors: Errors, field: str, value: Any, choices: Any) -> str:
    value = "" if value is None else str(value)
    if value not in choices.values:
        errors.setdefault(field, _("请选择有效的选项。"))
    return value


def number(errors: Errors, field: str, value: Any, *, low: int, high: int) -> int:
    try:
        result = int(value)
    except (TypeError, ValueError):
        errors.setdefault(field, _("请输入整数。"))
        return low
    if not low <= result <= high:
        errors.setdefault(field, _("应在%(low)d到%(high)d之间。") % {"low": low, "high": high})
    return result


def past_date(
    errors: Errors, field: str, value: date | None, *, not_before: date | None = None
) -> date | None:
    if value is None:
        return None
    if value > timezone.localdate():
        errors.setdefault(field, _("日期不能晚于今天。"))
    elif value.year < 1890 or (not_before is not None and value < not_before):
        errors.setdefault(field, _("日期不合理。"))
    return value


def coordinate(errors: Errors, field: str, value: Any, *, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        errors.setdefault(field, _("请输入有效的坐标。"))
        return None
    if not result.is_finite() or abs(result) > limit:
        errors.setdefault(field, _("坐标超出范围（WGS-84）。"))
        return None
    return result


def point(errors: Errors, latitude: Any, longitude: Any) -> tuple[Decimal | None, Decimal | None]:
    lat = coordinate(errors, "latitude", latitude, limit=90)
    lng = coordinate(errors, "longitude", longitude, limit=180)
    if (lat is None) != (lng is None) and "latitude" not in errors and "longitude" not in errors:
        errors["latitude" if lat is None else "longitude"] = _("经度和纬度须同时填写。")
    return lat, lng


def writable_grid(errors: Errors, actor: Any, grid: Area | None, field: str = "grid") -> Area | None:
    """A current grid the actor may write in; one message for missing, wrong level or out of reach."""
    today = timezone.localdate()
    if (
        grid is None
        or grid.level != AreaLevel.GRID
        or (grid.valid_to is not None and grid.valid_to < today)
        or not can_write(actor, grid)
    ):
        errors.setdefault(field, _("请选择您管辖范围内的网格。"))
        return None
    return grid


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(dict(errors))


def sealed_plain(obj: Any, names: Any) -> dict[str, str | None]:
    """The plaintexts of ``obj``'s sealed fields among ``names`` (to see changes their masks hide)."""
    from shequ.core.pii import Sealed

    found: dict[str, str | None] = {}
    for name in names:
        value = getattr(obj, name, None)
        if isinstance(value, Sealed):
            found[name] = value.plaintext_for_processing()
        elif value is None:
            found[name] = None
    return found


def with_sealed_changes(
    changes: dict[str, Any],
    before_plain: dict[str, str | None],
    obj: Any,
    before: dict[str, Any],
    after: dict[str, Any],
) -> dict[str, Any]:
    """``changes`` plus every sealed field whose value changed although its mask did not."""
    now = sealed_plain(obj, before_plain)
    for name, old in before_plain.items():
        if now.get(name) != old and name not in changes:
            changes[name] = [before.get(name), after.get(name)]
    return changes
