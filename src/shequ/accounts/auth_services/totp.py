"""Staff second factor: TOTP enrolment, codes checked once per time step, the demo's stand-in app."""

from __future__ import annotations

import hmac
import re
from datetime import datetime

import pyotp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record

from ..models import User
from .throttling import account_key, mask_login_name, record_failure

#: Wrong codes allowed for one pending TOTP step.
TOTP_MAX_ATTEMPTS = 5
TOTP_ISSUER_FALLBACK = "Shequ"


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
