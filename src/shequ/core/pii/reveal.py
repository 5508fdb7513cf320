"""Audited reveal: the plaintext for a person with the permission and a stated reason."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .fields import EncryptedField, Sealed
from .kinds import SENSITIVE_KINDS, PIIKind

REVEAL_PERMISSION = "core.reveal_pii"
REVEAL_SENSITIVE_PERMISSION = "core.reveal_sensitive_pii"


def reveal(*, actor: Any, obj: models.Model, field: str, reason: str, area: Any = None) -> str:
    """Return the plaintext of ``obj.field`` for ``actor``, with permission and an audit entry.

    The caller must have fetched ``obj`` through a selector scoped to ``actor``.  ``area``
    files the audit entry under an area when ``obj`` has none of its own (a user's
    community), so that the area's auditors see who looked.
    """
    from shequ.core.audit import record  # local import: audit imports this module's masks

    try:
        model_field = obj._meta.get_field(field)
    except FieldDoesNotExist:
        model_field = None
    if not isinstance(model_field, EncryptedField):
        raise ValidationError({"field": _("该字段不是受保护的个人信息。")})
    if model_field.kind == PIIKind.SECRET:
        raise ValidationError({"field": _("密钥类信息不能查看。")})
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("查看完整信息须填写事由。")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("事由不能超过500字。")})
    if not actor.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied(_("您没有查看完整个人信息的权限。"))
    if model_field.kind in SENSITIVE_KINDS and not actor.has_perm(REVEAL_SENSITIVE_PERMISSION):
        raise PermissionDenied(_("您没有查看健康或特殊人群信息的权限。"))
    value = getattr(obj, field)
    plain = value.plaintext_for_processing() if isinstance(value, Sealed) else ""
    record(
        actor=actor,
        action="pii.reveal",
        obj=obj,
        area=area,
        changes={"field": field, "kind": str(model_field.kind)},
        reason=reason,
    )
    return plain


def iter_sealed(values: Iterable[Any]) -> Iterable[Sealed]:
    for value in values:
        if isinstance(value, Sealed):
            yield value
