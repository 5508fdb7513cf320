from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shequ.accounts.services import profile_update
from shequ.core.pii import IdDocType

from . import services

#: The cookie that remembers elder mode on this device (also for visitors who are not signed in).
ELDER_COOKIE = "elder"
ELDER_COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers keep a cookie
RESIDENT_LOGIN_PATH = "/accounts/resident/login/"


def resident_login_url() -> str:
    for name in ("accounts:resident_login", "accounts:resident-login"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return RESIDENT_LOGIN_PATH


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _entry_links(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "resident_login_url": resident_login_url(),
        "staff_login_url": _reverse_or_none("accounts:login"),
        "logout_url": _reverse_or_none("accounts:logout"),
        "is_staff_user": user.is_authenticated and getattr(user, "kind", "") == "staff",
        "is_resident": user.is_authenticated and getattr(user, "kind", "") == "resident",
    }


def home(request: HttpRequest) -> HttpResponse:
    context = _entry_links(request)
    return render(request, "portal/home.html", context)


class ProfileForm(forms.Form):
    """完善身份信息: one's own name and identity document (the number is never shown back)."""

    display_name = forms.CharField(
        label=gettext_lazy("姓名"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_doc_type = forms.ChoiceField(
        label=gettext_lazy("证件类型"),
        choices=IdDocType.choices,
        error_messages={
            "required": gettext_lazy("请选择证件类型。"),
            "invalid_choice": gettext_lazy("未知的证件类型。"),
        },
    )
    id_number = forms.CharField(
        label=gettext_lazy("证件号码"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        help_text=gettext_lazy("已登记的号码不会完整显示；不修改证件时请留空。"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "profile_%s")
        kwargs.setdefault(
            "initial",
            {"display_name": user.display_name, "id_doc_type": user.id_doc_type or IdDocType.CITIZEN_ID},
        )
        super().__init__(*args, **kwargs)


def _identity(user: Any) -> dict[str, Any]:
    return {
        "id_doc_label": user.get_id_doc_type_display() if user.id_number and user.id_doc_type else "",
        "id_masked": str(user.id_number) if user.id_number else "",
    }


@never_cache
def me(request: HttpRequest) -> HttpResponse:
    """“我的”: account details for a signed-in user, and the elder-mode switch for everyone."""
    context = _entry_links(request)
    if request.user.is_authenticated:
        context |= _identity(request.user)
        context["profile_form"] = ProfileForm(user=request.user)
    return render(request, "portal/me.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """完善身份信息: the form on “我的”, on a page of its own when it has something to say."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect(f"{resident_login_url()}?next={quote(request.path)}")
    form = ProfileForm(request.POST if request.method == "POST" else None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            doc_type, number = data["id_doc_type"], (data["id_number"] or "").strip()
            touch_id = bool(number) or doc_type == IdDocType.NONE_NEWBORN
            try:
                profile_update(
                    actor=user,
                    display_name=data["display_name"],
                    id_doc_type=doc_type if touch_id else None,
                    id_number=number if touch_id else None,
                )
            except ValidationError as exc:
                for name, texts in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, texts)
            else:
                messages.success(request, _("身份信息已保存。"))
                return redirect("portal:me")
    context = _entry_links(request) | _identity(user) | {"profile_form": form}
    return render(request, "portal/profile.html", context, status=status)


@require_POST
def elder_toggle(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("enabled", "")
    if raw not in ("0", "1"):
        response = render(
            request,
            "portal/elder_error.html",
            {"error": _("请选择开启或关闭长辈模式。")},
            status=400,
        )
        return response
    enabled = raw == "1"
    user: Any = request.user
    if user.is_authenticated:
        try:
            services.elder_mode_set(actor=user, enabled=enabled)
        except ValidationError as exc:  # pragma: no cover - only for an actor that cannot sign in
            return render(request, "portal/elder_error.html", {"error": exc.messages[0]}, status=400)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = redirect(target)
    response.set_cookie(
        ELDER_COOKIE,
        "1" if enabled else "0",
        max_age=ELDER_COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure(),
    )
    return response
