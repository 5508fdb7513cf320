"""Forms of the import pages."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportKind, ImportMode


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入类别"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("花名册文件"),
        help_text=_("支持 xlsx、xls、WPS 表格（et）、ods，以及 UTF-8 或 GB18030 编码的 csv。"),
    )


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=ImportMode.choices,
        widget=forms.RadioSelect,
        initial=ImportMode.GOOD_ONLY,
    )
    merge = forms.BooleanField(
        label=_("已登记的人员按表格内容更新（合并）；不勾选则跳过这些人"), required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导出类别"), choices=ImportKind.choices)
    reason = forms.CharField(label=_("事由"), max_length=500, required=False)
