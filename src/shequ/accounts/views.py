"""Login pages: staff password (+ TOTP), TOTP enrolment, residents by SMS code, logout, password.

Thin views: the decisions live in :mod:`shequ.accounts.auth_services`. Between the password
and the TOTP step the account waits in the session as a *pending* login (not logged in).
"""

from __future__ import annotations

import time
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from shequ.core.audit import record
from shequ.core.middleware import client_ip
from shequ.core.pii import mask_phone

from . import auth_services as auth
from . import selectors
from .forms import PasswordChangeForm, ResidentCodeForm, ResidentPhoneForm, StaffLoginForm, TotpCodeForm
from .middleware import EXPIRED_KEY, LAST_SEEN_KEY
from .models import User, UserKind

PENDING_KEY = "shequ_pending_login"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
#: How long a pending login waits for its TOTP code, or for enrolment (seconds).
PENDING_TOTP_SECONDS = 5 * 60
PENDING_ENROL_SECONDS = 15 * 60

STAGE_TOTP = "totp"
STAGE_ENROL = "enrol"


# --------------------------------------------------------------------------- helpers


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _posted(request: HttpRequest) -> Any:
    """The POST data to bind a form to (an empty POST still binds, so it gets its errors)."""
    return request.POST if request.method == "POST" else None


def _next_from(request: HttpRequest) -> str:
    return _safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _finish_login(
    request: HttpRequest, user: User, *, method: str, next_url: str, default: str
) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=MODEL_BACKEND)  # rotates the session key and the CSRF token
    request.session[LAST_SEEN_KEY] = int(time.time())
    auth.record_login(user=user, method=method)
    return HttpResponseRedirect(next_url or resolve_url(default))


def _pending(request: HttpRequest, stage: str) -> tuple[User | None, dict[str, Any]]:
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or data.get("stage") != stage:
        return None, {}
    ttl = PENDING_TOTP_SECONDS if stage == STAGE_TOTP else PENDING_ENROL_SECONDS
    if time.time() - float(data.get("at", 0)) > ttl:
        request.session.pop(PENDING_KEY, None)
        messages.warning(request, _("登录已超时，请重新输入用户名和密码。"))
        return None, {}
    user = selectors.pending_login_user(data.get("uid"))
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return None, {}
    return user, data


def _set_pending(request: HttpRequest, user: User, stage: str, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "uid": user.pk,
        "stage": stage,
        "at": time.time(),
        "tries": 0,
        "next": next_url,
    }


def _wrong_totp(
    request: HttpRequest, user: User, data: dict[str, Any], form: TotpCodeForm
) -> HttpResponse | None:
    """Count a wrong code. Returns a redirect when the pending login has ended."""
    lock = auth.totp_code_failed(user=user, ip=client_ip(request))
    data["tries"] = int(data.get("tries", 0)) + 1
    if lock is not None:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, auth.lock_message(lock))
        return redirect("accounts:login")
    if data["tries"] >= auth.TOTP_MAX_ATTEMPTS:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("动态口令错误次数过多，请重新登录。"))
        return redirect("accounts:login")
    request.session[PENDING_KEY] = data
    left = auth.TOTP_MAX_ATTEMPTS - data["tries"]
    form.add_error("code", _("动态口令不正确或已使用过，还可尝试 %(n)d 次。") % {"n": left})
    return None


