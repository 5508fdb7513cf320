"""Console forms of the appeals module."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import MAX_TEXT_LENGTH, EmergencyLine, UnitLevel, Urgency


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    name_en = forms.CharField(label=_("英文名称"), max_length=120, required=False)
    responsible_unit = forms.CharField(
        label=_("责任单位（通用名）"),
        max_length=60,
        help_text=_("不带地名，派单时按诉求所在区域补全，如“城市管理局”→“鼓楼区城市管理局”。"),
    )
    unit_level = forms.ChoiceField(label=_("单位层级"), choices=UnitLevel.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    response_hours = forms.IntegerField(label=_("响应时限（小时）"), min_value=1, max_value=8760)
    resolve_hours = forms.IntegerField(label=_("办结时限（小时）"), min_value=1, max_value=8760)
    emergency_line = forms.ChoiceField(label=_("紧急转接"), choices=EmergencyLine.choices, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=100000)
    reason = forms.CharField(label=_("修改原因"), max_length=500, required=False)


class ClassifyTryForm(forms.Form):
    text = forms.CharField(
        label=_("诉求内容"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("输入一段诉求，查看系统建议的分类和责任单位。"),
    )


class RetrainForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)


def put_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's field errors onto the form's fields (unknown names go to the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
