"""Logging in: staff password and TOTP, residents by SMS code, login throttling.

Throttling
----------
Failures are counted in :class:`~shequ.accounts.models.LoginThrottle` rows under three kinds
of key: the account name tried (``user:…``), the phone tried (``phone:…``, a keyed digest,
never the number) and the client address (``ip:…``).  Once a key reaches its limit inside
:data:`FAILURE_WINDOW` it is locked for ``SHEQU_LOGIN_LOCK_MINUTES``; while locked, even the
right password or code is refused.  A completed login clears the account's (or phone's)
counter, not the address's.

* account and phone keys lock after ``SHEQU_LOGIN_MAX_FAILURES`` failures;
* an address locks only after ``SHEQU_LOGIN_MAX_FAILURES × IP_LIMIT_FACTOR`` failures, so
  that one person mistyping in an office that shares a public address cannot quickly lock
  out everyone else there, while a guesser spraying many accounts from one address is
  still stopped.

Wrong passwords, wrong TOTP codes and wrong SMS codes all count.  Counters are incremented
with a single ``UPDATE … SET failures = failures + 1`` inside a transaction that holds the
row (``select_for_update``), so concurrent failures are all counted.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.pii import PIIKind, lookup_candidates, lookup_digest, mask_phone, normalise, validate_mobile

from .models import LoginThrottle, SmsCode, User, UserKind

#: An address may fail this many times the per-account limit before it is locked.
IP_LIMIT_FACTOR = 5
#: Failures older than this (counted from the first one) start a fresh count.
FAILURE_WINDOW = timedelta(hours=1)
#: Wrong codes allowed for one pending TOTP step, and for one SMS code.
TOTP_MAX_ATTEMPTS = 5
SMS_MAX_ATTEMPTS = 5
SMS_PURPOSE_LOGIN = "login"
TOTP_ISSUER_FALLBACK = "Shequ"


# --------------------------------------------------------------------------- refusals


class AuthRefused(Exception):
    """A login step refused; ``message`` is safe to show, ``status`` is the HTTP status."""

    status = 200

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoginLocked(AuthRefused):
    status = 429

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(lock_message(until))


class ResendTooSoon(AuthRefused):
    status = 429

    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(_("请于 %(n)d 秒后再重新获取验证码。") % {"n": wait_seconds})


def lock_message(until: datetime) -> str:
    """``登录失败次数过多，请于 14:35 后再试。`` in Shanghai time, rounded up to the minute."""
    local = timezone.localtime(until)
    if local.second or local.microsecond:
        local = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
    if local.date() != timezone.localdate():
        when = f"{local.month}月{local.day}日 {local:%H:%M}"
    else:
        when = f"{local:%H:%M}"
    return _("登录失败次数过多，请于 %(time)s 后再试。") % {"time": when}


# --------------------------------------------------------------------------- keys and masks


def mask_login_name(name: str) -> str:
    """A login name as the audit log keeps it for failed attempts: ``di***********a``."""
    name = (name or "").strip()[:40]
    if len(name) <= 2:
        return "*" * len(name)
    if len(name) <= 5:
        return name[0] + "*" * (len(name) - 1)
    return name[:2] + "*" * (len(name) - 3) + name[-1]


def account_key(username: str) -> str:
    name = (username or "").strip().casefold()
    if re.fullmatch(r"[\w.@+-]{1,100}", name):
        return f"user:{name}"
    return "user#" + hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()


def phone_key(phone: str) -> str:
    return "phone:" + lookup_digest(PIIKind.PHONE, phone).split(":", 1)[1][:64]


def ip_key(ip: str | None) -> str:
    return f"ip:{ip or 'unknown'}"[:120]


def _account_limit() -> int:
    return int(settings.SHEQU_LOGIN_MAX_FAILURES)


def _ip_limit() -> int:
    return int(settings.SHEQU_LOGIN_MAX_FAILURES) * IP_LIMIT_FACTOR


# --------------------------------------------------------------------------- throttle


def locked_until(keys: list[str]) -> datetime | None:
    """The latest lock still in force on any of ``keys``, or None."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now).values_list(
        "locked_until", flat=True
    )
    found = [until for until in rows if until is not None]
    return max(found) if found else None


def ensure_not_locked(keys: list[str]) -> None:
    until = locked_until(keys)
    if until is not None:
        raise LoginLocked(until)


@dataclass(frozen=True)
class FailureResult:
    key: str
    failures: int
    locked_until: datetime | None
    newly_locked: bool


