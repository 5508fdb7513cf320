"""Console forms. They only shape input; the services validate it and the views map their errors back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shequ.core.pii import IdDocType

from .models import HouseholdKind, ResidenceStatus, Sex

_DATE = forms.DateInput(attrs={"type": "date"})
_INVALID_CHOICE = {"invalid_choice": _("请选择有效的选项。")}
_INVALID_DATE = {"invalid": _("请输入有效的日期，如 2026-11-22。")}


def _text(label: Any, max_length: int, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages={
            "required": _("此项为必填项。"),
            "max_length": _("不能超过%(limit_value)d个字符。"),
        },
    )


class HouseholdFilterForm(forms.Form):
    grid: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("网格"),
        queryset=None,
        required=False,
        empty_label=_("全部网格"),
        error_messages=_INVALID_CHOICE,
    )
    kind = forms.ChoiceField(
        label=_("户别"),
        required=False,
        choices=[("", _("全部")), *HouseholdKind.choices],
        error_messages=_INVALID_CHOICE,
    )

    def __init__(self, *args: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]


class PersonFields(forms.Form):
    name = _text(_("姓名"), 50, required=True)
    id_doc_type = forms.ChoiceField(
        label=_("证件类型"),
        choices=IdDocType.choices,
        initial=IdDocType.CITIZEN_ID,
        error_messages=_INVALID_CHOICE,
    )
    id_number = _text(_("证件号码"), 40)
    sex = forms.ChoiceField(
        label=_("性别"),
        required=False,
        choices=[("", _("由证件号码得出")), *Sex.choices],
        error_messages=_INVALID_CHOICE,
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=_DATE,
        error_messages=_INVALID_DATE,
        help_text=_("居民身份证可不填。"),
    )
    phone = _text(_("联系电话"), 30)
    residence_status = forms.ChoiceField(
        label=_("居住状态"),
        choices=[c for c in ResidenceStatus.choices if c[0] not in ("moved_out", "deceased")],
        initial=ResidenceStatus.RESIDENT,
        error_messages=_INVALID_CHOICE,
    )
    registered_address = _text(_("户籍地址"), 200)
    resident_address = _text(_("现居住地址"), 200)


class PersonEditForm(PersonFields):
    """Sealed values are never put back into the page: a blank field keeps the stored value."""

    SEALED = ("id_number", "phone", "registered_address", "resident_address")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.SEALED:
            self.fields[name].help_text = _("留空则不修改。")


class HouseholdCreateForm(PersonFields):
    """A household with its head, who is registered with it."""

    grid: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("网格"), queryset=None, error_messages={**_INVALID_CHOICE, "required": _("请选择网格。")}
    )
    kind = forms.ChoiceField(label=_("户别"), choices=HouseholdKind.choices, error_messages=_INVALID_CHOICE)
    courtyard: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("院落"),
        queryset=None,
        required=False,
        empty_label=_("不在院落"),
        error_messages=_INVALID_CHOICE,
    )
    room: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("户室"),
        queryset=None,
        required=False,
        widget=forms.HiddenInput,
        error_messages=_INVALID_CHOICE,
    )
    address = _text(_("详细地址"), 200, help_text=_("选择了户室或院落时可不填。"))
    moved_in_on = forms.DateField(
        label=_("入住日期"), required=False, widget=_DATE, error_messages=_INVALID_DATE
    )

    field_order = ["grid", "kind", "room", "courtyard", "address", "moved_in_on"]

    def __init__(
        self, *args: Any, grids: Any, courtyards: Any = None, rooms: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]
        self.fields["courtyard"].queryset = courtyards  # type: ignore[attr-defined]
        self.fields["room"].queryset = rooms  # type: ignore[attr-defined]
        self.fields["name"].label = _("户主姓名")

    HOUSEHOLD_FIELDS = ("grid", "kind", "room", "courtyard", "address", "moved_in_on")

    def household_fields(self) -> list[Any]:
        return [self[name] for name in self.HOUSEHOLD_FIELDS]

    def head_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.HOUSEHOLD_FIELDS]


def put_errors(form: forms.Form, exc: ValidationError, names: dict[str, str] | None = None) -> None:
    """A service's field errors onto the form's fields (unknown names go to the form)."""
    names = names or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        target = names.get(field, field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)
