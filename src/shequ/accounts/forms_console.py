"""Forms for managing staff accounts and posts on the console.

The forms only carry the input; the service functions validate it, and their field errors
are put back on these forms.  An area or organisation is offered from the actor's own areas
and, whatever is posted, looked up again among them: an id from elsewhere answers exactly
like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, Organisation
from shequ.core.pii import IdDocType
from shequ.core.selectors import area_choices

from . import selectors
from .roles import ROLE_AREA_LEVELS, Role
from .services import area_out_of_reach, organisation_out_of_reach

#: Every area level a post may sit on.
POST_LEVELS: tuple[str, ...] = tuple(sorted({lvl for levels in ROLE_AREA_LEVELS.values() for lvl in levels}))

DATE_ERRORS = {"invalid": _("请输入正确的日期，如 2026-11-22。")}


def _text(label: Any, *, required: bool = True, widget: Any = None, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        widget=widget,
        help_text=help_text,
        error_messages={"required": _("请填写此项。")},
    )


class PlaceForm(forms.Form):
    """A role with its area or organisation (the fields every post needs)."""

    role = forms.ChoiceField(
        label=_("岗位"),
        choices=[("", _("请选择岗位")), *Role.choices],
        error_messages={"required": _("请选择岗位。"), "invalid_choice": _("未知岗位。")},
    )
    area = forms.CharField(label=_("区域"), required=False, widget=forms.Select)
    organisation = forms.CharField(label=_("单位"), required=False, widget=forms.Select)
    title = _text(_("职务"), required=False)
    full_time = forms.BooleanField(label=_("专职"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        areas = area_choices(actor, levels=POST_LEVELS)
        area_widget: Any = self.fields["area"].widget
        area_widget.choices = [
            ("", _("（单位岗位不选区域）")),
            *((str(a.pk), "\u3000" * max(a.depth - 1, 0) + a.name) for a in areas),
        ]
        org_widget: Any = self.fields["organisation"].widget
        org_widget.choices = [
            ("", _("（区域岗位不选单位）")),
            *((str(o.pk), o.name) for o in selectors.organisation_choices(actor)),
        ]

    def clean_area(self) -> Area | None:
        value = (self.cleaned_data.get("area") or "").strip()
        if not value:
            return None
        area = selectors.post_area_for(self.actor, value)
        if area is None:
            raise forms.ValidationError(area_out_of_reach(value))
        return area

    def clean_organisation(self) -> Organisation | None:
        value = (self.cleaned_data.get("organisation") or "").strip()
        if not value:
            return None
        organisation = selectors.organisation_for(self.actor, value)
        if organisation is None:
            raise forms.ValidationError(organisation_out_of_reach(value))
        return organisation


class StaffCreateForm(PlaceForm):
    username = _text(_("登录名"), help_text=_("字母、数字和 @ . + - _，不超过150个字符。"))
    display_name = _text(_("姓名"))
    password = _text(_("初始密码"), widget=forms.PasswordInput(render_value=False))
    phone = _text(_("手机号码"), required=False)
    id_doc_type = forms.ChoiceField(
        label=_("证件类型"),
        choices=IdDocType.choices,
        initial=IdDocType.CITIZEN_ID,
        error_messages={"required": _("请选择证件类型。"), "invalid_choice": _("未知的证件类型。")},
    )
    id_number = _text(_("证件号码"), required=False)

    field_order = (
        "username",
        "display_name",
        "password",
        "phone",
        "id_doc_type",
        "id_number",
        "role",
        "area",
        "organisation",
        "title",
        "full_time",
    )


class PostAddForm(PlaceForm):
    valid_from = forms.DateField(
        label=_("任职日期"),
        required=False,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PostEndForm(forms.Form):
    valid_to = forms.DateField(
        label=_("离任日期"),
        required=False,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = _text(_("事由"), widget=forms.TextInput)


class ReasonForm(forms.Form):
    reason = _text(_("事由"), widget=forms.TextInput)


def put_errors(
    form: forms.Form, messages: dict[str, list[str]], *, rename: dict[str, str] | None = None
) -> None:
    """A service's field errors onto ``form`` (unknown fields become form-wide errors)."""
    for name, texts in messages.items():
        name = (rename or {}).get(name, name)
        form.add_error(name if name in form.fields else None, texts)
