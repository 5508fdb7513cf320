"""Reads of the audit log, scoped to the acting user, and the filters the viewer and API share.

Who may read: holders of ``core.view_audit``. What they see: entries whose area lies,
*today*, within the areas they serve (a prefix test on the area's current path, like
every scope — so after a merge the new community sees its predecessors' history);
``area_path`` keeps where the area stood when the entry was written. Entries without an
area (platform-wide actions) only for system administrators.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import get_or_404, scope_of, subtree_q
from .models import Area, AreaLevel, AuditEntry
from .selectors import areas_visible_to

VIEW_AUDIT_PERMISSION = "core.view_audit"
PAGE_SIZE = 50
#: Chinese date input as people type it: 2026-11-22, 2026/11/22, 2026年11月22日, 2026.11.22.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"]
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def can_view_audit(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.has_perm(VIEW_AUDIT_PERMISSION))


def require_view_audit(user: Any) -> None:
    """Reading the audit log is a permission, not an object: without it, 403."""
    if not can_view_audit(user):
        raise PermissionDenied(_("您没有查看审计日志的权限。"))


def audit_entries_visible_to(user: Any) -> QuerySet[AuditEntry]:
    """The entries ``user`` may read (none without the permission)."""
    qs = AuditEntry.objects.all()
    if not can_view_audit(user):
        return qs.none()
    scope = scope_of(user)
    if scope.everything:
        return qs
    q = Q(pk__in=[])
    for path in scope.paths:
        if path:
            q |= subtree_q(path, "area")
    return qs.filter(q)


def audit_entry_for(user: Any, entry_id: Any) -> AuditEntry:
    """One entry the user may read; anything else is a 404."""
    return get_or_404(audit_entries_visible_to(user).select_related("area"), pk=entry_id)


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": _("请输入有效的日期，例如 2026-11-22 或 2026年11月22日。")},
        widget=forms.DateInput(attrs={"placeholder": "2026-11-22", "autocomplete": "off"}),
    )


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        depth = int(getattr(obj, "depth", 0) or 0)
        return "\u3000" * max(depth, 0) + str(obj)


class AuditFilterForm(forms.Form):
    date_from = _date_field(_("开始日期"))
    date_to = _date_field(_("结束日期"))
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(label=_("操作"), required=False, max_length=64)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    area = AreaChoiceField(
        label=_("区域"),
        required=False,
        queryset=Area.objects.none(),
        empty_label=_("全部"),
        error_messages={"invalid_choice": _("所选区域不存在或不在您的管辖范围内。")},
    )
    q = forms.CharField(label=_("对象关键词"), required=False, max_length=200)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = areas_visible_to(user, current_only=False).order_by("path")
        area_field = self.fields["area"]
        assert isinstance(area_field, AreaChoiceField)
        area_field.queryset = visible  # any area the user serves, grids included, is a valid filter
        # The menu offers the areas above grid level (a city has thousands of grids); it is
        # evaluated only when the form is rendered.
        menu = AreaChoiceField(
            queryset=visible.exclude(level=AreaLevel.GRID), required=False, empty_label=_("全部")
        )
        area_field.widget.choices = menu.choices

    def _clean_range(self, name: str) -> date | None:
        value: date | None = self.cleaned_data.get(name)
        if value is not None and not (EARLIEST_DATE <= value <= LATEST_DATE):
            raise forms.ValidationError(
                _("日期应在 %(start)s 至 %(end)s 之间。"),
                params={"start": EARLIEST_DATE.isoformat(), "end": LATEST_DATE.isoformat()},
            )
        return value

    def clean_date_from(self) -> date | None:
        return self._clean_range("date_from")

    def clean_date_to(self) -> date | None:
        return self._clean_range("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def active_filters(self) -> dict[str, Any]:
        """The filters in force, as plain values (for the export's own audit entry)."""
        if not self.is_valid():
            return {}
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            out[name] = value.pk if isinstance(value, Area) else value
        return out


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def apply_filters(qs: QuerySet[AuditEntry], data: dict[str, Any]) -> QuerySet[AuditEntry]:
    """Narrow an already scoped queryset with a valid form's ``cleaned_data``."""
    if data.get("date_from"):
        qs = qs.filter(at__gte=_start_of(data["date_from"]))
    if data.get("date_to"):
        qs = qs.filter(at__lt=_start_of(data["date_to"] + timedelta(days=1)))
    if data.get("actor"):
        qs = qs.filter(actor_label__icontains=data["actor"].strip())
    if data.get("action"):
        qs = qs.filter(action__startswith=data["action"].strip())
    if data.get("object_type"):
        qs = qs.filter(object_type__startswith=data["object_type"].strip().lower())
    area = data.get("area")
    if isinstance(area, Area):
        qs = qs.filter(subtree_q(area.path, "area"))
    text = (data.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(object_repr__icontains=text) | Q(object_id=text))
    return qs


def audit_search(user: Any, params: Any) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    """The bound filter form and, when it is valid, the filtered entries (else none)."""
    form = AuditFilterForm(params, user=user)
    qs = audit_entries_visible_to(user).select_related("area")
    if not form.is_valid():
        return form, qs.none()
    return form, apply_filters(qs, form.cleaned_data)