# --------------------------------------------------------------------------- staff


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    next_url = _next_from(request)
    user_now = request.user
    if user_now.is_authenticated and cast(User, user_now).kind == UserKind.STAFF and request.method == "GET":
        return HttpResponseRedirect(next_url or resolve_url("console:home"))
    if request.session.pop(EXPIRED_KEY, False):
        messages.warning(request, _("由于长时间未操作，您已自动退出，请重新登录。"))
    status = 200
    form = StaffLoginForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = auth.staff_check_password(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except auth.AuthRefused as refusal:
            form.add_error(None, refusal.message)
            status = refusal.status
        else:
            if user.needs_totp(settings.SHEQU_TOTP_POLICY):
                if auth.totp_has_confirmed_secret(user):
                    _set_pending(request, user, STAGE_TOTP, next_url)
                    return redirect("accounts:login_totp")
                _set_pending(request, user, STAGE_ENROL, next_url)
                return redirect("accounts:totp_setup")
            return _finish_login(request, user, method="password", next_url=next_url, default="console:home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_totp(request: HttpRequest) -> HttpResponse:
    user, data = _pending(request, STAGE_TOTP)
    if user is None:
        return redirect("accounts:login")
    status = 200
    form = TotpCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            auth.ensure_not_locked([auth.account_key(user.username), auth.ip_key(client_ip(request))])
        except auth.LoginLocked as locked:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, locked.message)
            return redirect("accounts:login")
        if auth.totp_check_code(user=user, code=form.cleaned_data["code"]):
            return _finish_login(
                request, user, method="password+totp", next_url=data.get("next", ""), default="console:home"
            )
        ended = _wrong_totp(request, user, data, form)
        if ended is not None:
            return ended
    return render(request, "accounts/login_totp.html", {"form": form}, status=status)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: during a pending login, or by a signed-in staff member."""
    user, data = _pending(request, STAGE_ENROL)
    signed_in = False
    if user is None:
        current = request.user
        if not (current.is_authenticated and cast(User, current).kind == UserKind.STAFF):
            return redirect("accounts:login")
        user, signed_in = cast(User, current), True
        if auth.totp_has_confirmed_secret(user):
            # Replacing a working authenticator is an administrator's reset, not a page visit.
            messages.info(request, _("您的动态口令已启用。"))
            return redirect("console:home")
    secret = auth.totp_enrolment_secret(user=user)
    form = TotpCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if auth.totp_confirm_enrolment(user=user, code=form.cleaned_data["code"]):
            if signed_in:
                messages.success(request, _("动态口令已启用。"))
                return redirect("console:home")
            return _finish_login(
                request,
                user,
                method="password+totp_enrol",
                next_url=data.get("next", ""),
                default="console:home",
            )
        if signed_in:
            auth.totp_code_failed(user=user, ip=client_ip(request))
            form.add_error("code", _("动态口令不正确，请核对手机上显示的6位数字。"))
        else:
            ended = _wrong_totp(request, user, data, form)
            if ended is not None:
                return ended
    uri = auth.totp_provisioning_uri(user, secret)
    context = {
        "form": form,
        "qr_svg": auth.totp_qr_svg(uri),
        "secret_grouped": auth.group_secret(secret),
        "account_name": user.username,
    }
    return render(request, "accounts/totp_setup.html", context)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "GET":
        if not user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/logout.html", {})
    was_resident = user.is_authenticated and cast(User, user).kind == UserKind.RESIDENT
    if user.is_authenticated:
        record(actor=user, action="auth.logout", obj=cast(User, user))
    logout(request)
    if was_resident:
        return redirect("portal:home")
    messages.info(request, _("您已安全退出。"))
    return redirect("accounts:login")


# --------------------------------------------------------------------------- residents


def _resident_code_stage(
    request: HttpRequest,
    phone: str,
    *,
    form: ResidentCodeForm | None = None,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    code_form = form or ResidentCodeForm(initial={"phone": phone})
    context = {
        "stage": "code",
        "form": code_form,
        "phone": phone,
        "phone_masked": mask_phone(phone),
        "resend_wait": auth.sms_resend_wait(phone),
        "ttl_minutes": auth.sms_ttl_minutes(),
        "notice": notice,
        "next": _next_from(request),
    }
    return render(request, "accounts/resident_login.html", context, status=status)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def resident_login(request: HttpRequest) -> HttpResponse:
    next_url = _next_from(request)
    if request.session.pop(EXPIRED_KEY, False):
        messages.warning(request, _("由于长时间未操作，您已自动退出，请重新登录。"))
    ip = client_ip(request)
    action = request.POST.get("action", "send")
    if request.method == "POST" and action == "verify":
        code_form = ResidentCodeForm(request.POST)
        if code_form.is_valid():
            phone = code_form.cleaned_data["phone"]
            try:
                user = auth.sms_code_verify(phone=phone, code=code_form.cleaned_data["code"], ip=ip)
            except ValidationError as exc:
                code_form.add_error(None, exc)
            except auth.AuthRefused as refusal:
                code_form.add_error(None, refusal.message)
                return _resident_code_stage(request, phone, form=code_form, status=refusal.status)
            else:
                return _finish_login(request, user, method="sms", next_url=next_url, default="portal:home")
            return _resident_code_stage(request, phone, form=code_form)
        if "phone" not in code_form.errors:
            return _resident_code_stage(request, code_form.cleaned_data["phone"], form=code_form)
        phone_form = ResidentPhoneForm(request.POST)
        phone_form.is_valid()
        return render(
            request, "accounts/resident_login.html", {"stage": "phone", "form": phone_form, "next": next_url}
        )
    status = 200
    phone_form = ResidentPhoneForm(_posted(request))
    if request.method == "POST" and phone_form.is_valid():
        phone = phone_form.cleaned_data["phone"]
        try:
            auth.sms_code_send(phone=phone, ip=ip)
        except auth.ResendTooSoon as wait:
            return _resident_code_stage(request, phone, notice=wait.message)
        except auth.AuthRefused as refusal:
            phone_form.add_error(None, refusal.message)
            status = refusal.status
        else:
            notice = _("验证码已发送，%(minutes)d 分钟内有效。") % {"minutes": auth.sms_ttl_minutes()}
            return _resident_code_stage(request, phone, notice=notice)
    context = {"stage": "phone", "form": phone_form, "next": next_url}
    return render(request, "accounts/resident_login.html", context, status=status)


# --------------------------------------------------------------------------- password


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if user.kind != UserKind.STAFF:
        return redirect("portal:home")
    form = PasswordChangeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            auth.password_change(
                actor=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                new_password_again=form.cleaned_data["new_password2"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect("accounts:password_change")
    context = {"form": form, "policy": auth.password_policy_help()}
    return render(request, "accounts/password_change.html", context)
