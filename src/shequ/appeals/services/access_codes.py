"""Status by number for callers without an account: a one-time code sent to the phone on file.

The number alone never opens a case.  :func:`access_code_send` sends a 6-digit code to the
requester's phone (the answer is the same whether or not the number exists, so numbers
cannot be probed); :func:`access_code_verify` checks it (5 tries, 10 minutes, used once)
and returns the case, which the page then keeps open in the session for a short while.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record

from ..models import Case, CaseAccessCode
from . import common as c

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5
MAX_PER_DAY = 5


def _digest(case_id: int, code: str) -> str:
    key = hashlib.sha256(b"shequ-appeal-code\x00" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{case_id}\x00{code.strip()}".encode(), "sha256").hexdigest()


def _clean_number(number: str) -> str:
    number = (number or "").strip()[:20]
    if not number:
        raise ValidationError({"number": _("请输入诉求编号。")})
    return number


@transaction.atomic
def access_code_send(*, number: str) -> None:
    """Send a one-time code to the phone on file of case ``number`` (silently nothing if none)."""
    number = _clean_number(number)
    case = Case.objects.select_for_update().filter(number=number).first()
    if case is None:
        return
    phone = c.requester_phone(case)
    if not phone:
        return
    now = timezone.now()
    recent = CaseAccessCode.objects.filter(case=case, created_at__gte=now - timedelta(days=1)).order_by(
        "-created_at"
    )
    latest = recent.first()
    if latest is not None and now - latest.created_at < RESEND_AFTER:
        wait = int((RESEND_AFTER - (now - latest.created_at)).total_seconds()) + 1
        raise ValidationError({"number": _("验证码已发送，请%(n)d秒后再试。") % {"n": wait}})
    if recent.count() >= MAX_PER_DAY:
        raise ValidationError({"number": _("今日获取验证码次数过多，请明天再试或拨打热线查询。")})
    code = f"{secrets.randbelow(10**6):06d}"
    row = CaseAccessCode.objects.create(
        case=case, code_digest=_digest(case.pk, code), created_at=now, expires_at=now + CODE_TTL
    )
    from shequ.integration.outbox import enqueue

    enqueue(
        channel="sms",
        phone=phone,
        text=_("【接诉即办】您查询诉求%(number)s的验证码是%(code)s，10分钟内有效。请勿告诉他人。")
        % {"number": case.number, "code": code},
        dedup_key=f"appeal-code:{row.pk}",
        template_key="appeals.access_code",
    )
    record(actor=None, action="appeals.case.access_code_sent", obj=case)


def access_code_verify(*, number: str, code: str) -> Case:
    """The case once ``code`` is the latest unexpired code for ``number``; the code is used up."""
    number = _clean_number(number)
    code = (code or "").strip()[:12]
    if not code:
        raise ValidationError({"code": _("请输入短信验证码。")})
    now = timezone.now()
    case = Case.objects.filter(number=number).first()
    latest = (
        CaseAccessCode.objects.filter(case=case).order_by("-created_at", "-id").first()
        if case is not None
        else None
    )
    if latest is None or latest.used_at is not None or latest.expires_at <= now:
        raise ValidationError({"code": _("验证码已失效，请重新获取。")})
    counted = CaseAccessCode.objects.filter(
        pk=latest.pk, attempts__lt=MAX_ATTEMPTS, used_at__isnull=True
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise ValidationError({"code": _("该验证码错误次数过多，请重新获取。")})
    assert case is not None
    if not hmac.compare_digest(latest.code_digest, _digest(case.pk, code)):
        left = MAX_ATTEMPTS - latest.attempts - 1
        if left <= 0:
            raise ValidationError({"code": _("该验证码错误次数过多，请重新获取。")})
        raise ValidationError({"code": _("验证码不正确，还可尝试 %(n)d 次。") % {"n": left}})
    if not CaseAccessCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
        raise ValidationError({"code": _("验证码已失效，请重新获取。")})
    record(actor=None, action="appeals.case.access_code_used", obj=case)
    return case
