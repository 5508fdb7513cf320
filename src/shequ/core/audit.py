"""Writing audit entries. Service functions call :func:`record` inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from .context import get_context
from .models import Area, AuditEntry
from .pii import Sealed


def _plain(value: Any) -> Any:
    """A JSON-safe value that never carries plaintext personal data."""
    if isinstance(value, Sealed):
        return {"sealed": value.masked}
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)[:100]}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value changed."""
    changed: dict[str, list[Any]] = {}
    for name in set(before) | set(after):
        old, new = _plain(before.get(name)), _plain(after.get(name))
        if old != new:
            changed[name] = [old, new]
    return changed


def area_of(obj: Any) -> Area | None:
    if obj is None:
        return None
    if isinstance(obj, Area):
        return obj
    getter = getattr(obj, "audit_area", None)
    if callable(getter):
        result = getter()
        return result if isinstance(result, Area) else None
    area = getattr(obj, "area", None)
    return area if isinstance(area, Area) else None


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    area: Area | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    object_repr: str | None = None,
) -> AuditEntry:
    entry = audit_entry(
        actor=actor,
        action=action,
        obj=obj,
        area=area,
        changes=changes,
        reason=reason,
        object_repr=object_repr,
    )
    entry.save(force_insert=True)
    return entry


def audit_entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    area: Area | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    object_repr: str | None = None,
) -> AuditEntry:
    """The entry :func:`record` saves, unsaved (for a caller that inserts it with its object)."""
    ctx = get_context()
    area = area or area_of(obj)
    post = ctx.post
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        actor=actor,
        actor_label=(getattr(actor, "display_name", "") or getattr(actor, "username", ""))
        if actor
        else "system",
        post_id_snapshot=getattr(post, "pk", None),
        post_label=str(post)[:200] if post is not None else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[:200],
        area=area,
        area_path=area.path if area is not None else "",
        changes=_plain(dict(changes or {})),
        reason=reason[:2000],
        ip=ctx.ip,
        request_id=ctx.request_id,
    )
    return entry


def record_batch(
    *, actor: Any, action: str, object_type: str, object_ids: list[Any], area: Area | None, reason: str = ""
) -> AuditEntry:
    """One entry for a bulk write, naming every row it wrote."""
    ctx = get_context()
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=getattr(actor, "username", "system") if actor else "system",
        action=action,
        object_type=object_type,
        object_id="",
        object_repr=f"{len(object_ids)} rows",
        area=area,
        area_path=area.path if area else "",
        changes={"ids": [str(i) for i in object_ids]},
        reason=reason,
        ip=ctx.ip,
        request_id=ctx.request_id,
    )
    entry.save(force_insert=True)
    return entry
