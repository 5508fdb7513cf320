"""Users under /console/users/: a masked list, a masked detail, the audited reveal, and staff management."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shequ.core.access import scoped_object

from . import selectors, services
from .forms_console import PostAddForm, PostEndForm, ReasonForm, StaffCreateForm, put_errors
from .models import Post, User, UserKind

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
        {
            "form": form,
            "rows": rows,
            "page_obj": page,
            "query": query,
            "can_manage_staff": selectors.can_manage_staff(request.user),
        },
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
    request: HttpRequest,
    user: User,
    form: RevealForm,
    revealed: dict[str, str] | None,
    error: str | None,
    **forms_in_play: Any,
) -> dict[str, Any]:
    people = selectors.demographics(user)
    return {
        **_staff_panel(request, user, **forms_in_play),
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


# --------------------------------------------------------------------------- staff management


def _staff_panel(
    request: HttpRequest,
    user: User,
    *,
    post_form: PostAddForm | None = None,
    end_form: PostEndForm | None = None,
    end_post_id: int | None = None,
    active_form: ReasonForm | None = None,
) -> dict[str, Any]:
    """The posts panel of a staff member's page: add, end, deactivate, reactivate."""
    actor: Any = request.user
    if user.kind != UserKind.STAFF or not selectors.can_manage_staff(actor):
        return {"manage": False}
    posts = selectors.listed_posts(user)
    return {
        "manage": True,
        "post_form": post_form or PostAddForm(actor=actor, auto_id="post_%s"),
        "post_rows": [
            {"post": p, "form": end_form if end_form is not None and p.pk == end_post_id else _end_form(p.pk)}
            for p in posts
        ],
        "ended_posts": selectors.ended_posts(user),
        "active_form": active_form or ReasonForm(auto_id="active_%s"),
        "is_self": user.pk == actor.pk,
    }


def _end_form(post_id: int, data: Any = None) -> PostEndForm:
    return PostEndForm(data, auto_id=f"end{post_id}_%s")


def _detail_again(request: HttpRequest, user: User, status: int = 400, **forms_in_play: Any) -> HttpResponse:
    return render(
        request,
        "accounts/users/detail.html",
        _detail_context(request, user, RevealForm(), None, None, **forms_in_play),
        status=status,
    )


@never_cache
@staff_only
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    """新增工作人员: the account and its first post."""
    actor: Any = request.user
    services.require_manage_staff(actor)
    form = StaffCreateForm(request.POST if request.method == "POST" else None, actor=actor)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.staff_account_create(
                    actor=actor,
                    username=data["username"],
                    display_name=data["display_name"],
                    password=data["password"],
                    phone=data["phone"] or None,
                    id_doc_type=data["id_doc_type"],
                    id_number=data["id_number"] or None,
                    role=data["role"],
                    area=data["area"],
                    organisation=data["organisation"],
                    title=data["title"],
                    full_time=data["full_time"],
                )
            except ValidationError as exc:
                put_errors(form, exc.message_dict)
            else:
                messages.success(request, _("已新增工作人员“%(name)s”。") % {"name": user.display_name})
                return redirect("users:detail", user_id=user.pk)
    return render(request, "accounts/users/staff_form.html", {"form": form}, status=status)


@never_cache
@staff_only
@require_POST
@scoped_object("accounts.User", "user_id")
def post_add(request: HttpRequest, user_id: int) -> HttpResponse:
    actor: Any = request.user
    user = selectors.staff_for(actor, user_id)
    services.require_manage_staff(actor)
    form = PostAddForm(request.POST, actor=actor, auto_id="post_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.post_add(
                actor=actor,
                user=user,
                role=data["role"],
                area=data["area"],
                organisation=data["organisation"],
                title=data["title"],
                full_time=data["full_time"],
                valid_from=data["valid_from"],
            )
        except ValidationError as exc:
            put_errors(form, exc.message_dict)
        else:
            messages.success(request, _("已新增岗位。"))
            return redirect("users:detail", user_id=user.pk)
    return _detail_again(request, selectors.staff_for(actor, user_id), post_form=form)


@never_cache
@staff_only
@require_POST
@scoped_object("accounts.Post", "post_id")
def post_end(request: HttpRequest, user_id: int, post_id: int) -> HttpResponse:
    actor: Any = request.user
    user = selectors.staff_for(actor, user_id)
    post: Post = selectors.post_for(actor, user, post_id)
    form = _end_form(post.pk, request.POST)
    if form.is_valid():
        try:
            services.post_end(
                actor=actor,
                post=post,
                valid_to=form.cleaned_data["valid_to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            put_errors(form, exc.message_dict)
        else:
            messages.success(request, _("已结束岗位“%(post)s”。") % {"post": post})
            return redirect("users:detail", user_id=user.pk)
    return _detail_again(request, user, end_form=form, end_post_id=post.pk)


def _set_active(request: HttpRequest, user_id: int, *, active: bool) -> HttpResponse:
    actor: Any = request.user
    user = selectors.staff_for(actor, user_id)
    form = ReasonForm(request.POST, auto_id="active_%s")
    if form.is_valid():
        change = services.staff_reactivate if active else services.staff_deactivate
        try:
            change(actor=actor, user=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            put_errors(form, exc.message_dict)
        else:
            messages.success(request, _("账户已重新启用。") if active else _("账户已停用。"))
            return redirect("users:detail", user_id=user.pk)
    return _detail_again(request, selectors.staff_for(actor, user_id), active_form=form)


@never_cache
@staff_only
@require_POST
@scoped_object("accounts.User", "user_id")
def staff_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    return _set_active(request, user_id, active=False)


@never_cache
@staff_only
@require_POST
@scoped_object("accounts.User", "user_id")
def staff_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    return _set_active(request, user_id, active=True)
