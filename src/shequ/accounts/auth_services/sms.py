"""Residents log in by SMS code: sending, verifying, and the resident account for a phone."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.pii import PIIKind, lookup_candidates, lookup_digest, mask_phone, normalise, validate_mobile

from ..models import SmsCode, User, UserKind
from .refusals import AuthRefused, LoginLocked, ResendTooSoon
from .throttling import ensure_not_locked, ip_key, phone_key, record_failure

#: Wrong codes allowed for one SMS code.
SMS_MAX_ATTEMPTS = 5
SMS_PURPOSE_LOGIN = "login"


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
