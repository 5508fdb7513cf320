"""Users under /console/users/: a masked list, a masked detail and the audited reveal."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shequ.core.access import scoped_object

from . import selectors
from .models import User, UserKind

PAGE_SIZE = 50


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only: anonymous visitors go to the login page, residents get 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "kind", "") != UserKind.STAFF:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class UserFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("账户类型"),
        required=False,
        choices=[("", _("全部")), *UserKind.choices],
        error_messages={"invalid_choice": _("请选择有效的账户类型。")},
    )
    q = forms.CharField(
        label=_("姓名、登录名或完整号码"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("搜索词不能超过100个字符。")},
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("查看项目"),
        choices=list(selectors.REVEALABLE_FIELDS.items()),
        error_messages={
            "required": _("请选择要查看的项目。"),
            "invalid_choice": _("只能查看手机号码或证件号码。"),
        },
    )
    reason = forms.CharField(
        label=_("查看事由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        min_length=2,
        max_length=500,
        error_messages={
            "required": _("查看完整信息须填写事由。"),
            "min_length": _("查看完整信息须填写事由。"),
            "max_length": _("事由不能超过500字。"),
        },
        help_text=_("查看会记入审计日志，包括查看人、时间和事由。"),
    )


@never_cache
@staff_only
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    kind = q = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            kind = form.cleaned_data["kind"] or None
            q = form.cleaned_data["q"] or None
        else:
            status = 400
    qs = selectors.user_list(request.user, kind=kind, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "user": u,
            "phone": selectors.masked(u.phone),
            "id_number": selectors.masked(u.id_number),
            "posts": selectors.listed_posts(u),
        }
        for u in page.object_list
    ]
    query = urlencode({k: v for k, v in (("kind", kind), ("q", q)) if v})
    return render(
        request,
        "accounts/users/list.html",
        {"form": form, "rows": rows, "page_obj": page, "query": query},
        status=status,
    )


@never_cache
@staff_only
@require_http_methods(["GET", "POST"])
@scoped_object("accounts.User", "user_id")
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    user = selectors.user_for(request.user, user_id)
    form = RevealForm(request.POST if request.method == "POST" else None)
    revealed: dict[str, str] | None = None
    error: str | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            field = form.cleaned_data["field"]
            try:
                value = selectors.reveal_user_field(
                    actor=request.user, user=user, field=field, reason=form.cleaned_data["reason"]
                )
            except PermissionDenied as exc:
                error, status = str(exc), 403
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages)
                status = 400
            else:
                revealed = {"field": str(selectors.REVEALABLE_FIELDS[field]), "value": value}
                form = RevealForm()
        else:
            status = 400
    return render(
        request,
        "accounts/users/detail.html",
        _detail_context(request, user, form, revealed, error),
        status=status,
    )


def _detail_context(
    request: HttpRequest, user: User, form: RevealForm, revealed: dict[str, str] | None, error: str | None
) -> dict[str, Any]:
    people = selectors.demographics(user)
    return {
        "subject": user,
        "phone": selectors.masked(user.phone),
        "id_number": selectors.masked(user.id_number),
        "id_doc_type": user.get_id_doc_type_display() if user.id_doc_type else "",
        "age": people.age,
        "sex": people.sex_label,
        "posts": selectors.listed_posts(user),
        "can_reveal": selectors.can_reveal(request.user),
        "form": form,
        "revealed": revealed,
        "error": error,
    }
