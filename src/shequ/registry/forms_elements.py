"""Console forms for the elements of a grid, membership changes, the person list and tags.

They only shape input; the services validate it and the views map their errors back.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import _DATE, _INVALID_CHOICE, _INVALID_DATE, PersonFields, _text
from .models import BuildingKind, PlaceKind, Relation

_INT = {"invalid": _("请输入整数。"), "required": _("此项为必填项。")}
MEMBER_RELATIONS = [c for c in Relation.choices if c[0] != Relation.HEAD]
END_REASONS = [("left", _("离开本户（仍在本地居住）")), ("moved_away", _("迁出本地（同时登记此人迁出）"))]


def _grid_field(*, required: bool = True, empty_label: Any = None) -> forms.ModelChoiceField[Any]:
    return forms.ModelChoiceField(
        label=_("网格"),
        queryset=None,
        required=required,
        empty_label=empty_label or "---------",
        error_messages={**_INVALID_CHOICE, "required": _("请选择网格。")},
    )


def _int(label: Any, *, required: bool = True, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, error_messages=_INT, help_text=help_text)


class GridsForm(forms.Form):
    """A form with a ``grid`` field whose choices are the grids passed in."""

    def __init__(self, *args: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- lists


class ElementFilterForm(GridsForm):
    q = _text(_("名称"), 100)
    grid = _grid_field(required=False, empty_label=_("全部网格"))


class PlaceFilterForm(ElementFilterForm):
    kind = forms.ChoiceField(
        label=_("类型"),
        required=False,
        choices=[("", _("全部")), *PlaceKind.choices],
        error_messages=_INVALID_CHOICE,
    )


class PersonFilterForm(GridsForm):
    q = _text(_("姓名、完整证件号码或电话"), 100)
    grid = _grid_field(required=False, empty_label=_("全部网格"))
    tag = forms.ChoiceField(label=_("标签"), required=False, error_messages=_INVALID_CHOICE)

    def __init__(self, *args: Any, grids: Any, tags: Any, **kwargs: Any) -> None:
        super().__init__(*args, grids=grids, **kwargs)
        self.fields["tag"].choices = [("", _("全部")), *((t.code, t.name) for t in tags)]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- elements


class ElementForm(GridsForm):
    """A courtyard or a natural village: a grid and a name."""

    grid = _grid_field()
    name = _text(_("名称"), 100, required=True)


class BuildingForm(GridsForm):
    grid = _grid_field()
    name = _text(_("楼栋名称"), 100, required=True)
    number = _text(_("楼栋号"), 20)
    address = _text(_("地址"), 200)
    units = _int(_("单元数"))
    floors = _int(_("层数"))
    kind = forms.ChoiceField(label=_("类型"), choices=BuildingKind.choices, error_messages=_INVALID_CHOICE)
    latitude = _text(_("纬度"), 20, help_text=_("WGS-84，可不填。"))
    longitude = _text(_("经度"), 20)


class PlaceForm(GridsForm):
    grid = _grid_field()
    kind = forms.ChoiceField(label=_("类型"), choices=PlaceKind.choices, error_messages=_INVALID_CHOICE)
    name = _text(_("名称"), 100, required=True)
    address = _text(_("地址"), 200)
    contact_phone = _text(_("联系电话"), 30)
    latitude = _text(_("纬度"), 20, help_text=_("WGS-84，可不填。"))
    longitude = _text(_("经度"), 20)


class RoomForm(forms.Form):
    unit = _text(_("单元"), 10, help_text=_("单单元楼栋可不填。"))
    floor = _int(_("楼层"))
    number = _text(_("室号"), 20, required=True)


class RoomsGenerateForm(forms.Form):
    units = _int(_("单元数"))
    floors = _int(_("层数"))
    per_floor = _int(_("每层户数"), help_text=_("室号按“楼层 + 两位序号”生成，如 101、102；已有的户室保留。"))


# --------------------------------------------------------------------------- membership


class MemberSearchForm(forms.Form):
    id_number = _text(_("证件号码"), 40, required=True)


class MemberExistingForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages=_INT)
    relation = forms.ChoiceField(
        label=_("与户主关系"), choices=MEMBER_RELATIONS, error_messages=_INVALID_CHOICE
    )
    valid_from = forms.DateField(
        label=_("加入日期"), required=False, widget=_DATE, error_messages=_INVALID_DATE
    )


class MemberNewForm(PersonFields):
    relation = forms.ChoiceField(
        label=_("与户主关系"), choices=MEMBER_RELATIONS, error_messages=_INVALID_CHOICE
    )
    valid_from = forms.DateField(
        label=_("加入日期"), required=False, widget=_DATE, error_messages=_INVALID_DATE
    )

    field_order = ["relation", "valid_from", "name", "id_doc_type", "id_number"]


class _MemberChoiceForm(forms.Form):
    person = forms.TypedChoiceField(
        label=_("成员"), coerce=int, error_messages={**_INVALID_CHOICE, "required": _("请选择成员。")}
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            (m.person_id, f"{m.person.name}（{m.get_relation_display()}）") for m in members
        ]


class MemberEndForm(_MemberChoiceForm):
    reason = forms.ChoiceField(label=_("原因"), choices=END_REASONS, error_messages=_INVALID_CHOICE)
    valid_to = forms.DateField(label=_("日期"), required=False, widget=_DATE, error_messages=_INVALID_DATE)


class HeadForm(_MemberChoiceForm):
    former_head_relation = forms.ChoiceField(
        label=_("原户主改为"),
        choices=MEMBER_RELATIONS,
        initial=Relation.OTHER_RELATIVE,
        error_messages=_INVALID_CHOICE,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, members=members, **kwargs)
        self.fields["person"].label = _("新户主")


class MoveOutForm(forms.Form):
    on = forms.DateField(
        label=_("迁出日期"),
        widget=_DATE,
        error_messages={**_INVALID_DATE, "required": _("请填写迁出日期。")},
    )


# --------------------------------------------------------------------------- tags


class TagForm(forms.Form):
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")], widget=forms.HiddenInput)
    tag = forms.ChoiceField(
        label=_("标签"), error_messages={**_INVALID_CHOICE, "required": _("请选择标签。")}
    )
    since = forms.DateField(label=_("起始日期"), required=False, widget=_DATE, error_messages=_INVALID_DATE)
    note = _text(_("备注"), 500)

    def __init__(self, *args: Any, tags: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "---------"), *((t.code, t.name) for t in tags)]  # type: ignore[attr-defined]