@transaction.atomic
def register_failure(key: str, *, limit: int) -> FailureResult:
    """Count one failure on ``key``; lock it once it reaches ``limit``."""
    now = timezone.now()
    row = LoginThrottle.objects.select_for_update().filter(key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                row = LoginThrottle.objects.create(key=key, failures=0, first_failure_at=now)
        except IntegrityError:
            pass
        row = LoginThrottle.objects.select_for_update().get(key=key)
    lock_over = row.locked_until is not None and row.locked_until <= now
    window_over = row.first_failure_at is None or row.first_failure_at + FAILURE_WINDOW <= now
    if lock_over or (window_over and row.locked_until is None):
        LoginThrottle.objects.filter(pk=row.pk).update(failures=0, first_failure_at=now, locked_until=None)
    LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
    row.refresh_from_db()
    newly_locked = False
    if row.failures >= limit and (row.locked_until is None or row.locked_until <= now):
        row.locked_until = now + timedelta(minutes=int(settings.SHEQU_LOGIN_LOCK_MINUTES))
        LoginThrottle.objects.filter(pk=row.pk).update(locked_until=row.locked_until)
        newly_locked = True
    current = row.locked_until if row.locked_until and row.locked_until > now else None
    return FailureResult(key=key, failures=row.failures, locked_until=current, newly_locked=newly_locked)


def clear_failures(key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()


def record_failure(
    *,
    identity_key: str,
    identity_label: str,
    ip: str | None,
    method: str,
    user: User | None = None,
) -> datetime | None:
    """Count a failed login on the account (or phone) and the address; audit it and any lock.

    Returns when the attempt's keys are now locked until, if they are.
    """
    results = [
        register_failure(identity_key, limit=_account_limit()),
        register_failure(ip_key(ip), limit=_ip_limit()),
    ]
    record(
        actor=None,
        action="auth.login_failed",
        obj=user,
        object_repr=identity_label,
        changes={"login": identity_label, "method": method},
    )
    for result in results:
        if result.newly_locked:
            scope = "ip" if result.key.startswith("ip:") else "account"
            record(
                actor=None,
                action="auth.lock",
                obj=user if scope == "account" else None,
                object_repr=identity_label if scope == "account" else result.key,
                changes={
                    "scope": scope,
                    "login": identity_label if scope == "account" else "",
                    "failures": result.failures,
                    "until": result.locked_until,
                },
            )
    locks = [r.locked_until for r in results if r.locked_until is not None]
    return max(locks) if locks else None


# --------------------------------------------------------------------------- staff password


def staff_check_password(*, request: HttpRequest, username: str, password: str, ip: str | None) -> User:
    """The staff account for ``username``/``password``, or a refusal that names no account."""
    key = account_key(username)
    label = mask_login_name(username)
    until = locked_until([key, ip_key(ip)])
    if until is not None:
        record(
            actor=None,
            action="auth.login_failed",
            object_repr=label,
            changes={"login": label, "method": "password", "refused": "locked"},
        )
        raise LoginLocked(until)
    user = authenticate(request, username=username, password=password)
    if isinstance(user, User) and user.kind == UserKind.STAFF and user.is_active:
        return user
    known = User.objects.filter(username=username, kind=UserKind.STAFF).first()
    lock = record_failure(identity_key=key, identity_label=label, ip=ip, method="password", user=known)
    if lock is not None:
        raise LoginLocked(lock)
    raise AuthRefused(_("用户名或密码错误。"))


# --------------------------------------------------------------------------- TOTP


def totp_has_confirmed_secret(user: User) -> bool:
    return bool(user.totp_secret) and user.totp_confirmed_at is not None


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)


def totp_check_code(*, user: User, code: str) -> bool:
    """True if ``code`` fits the current time step (±1 for clock drift) and that step is unused.

    The step is claimed with a conditional UPDATE, so a code cannot be used twice, even by
    two requests at once.
    """
    if not user.totp_secret or not re.fullmatch(r"[0-9]{6}", code or ""):
        return False
    totp = _totp(user.totp_secret.plaintext_for_processing())
    now_step = totp.timecode(timezone.now())
    for step in (now_step, now_step - 1, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            claimed = (
                User.objects.filter(pk=user.pk)
                .filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step))
                .update(totp_last_step=step)
            )
            if claimed:
                user.totp_last_step = step
                return True
            return False
    return False


def totp_code_failed(*, user: User, ip: str | None) -> datetime | None:
    return record_failure(
        identity_key=account_key(user.username),
        identity_label=mask_login_name(user.username),
        ip=ip,
        method="totp",
        user=user,
    )


