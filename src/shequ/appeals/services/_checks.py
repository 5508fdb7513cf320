"""Field checks for the appeals services: each returns the clean value or notes a Chinese message."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Errors = dict[str, str]
MANAGE_PERMISSION = "core.manage_rules"


def text(errors: Errors, field: str, value: Any, *, max_length: int, required: bool = False) -> str:
    value = "" if value is None else str(value).strip()
    if _CONTROL.search(value):
        errors.setdefault(field, _("不能包含控制字符。"))
    elif required and not value:
        errors.setdefault(field, _("此项为必填项。"))
    elif len(value) > max_length:
        errors.setdefault(field, _("不能超过%(n)d个字符。") % {"n": max_length})
    return value


def choice(errors: Errors, field: str, value: Any, choices: type[models.TextChoices]) -> str:
    value = "" if value is None else str(value)
    if value not in choices.values:
        errors.setdefault(field, _("请选择有效的选项。"))
    return value


def number(errors: Errors, field: str, value: Any, *, low: int, high: int) -> int:
    if isinstance(value, bool):
        value = None
    try:
        result = int(value)
    except (TypeError, ValueError):
        errors.setdefault(field, _("请输入整数。"))
        return low
    if not low <= result <= high:
        errors.setdefault(field, _("应在%(low)d到%(high)d之间。") % {"low": low, "high": high})
    return result


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def is_staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "kind", "") == "staff")


def require_manager(actor: Any) -> None:
    """Category and classifier administration: ``core.manage_rules`` (system admins hold it too)."""
    if actor is None:
        return  # the system itself (a scheduled retraining)
    if not (is_staff(actor) and actor.has_perm(MANAGE_PERMISSION)):
        raise PermissionDenied(_("您没有管理诉求分类的权限。"))
