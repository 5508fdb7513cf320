"""Forms of the rules and calendar pages. They only parse input; the services validate policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .access import area_q, scope_of
from .models import Area, AreaLevel, DayKind
from .rule_catalog import CATALOG_LIST, GROUPS

#: Levels that set policy for the areas below them.
JURISDICTION_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.ZONE, AreaLevel.STREET, AreaLevel.TOWN)


def key_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    grouped: list[tuple[str, list[tuple[str, str]]]] = []
    for group in GROUPS:
        items = [(s.key, f"{s.name}（{s.unit}）") for s in CATALOG_LIST if s.group == group]
        grouped.append((str(group), items))
    return grouped


def jurisdictions_for(user: Any) -> QuerySet[Area]:
    """Current areas at jurisdiction level that the user may write rules for."""
    return (
        Area.objects.current()
        .filter(area_q(user, "", write=True), level__in=JURISDICTION_LEVELS)
        .order_by("path")
    )


class RuleVersionForm(forms.Form):
    key = forms.ChoiceField(label=_("规则"))
    area = forms.ModelChoiceField(
        label=_("适用区域"), queryset=Area.objects.none(), required=False, empty_label=_("全平台默认")
    )
    value = forms.DecimalField(
        label=_("数值"),
        max_digits=16,
        decimal_places=4,
        help_text=_("比例填小数（0.8 表示 80%）；金额以分为单位；时刻以自零时起的分钟数表示。"),
    )
    value_max = forms.DecimalField(
        label=_("上限值"), max_digits=16, decimal_places=4, required=False, help_text=_("仅区间类规则填写。")
    )
    valid_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        label=_("失效日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("含当日；留空表示长期有效。"),
    )
    source = forms.CharField(
        label=_("依据"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("文件名称、文号及条款原文。"),
    )
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )
    supersede = forms.BooleanField(
        label=_("替换现行版本"),
        required=False,
        help_text=_("现行的长期有效版本将在新版本生效日前一天终止。"),
    )
    reason = forms.CharField(label=_("修改事由"), required=False, max_length=2000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key_field = self.fields["key"]
        assert isinstance(key_field, forms.ChoiceField)
        key_field.choices = key_choices()
        area_field = self.fields["area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = jurisdictions_for(user)
        if not scope_of(user).everything:
            area_field.required = True
            area_field.empty_label = None
        area_field.error_messages["required"] = _("请选择适用区域。")
        area_field.error_messages["invalid_choice"] = _("不能为该区域设定规则。")

    def add_service_errors(self, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=DayKind.choices)
    name = forms.CharField(label=_("名称"), required=False, max_length=50)
    source = forms.CharField(
        label=_("依据"), required=False, max_length=200, help_text=_("如国务院办公厅节假日安排通知的文号。")
    )
    reason = forms.CharField(label=_("事由"), required=False, max_length=2000)

    def add_service_errors(self, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class CalendarRemoveForm(forms.Form):
    date = forms.DateField(label=_("日期"))
    reason = forms.CharField(label=_("事由"), required=False, max_length=2000)