@transaction.atomic
def totp_enrolment_secret(*, user: User) -> str:
    """The secret being enrolled: the unconfirmed one on file, or a new one."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.totp_secret and locked.totp_confirmed_at is None:
        return locked.totp_secret.plaintext_for_processing()
    secret = pyotp.random_base32()
    locked.totp_secret = secret
    locked.totp_confirmed_at = None
    locked.totp_last_step = None
    locked.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    user.totp_secret = locked.totp_secret
    user.totp_confirmed_at = None
    user.totp_last_step = None
    record(actor=user, action="auth.totp_enrol_start", obj=user)
    return secret


@transaction.atomic
def totp_confirm_enrolment(*, user: User, code: str) -> bool:
    """Confirm the enrolment with a code from the new authenticator; audits the enrolment."""
    if not totp_check_code(user=user, code=code):
        return False
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_confirmed_at"])
    record(actor=user, action="auth.totp_enrol", obj=user)
    return True


def totp_provisioning_uri(user: User, secret: str) -> str:
    issuer = settings.SHEQU_DEPLOYMENT_NAME or TOTP_ISSUER_FALLBACK
    return _totp(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def totp_qr_svg(uri: str) -> str:
    qr = segno.make(uri, error="m")
    return str(qr.svg_inline(scale=4, dark="#000", light="#fff", border=2, omitsize=False))


def group_secret(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_current_code(user: User) -> str:
    """The current code of a demo account (the demo's stand-in for an authenticator app)."""
    if not user.is_demo:
        raise ValidationError({"user": _("只能为演示账户生成动态口令。")})
    if not user.totp_secret:
        raise ValidationError({"user": _("该账户尚未设置动态口令。")})
    return _totp(user.totp_secret.plaintext_for_processing()).now()


# --------------------------------------------------------------------------- completing a login


def record_login(*, user: User, method: str) -> None:
    clear_failures(account_key(user.username))
    if user.phone:
        clear_failures(phone_key(user.phone.plaintext_for_processing()))
    record(actor=user, action="auth.login", obj=user, changes={"method": method, "kind": user.kind})


# --------------------------------------------------------------------------- residents by SMS


def _sms_code_digest(phone: str, code: str) -> str:
    message = f"{SMS_PURPOSE_LOGIN}\x00{normalise(PIIKind.PHONE, phone)}\x00{code}".encode()
    key = hashlib.sha256(b"shequ-sms-code\x00" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, message, "sha256").hexdigest()


def _latest_code(phone: str) -> SmsCode | None:
    return (
        SmsCode.objects.filter(
            phone_digest__in=lookup_candidates(PIIKind.PHONE, phone), purpose=SMS_PURPOSE_LOGIN
        )
        .order_by("-created_at", "-id")
        .first()
    )


def sms_resend_wait(phone: str) -> int:
    """Seconds until another code may be sent to ``phone`` (0: now)."""
    latest = _latest_code(phone)
    if latest is None:
        return 0
    elapsed = (timezone.now() - latest.created_at).total_seconds()
    return max(0, math.ceil(int(settings.SHEQU_SMS_RESEND_SECONDS) - elapsed))


def sms_ttl_minutes() -> int:
    return max(1, math.ceil(int(settings.SHEQU_SMS_CODE_TTL_SECONDS) / 60))


def sms_code_send(*, phone: str, ip: str | None) -> SmsCode:
    """Send a new 6-digit login code to ``phone``. Only the code's keyed digest is kept."""
    from shequ.integration.sms import send_sms

    phone = validate_mobile(phone)
    ensure_not_locked([phone_key(phone), ip_key(ip)])
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        wait = sms_resend_wait(phone)
        if wait > 0:
            raise ResendTooSoon(wait)
        now = timezone.now()
        sms = SmsCode.objects.create(
            phone_digest=lookup_digest(PIIKind.PHONE, phone),
            code_digest=_sms_code_digest(phone, code),
            purpose=SMS_PURPOSE_LOGIN,
            created_at=now,
            expires_at=now + timedelta(seconds=int(settings.SHEQU_SMS_CODE_TTL_SECONDS)),
        )
        record(actor=None, action="auth.sms_code_sent", obj=sms, object_repr=mask_phone(phone))
    text = _("【%(name)s】您的登录验证码是%(code)s，%(minutes)d分钟内有效。请勿将验证码告诉他人。") % {
        "name": settings.SHEQU_DEPLOYMENT_NAME,
        "code": code,
        "minutes": sms_ttl_minutes(),
    }
    try:
        send_sms(phone, text)
    except Exception as exc:
        SmsCode.objects.filter(pk=sms.pk).update(used_at=timezone.now())
        raise AuthRefused(_("短信发送失败，请稍后再试。")) from exc
    return sms


def _sms_failure(phone: str, ip: str | None) -> datetime | None:
    return record_failure(
        identity_key=phone_key(phone), identity_label=mask_phone(phone), ip=ip, method="sms"
    )


def sms_code_verify(*, phone: str, code: str, ip: str | None) -> User:
    """The resident for ``phone`` once ``code`` is right; created on first login."""
    phone = validate_mobile(phone)
    ensure_not_locked([phone_key(phone), ip_key(ip)])
    now = timezone.now()
    latest = _latest_code(phone)
    if latest is None or latest.used_at is not None or latest.expires_at <= now:
        lock = _sms_failure(phone, ip)
        if lock is not None:
            raise LoginLocked(lock)
        raise ValidationError({"code": _("验证码已失效，请重新获取。")})
    counted = SmsCode.objects.filter(
        pk=latest.pk, attempts__lt=SMS_MAX_ATTEMPTS, used_at__isnull=True
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise ValidationError({"code": _("该验证码错误次数过多，请重新获取。")})
    if hmac.compare_digest(latest.code_digest, _sms_code_digest(phone, code)):
        if SmsCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
            return resident_for_phone(phone=phone)
        raise ValidationError({"code": _("验证码已失效，请重新获取。")})
    lock = _sms_failure(phone, ip)
    if lock is not None:
        raise LoginLocked(lock)
    left = SMS_MAX_ATTEMPTS - latest.attempts - 1
    if left <= 0:
        raise ValidationError({"code": _("该验证码错误次数过多，请重新获取。")})
    raise ValidationError({"code": _("验证码不正确，还可尝试 %(n)d 次。") % {"n": left}})


def resident_username(phone: str) -> str:
    """A resident's login name: derived from the phone's keyed digest, never the number."""
    return "r_" + lookup_digest(PIIKind.PHONE, phone).split(":", 1)[1][:24]


def resident_for_phone(*, phone: str) -> User:
    """The resident account for ``phone`` (never a staff account), created on first login."""
    candidates = lookup_candidates(PIIKind.PHONE, phone)
    found = User.objects.filter(kind=UserKind.RESIDENT, phone_digest__in=candidates).first()
    if found is not None:
        if not found.is_active:
            raise AuthRefused(_("该账户已停用，请联系所在社区。"))
        return found
    try:
        with transaction.atomic():
            user = User(username=resident_username(phone), kind=UserKind.RESIDENT)
            user.phone = phone
            user.set_unusable_password()
            user.save()
            record(actor=None, action="user.create", obj=user, changes={"kind": "resident", "via": "sms"})
            return user
    except IntegrityError:
        return User.objects.get(kind=UserKind.RESIDENT, phone_digest__in=candidates)


# --------------------------------------------------------------------------- password change


def _min_password_length() -> int:
    for validator in get_default_password_validators():
        if isinstance(validator, MinimumLengthValidator):
            return int(validator.min_length)
    return 0


def password_policy_help() -> list[str]:
    """The password policy in Chinese, from the configured validators."""
    rules: list[str] = []
    names = {type(v).__name__ for v in get_default_password_validators()}
    if (length := _min_password_length()) > 0:
        rules.append(_("至少 %(n)d 个字符。") % {"n": length})
    if "CharacterClassValidator" in names:
        rules.append(_("须包含大写字母、小写字母、数字、符号中的至少三类。"))
    if "UserAttributeSimilarityValidator" in names:
        rules.append(_("不能与用户名、姓名过于相似。"))
    if "CommonPasswordValidator" in names:
        rules.append(_("不能是常见密码。"))
    if "NumericPasswordValidator" in names:
        rules.append(_("不能全是数字。"))
    return rules


def password_policy_errors(password: str, user: User) -> list[str]:
    """What the password policy finds wrong with ``password``, in Chinese (empty: acceptable)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        messages: list[str] = []
        for error in exc.error_list:
            params = error.params or {}
            if error.code == "password_too_short":
                messages.append(_("密码太短，至少需要 %(n)d 个字符。") % {"n": params.get("min_length", 0)})
            elif error.code == "password_too_similar":
                messages.append(_("密码与您的用户名或姓名过于相似。"))
            elif error.code == "password_too_common":
                messages.append(_("这个密码太常见，容易被猜中。"))
            elif error.code == "password_entirely_numeric":
                messages.append(_("密码不能全是数字。"))
            else:
                messages.extend(error.messages)
        return messages
    return []


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str, new_password_again: str) -> None:
    errors: dict[str, Any] = {}
    if not actor.check_password(old_password or ""):
        errors["old_password"] = _("当前密码不正确。")
    if not new_password:
        errors["new_password1"] = _("请输入新密码。")
    else:
        problems = password_policy_errors(new_password, actor)
        if problems:
            errors["new_password1"] = problems
        if "new_password1" not in errors and new_password == old_password:
            errors["new_password1"] = _("新密码不能与当前密码相同。")
    if new_password and new_password != new_password_again:
        errors["new_password2"] = _("两次输入的新密码不一致。")
    if errors:
        raise ValidationError(errors)
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    record(actor=actor, action="auth.password_change", obj=actor)
