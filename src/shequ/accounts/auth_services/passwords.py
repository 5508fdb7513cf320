"""The password policy in Chinese, and changing one's password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core.audit import record

from ..models import User


def _min_password_length() -> int:
    for validator in get_default_password_validators():
        if isinstance(validator, MinimumLengthValidator):
            return int(validator.min_length)
    return 0


def password_policy_help() -> list[str]:
    """The password policy in Chinese, from the configured validators."""
    rules: list[str] = []
    names = {type(v).__name__ for v in get_default_password_validators()}
    if (length := _min_password_length()) > 0:
        rules.append(_("至少 %(n)d 个字符。") % {"n": length})
    if "CharacterClassValidator" in names:
        rules.append(_("须包含大写字母、小写字母、数字、符号中的至少三类。"))
    if "UserAttributeSimilarityValidator" in names:
        rules.append(_("不能与用户名、姓名过于相似。"))
    if "CommonPasswordValidator" in names:
        rules.append(_("不能是常见密码。"))
    if "NumericPasswordValidator" in names:
        rules.append(_("不能全是数字。"))
    return rules


def password_policy_errors(password: str, user: User) -> list[str]:
    """What the password policy finds wrong with ``password``, in Chinese (empty: acceptable)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        messages: list[str] = []
        for error in exc.error_list:
            params = error.params or {}
            if error.code == "password_too_short":
                messages.append(_("密码太短，至少需要 %(n)d 个字符。") % {"n": params.get("min_length", 0)})
            elif error.code == "password_too_similar":
                messages.append(_("密码与您的用户名或姓名过于相似。"))
            elif error.code == "password_too_common":
                messages.append(_("这个密码太常见，容易被猜中。"))
            elif error.code == "password_entirely_numeric":
                messages.append(_("密码不能全是数字。"))
            else:
                messages.extend(error.messages)
        return messages
    return []


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str, new_password_again: str) -> None:
    errors: dict[str, Any] = {}
    if not actor.check_password(old_password or ""):
        errors["old_password"] = _("当前密码不正确。")
    if not new_password:
        errors["new_password1"] = _("请输入新密码。")
    else:
        problems = password_policy_errors(new_password, actor)
        if problems:
            errors["new_password1"] = problems
        if "new_password1" not in errors and new_password == old_password:
            errors["new_password1"] = _("新密码不能与当前密码相同。")
    if new_password and new_password != new_password_again:
        errors["new_password2"] = _("两次输入的新密码不一致。")
    if errors:
        raise ValidationError(errors)
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    record(actor=actor, action="auth.password_change", obj=actor)
