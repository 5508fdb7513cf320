"""Field checks and notifications shared by the commons' services."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

logger = logging.getLogger("shequ.commons")

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


def number(errors: Errors, field: str, value: Any, *, low: int, high: int) -> int:
    if isinstance(value, bool):
        errors.setdefault(field, _("请输入整数。"))
        return low
    try:
        result = int(value)
    except (TypeError, ValueError, OverflowError):
        errors.setdefault(field, _("请输入整数。"))
        return low
    if not low <= result <= high:
        errors.setdefault(field, _("应在%(low)d到%(high)d之间。") % {"low": low, "high": high})
    return result


def choice(errors: Errors, field: str, value: Any, choices: Any) -> str:
    value = "" if value is None else str(value)
    if value not in choices.values:
        errors.setdefault(field, _("请选择有效的选项。"))
    return value


def idempotency(errors: Errors, value: Any) -> str:
    value = "" if value is None else str(value).strip()
    if len(value) > 64 or _CONTROL.search(value):
        errors.setdefault("idempotency_key", _("幂等键不能超过64个字符。"))
    return value


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(dict(errors))


def phone_of(user: Any) -> str:
    phone = getattr(user, "phone", None)
    if not phone:
        return ""
    return str(phone.plaintext_for_processing())


def notify(user: Any, message: str) -> None:
    """Text ``user`` once the transaction commits (a failed send is logged, never raised)."""
    phone = phone_of(user)
    if not phone:
        return

    def send() -> None:
        from shequ.integration.sms import send_sms

        try:
            send_sms(phone, message)
        except Exception:  # the booking stands; the operator sees the failure in the log
            logger.exception("commons: SMS to %s****%s failed", phone[:3], phone[-4:])

    transaction.on_commit(send)
