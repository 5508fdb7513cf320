"""Residents log in with a code sent by SMS."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from shequ.accounts.auth_services import phone_key
from shequ.accounts.models import LoginThrottle, SmsCode, User, UserKind
from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import make_resident, make_staff

URL = "/accounts/resident/login/"
PHONE = "13912345678"


def send(client: Any, phone: str = PHONE) -> Any:
    return client.post(URL, {"action": "send", "phone": phone})


def verify(client: Any, code: str, phone: str = PHONE) -> Any:
    return client.post(URL, {"action": "verify", "phone": phone, "code": code})


def code_from(outbox: Any, phone: str = PHONE) -> str:
    message = outbox.last_to(phone)
    assert message is not None
    found = re.search(r"\d{6}", message.text)
    assert found
    return found.group(0)


def wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def test_code_is_sent_in_chinese_and_kept_only_as_digest(
    client: Any, db: Any, sms_outbox: Any, settings: Any
) -> None:
    settings.SHEQU_SMS_CODE_TTL_SECONDS = 300
    response = send(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "139****5678" in html
    assert 'name="code"' in html
    message = sms_outbox.last_to(PHONE)
    assert settings.SHEQU_DEPLOYMENT_NAME in message.text
    assert "5分钟" in message.text
    assert "验证码" in message.text
    code = code_from(sms_outbox)
    row = SmsCode.objects.get()
    assert code not in row.code_digest
    assert PHONE not in row.phone_digest
    assert row.expires_at - row.created_at == timedelta(seconds=300)


def test_first_login_creates_the_resident(client: Any, db: Any, sms_outbox: Any) -> None:
    send(client)
    response = verify(client, code_from(sms_outbox))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    user = User.objects.get(pk=client.session[SESSION_KEY])
    assert user.kind == UserKind.RESIDENT
    assert PHONE not in user.username
    assert PHONE[-8:] not in user.username
    assert user.phone.plaintext_for_processing() == PHONE
    assert not user.has_usable_password()
    assert AuditEntry.objects.filter(action="auth.login", actor=user, changes__method="sms").exists()
    assert SmsCode.objects.get().used_at is not None


def test_existing_resident_logs_in(client: Any, mini: Any, sms_outbox: Any) -> None:
    resident = make_resident(PHONE, home_area=mini.community_a, display_name="居民甲")
    send(client)
    verify(client, code_from(sms_outbox))
    assert client.session[SESSION_KEY] == str(resident.pk)
    assert User.objects.filter(kind=UserKind.RESIDENT).count() == 1


def test_staff_phone_does_not_log_in_the_staff_account(client: Any, mini: Any, sms_outbox: Any) -> None:
    staff = make_staff("worker_with_phone", Role.GRID_WORKER, area=mini.grid_a, phone=PHONE)
    send(client)
    verify(client, code_from(sms_outbox))
    user = User.objects.get(pk=client.session[SESSION_KEY])
    assert user.pk != staff.pk
    assert user.kind == UserKind.RESIDENT


def test_a_code_works_once(client: Any, db: Any, sms_outbox: Any) -> None:
    send(client)
    code = code_from(sms_outbox)
    verify(client, code)
    client.logout()
    response = verify(client, code)
    assert response.status_code == 200
    assert "验证码已失效" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_expired_code_is_refused(client: Any, db: Any, sms_outbox: Any) -> None:
    send(client)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = verify(client, code_from(sms_outbox))
    assert "验证码已失效，请重新获取。" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_five_attempts_per_code(client: Any, db: Any, sms_outbox: Any, settings: Any) -> None:
    settings.SHEQU_LOGIN_MAX_FAILURES = 50  # the per-code limit is under test, not the lock
    send(client)
    code = code_from(sms_outbox)
    for left in (4, 3, 2, 1):
        response = verify(client, wrong_code(code))
        assert f"还可尝试 {left} 次" in response.content.decode()
    response = verify(client, wrong_code(code))
    assert "错误次数过多" in response.content.decode()
    response = verify(client, code)  # the right code is no longer accepted either
    assert "错误次数过多" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert SmsCode.objects.get().attempts == 5


def test_wrong_codes_lock_the_phone(client: Any, db: Any, sms_outbox: Any, settings: Any) -> None:
    settings.SHEQU_LOGIN_MAX_FAILURES = 3
    send(client)
    code = code_from(sms_outbox)
    verify(client, wrong_code(code))
    verify(client, wrong_code(code))
    response = verify(client, wrong_code(code))
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert LoginThrottle.objects.get(key=phone_key(PHONE)).locked_until is not None
    assert verify(client, code).status_code == 429
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    send(client)
    assert verify(client, code_from(sms_outbox)).status_code == 302


def test_resend_waits_and_says_how_long(client: Any, db: Any, sms_outbox: Any, settings: Any) -> None:
    settings.SHEQU_SMS_RESEND_SECONDS = 60
    send(client)
    response = send(client)
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r"请于 (\d+) 秒后再重新获取验证码", html)
    assert match
    assert 55 <= int(match.group(1)) <= 60
    assert len(sms_outbox.outbox) == 1
    SmsCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    send(client)
    assert len(sms_outbox.outbox) == 2
    assert SmsCode.objects.count() == 2


def test_only_the_newest_code_counts(client: Any, db: Any, sms_outbox: Any) -> None:
    send(client)
    first = code_from(sms_outbox)
    SmsCode.objects.update(created_at=timezone.now() - timedelta(seconds=120))
    send(client)
    second = code_from(sms_outbox)
    if first != second:
        response = verify(client, first)
        assert SESSION_KEY not in client.session
        assert response.status_code == 200
    verify(client, second)
    assert SESSION_KEY in client.session


@pytest.mark.parametrize(
    "phone", ["12345", "", "abcdefghijk", "1391234567x", "+1 (415) 555-0100", "1" * 30, "12345678901"]
)
def test_bad_phone_is_a_field_error(client: Any, db: Any, sms_outbox: Any, phone: str) -> None:
    response = send(client, phone)
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入正确的11位手机号码。" in html or "请输入手机号码。" in html
    assert sms_outbox.outbox == []


@pytest.mark.parametrize("code", ["abc", "", "12345", "1234567", "<b>x</b>"])
def test_bad_code_is_a_field_error(client: Any, db: Any, sms_outbox: Any, code: str) -> None:
    send(client)
    response = verify(client, code)
    assert response.status_code == 200
    assert "请输入6位数字验证码。" in response.content.decode()
    assert SmsCode.objects.get().attempts == 0


def test_verify_with_tampered_phone_goes_back_to_phone_step(client: Any, db: Any) -> None:
    response = client.post(URL, {"action": "verify", "phone": "12345", "code": "123456"})
    assert response.status_code == 200
    assert "请输入正确的11位手机号码。" in response.content.decode()


def test_verify_without_a_code_sent(client: Any, db: Any) -> None:
    response = verify(client, "123456")
    assert response.status_code == 200
    assert "验证码已失效" in response.content.decode()
