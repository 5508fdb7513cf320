"""Forms: they only shape input; the services validate it and the views map their errors back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .hours import WEEKDAY_LABELS, day_text
from .models import AidCategory, AidKind, SpaceKind

_REQUIRED = {"required": _("此项为必填项。")}
_INT = {"required": _("此项为必填项。"), "invalid": _("请输入整数。")}


class SpaceForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, error_messages=_REQUIRED)
    kind = forms.ChoiceField(label=_("类型"), choices=SpaceKind.choices)
    area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("所属区域"), queryset=None, error_messages={"invalid_choice": _("请选择有效的选项。")}
    )
    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("提供单位"), queryset=None, required=False, empty_label=_("社区自有（无）")
    )
    location = forms.CharField(label=_("位置"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("容纳人数"), min_value=1, max_value=10000, error_messages=_INT)
    equipment = forms.CharField(label=_("设施设备"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    slot_minutes = forms.IntegerField(label=_("每个时段（分钟）"), min_value=15, max_value=480, initial=60)
    booking_window_days = forms.IntegerField(
        label=_("可提前预约天数"), min_value=1, max_value=180, initial=14
    )
    max_per_week = forms.IntegerField(label=_("每人每周最多预约次数"), min_value=1, max_value=50, initial=3)
    open_on_holidays = forms.BooleanField(label=_("法定节假日开放"), required=False)
    requires_approval = forms.BooleanField(label=_("预约需审核"), required=False)
    allow_residents = forms.BooleanField(label=_("居民可预约"), required=False, initial=True)
    allow_organisations = forms.BooleanField(label=_("社会组织可预约"), required=False, initial=True)
    allow_staff = forms.BooleanField(label=_("工作人员可预约"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("开放预约"), required=False, initial=True)
    photo = forms.ImageField(
        label=_("照片"),
        required=False,
        error_messages={"invalid_image": _("请上传有效的图片（JPG或PNG）。")},
    )

    def __init__(self, *args: Any, areas: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        for i, label in enumerate(WEEKDAY_LABELS):
            self.fields[f"hours_{i}"] = forms.CharField(
                label=label,
                required=False,
                max_length=100,
                help_text=_("如 08:30-12:00, 14:00-21:00；不开放留空"),
            )

    @staticmethod
    def initial_hours(hours: list[Any]) -> dict[str, str]:
        return {f"hours_{i}": day_text(day) for i, day in enumerate(hours or [[]] * 7)}

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > 5 * 1024 * 1024:
            raise ValidationError(_("图片不能超过5MB。"))
        return photo

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["opening_hours"] = [data.pop(f"hours_{i}") for i in range(7)]
        data.pop("photo", None)
        return data


class AidPostForm(forms.Form):
    kind = forms.ChoiceField(label=_("我要"), choices=AidKind.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("互助类型"), choices=AidCategory.choices)
    title = forms.CharField(label=_("标题"), max_length=60, error_messages=_REQUIRED)
    body = forms.CharField(
        label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def put_errors(form: forms.Form, exc: ValidationError) -> None:
    for name, texts in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, texts)
