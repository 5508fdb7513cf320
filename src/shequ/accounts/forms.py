"""Login forms: field-level Chinese messages, accessible attributes, input checks only.

The decisions (is the password right, is the account locked) live in ``auth_services``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shequ.core.pii import validate_mobile


class AccessibleForm(forms.Form):
    """Marks invalid inputs with ``aria-invalid`` and ties them to their error text."""

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_invalid()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        errors = getattr(self, "_errors", None)
        if errors is None:
            return
        for name, field in self.fields.items():
            if name in errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"id_{name}-error"


def _code_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=12,
        error_messages={"required": _("请输入6位数字验证码。"), "max_length": _("请输入6位数字验证码。")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "maxlength": "7",
                "class": "code",
            }
        ),
    )


def _clean_six_digits(value: str) -> str:
    digits = re.sub(r"[ \t]", "", value or "")
    if not re.fullmatch(r"[0-9]{6}", digits):
        raise ValidationError(_("请输入6位数字验证码。"), code="code_format")
    return digits


class StaffLoginForm(AccessibleForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        error_messages={"required": _("请输入用户名。"), "max_length": _("用户名不能超过150个字符。")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=256,
        strip=False,
        error_messages={"required": _("请输入密码。"), "max_length": _("密码不能超过256个字符。")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpCodeForm(AccessibleForm):
    code = _code_field(_("动态口令"))

    def clean_code(self) -> str:
        return _clean_six_digits(self.cleaned_data.get("code", ""))


class ResidentPhoneForm(AccessibleForm):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        error_messages={"required": _("请输入手机号码。"), "max_length": _("请输入正确的11位手机号码。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel", "autofocus": True}
        ),
    )

    def clean_phone(self) -> str:
        return validate_mobile(self.cleaned_data.get("phone", ""))


class ResidentCodeForm(ResidentPhoneForm):
    code = _code_field(_("短信验证码"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget = forms.HiddenInput()
        self.fields["code"].widget.attrs["autofocus"] = True

    def clean_code(self) -> str:
        return _clean_six_digits(self.cleaned_data.get("code", ""))


class PasswordChangeForm(AccessibleForm):
    old_password = forms.CharField(
        label=_("当前密码"),
        max_length=256,
        strip=False,
        error_messages={"required": _("请输入当前密码。")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        max_length=256,
        strip=False,
        error_messages={"required": _("请输入新密码。")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        max_length=256,
        strip=False,
        error_messages={"required": _("请再次输入新密码。")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
