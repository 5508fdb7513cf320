"""Editing the category catalogue (admins): create, change, switch off."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core.audit import diff, record, snapshot

from ..classifier import runtime
from ..models import Category, EmergencyLine, UnitLevel, Urgency
from . import _checks as c

#: The fields an admin may change.
CATEGORY_FIELDS: tuple[str, ...] = (
    "name",
    "name_en",
    "responsible_unit",
    "unit_level",
    "urgency",
    "response_hours",
    "resolve_hours",
    "emergency_line",
    "is_active",
    "order",
)
CODE_PATTERN = re.compile(r"^[A-Z]{2,6}-[A-Z0-9]{2,16}$")
MAX_HOURS = 24 * 365


def can_manage_categories(actor: Any) -> bool:
    return c.is_staff(actor) and bool(actor.has_perm(c.MANAGE_PERMISSION))


def _clean(errors: c.Errors, values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for field, value in values.items():
        if field == "name":
            clean[field] = c.text(errors, field, value, max_length=60, required=True)
        elif field == "name_en":
            clean[field] = c.text(errors, field, value, max_length=120)
        elif field == "responsible_unit":
            clean[field] = c.text(errors, field, value, max_length=60, required=True)
        elif field == "unit_level":
            clean[field] = c.choice(errors, field, value, UnitLevel)
        elif field == "urgency":
            clean[field] = c.choice(errors, field, value, Urgency)
        elif field == "emergency_line":
            clean[field] = c.choice(errors, field, value or "", EmergencyLine)
        elif field in ("response_hours", "resolve_hours"):
            clean[field] = c.number(errors, field, value, low=1, high=MAX_HOURS)
        elif field == "order":
            clean[field] = c.number(errors, field, value, low=0, high=100_000)
        elif field == "is_active":
            if not isinstance(value, bool):
                errors.setdefault(field, _("请选择是或否。"))
            clean[field] = bool(value)
        else:
            errors.setdefault(field, _("不能修改此项。"))
    return clean


def _check_hours(errors: c.Errors, response: int, resolve: int) -> None:
    if "response_hours" not in errors and "resolve_hours" not in errors and resolve < response:
        errors["resolve_hours"] = _("办结时限不能短于响应时限。")


@transaction.atomic
def category_update(*, actor: Any, category: Category, reason: str = "", **changes: Any) -> Category:
    """Change some fields of a category; nothing is written unless every value is valid."""
    c.require_manager(actor)
    errors: c.Errors = {}
    clean = _clean(errors, changes)
    reason = c.text(errors, "reason", reason, max_length=500)
    locked = Category.objects.select_for_update().get(pk=category.pk)
    _check_hours(
        errors,
        clean.get("response_hours", locked.response_hours),
        clean.get("resolve_hours", locked.resolve_hours),
    )
    c.raise_if(errors)
    before = snapshot(locked, CATEGORY_FIELDS)
    for field, value in clean.items():
        setattr(locked, field, value)
    changed = diff(before, snapshot(locked, CATEGORY_FIELDS))
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        record(actor=actor, action="appeals.category.update", obj=locked, changes=changed, reason=reason)
        transaction.on_commit(runtime.invalidate)
        runtime.invalidate()
    return locked


@transaction.atomic
def category_create(*, actor: Any, code: str, reason: str = "", **values: Any) -> Category:
    """A new category (the classifier suggests it once dispatches have taught it)."""
    c.require_manager(actor)
    errors: c.Errors = {}
    code = c.text(errors, "code", code, max_length=32, required=True).upper()
    if "code" not in errors and not CODE_PATTERN.match(code):
        errors["code"] = _("代码格式应为大写字母加连字符，如 ENV-WASTE。")
    elif "code" not in errors and Category.objects.filter(code=code).exists():
        errors["code"] = _("该分类代码已存在。")
    for required in ("name", "responsible_unit", "unit_level", "response_hours", "resolve_hours"):
        values.setdefault(required, None)
    values.setdefault("urgency", Urgency.NORMAL)
    clean = _clean(errors, values)
    reason = c.text(errors, "reason", reason, max_length=500)
    _check_hours(errors, clean["response_hours"], clean["resolve_hours"])
    c.raise_if(errors)
    category = Category(code=code, **clean)
    category.save()
    record(
        actor=actor,
        action="appeals.category.create",
        obj=category,
        changes=snapshot(category, ("code", *CATEGORY_FIELDS)),
        reason=reason,
    )
    transaction.on_commit(runtime.invalidate)
    runtime.invalidate()
    return category
