"""The area edit form (name, urban-rural code, heavy load, rural override, boundary)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Area, HeavyLoadKind, UrbanRuralCode

RURAL_OVERRIDE_CHOICES = (
    ("", _("按自治组织类型判断")),
    ("rural", _("按农村社区管理")),
    ("urban", _("按城市社区管理")),
)


class AreaEditForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, error_messages={"required": _("请填写名称。")})
    urban_rural_code = forms.ChoiceField(
        label=_("城乡分类代码"),
        required=False,
        choices=[("", _("（未填写）")), *UrbanRuralCode.choices],
        error_messages={"invalid_choice": _("请从列表中选择城乡分类代码。")},
    )
    heavy_load = forms.ChoiceField(
        label=_("重负荷类型"),
        required=False,
        choices=HeavyLoadKind.choices,
        error_messages={"invalid_choice": _("请从列表中选择重负荷类型。")},
    )
    rural_override = forms.ChoiceField(
        label=_("城市或农村社区"),
        required=False,
        choices=RURAL_OVERRIDE_CHOICES,
        error_messages={"invalid_choice": _("请从列表中选择。")},
    )
    boundary = forms.CharField(
        label=_("边界（GeoJSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_("GeoJSON的Polygon或MultiPolygon，WGS-84经纬度；留空表示没有边界。"),
    )
    reason = forms.CharField(label=_("修改事由"), required=False, max_length=500)

    @classmethod
    def for_area(cls, area: Area, data: Any = None) -> AreaEditForm:
        override = "" if area.rural_override is None else ("rural" if area.rural_override else "urban")
        initial = {
            "name": area.name,
            "urban_rural_code": area.urban_rural_code,
            "heavy_load": area.heavy_load,
            "rural_override": override,
            "boundary": json.dumps(area.boundary, ensure_ascii=False) if area.boundary else "",
        }
        return cls(data=data, initial=initial)

    def clean_boundary(self) -> dict[str, Any] | None:
        text = (self.cleaned_data.get("boundary") or "").strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("边界不是有效的JSON。")) from exc
        return value

    def clean_rural_override(self) -> bool | None:
        return {"": None, "rural": True, "urban": False}[self.cleaned_data.get("rural_override") or ""]

    def changes(self) -> dict[str, Any]:
        """The cleaned values for ``area_update`` (only the fields the form carries)."""
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        return data
