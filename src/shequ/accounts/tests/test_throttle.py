"""Login throttling: per account and per address, locks that say when, and that expire."""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from shequ.accounts import auth_services
from shequ.accounts.auth_services import account_key, ip_key, lock_message, register_failure
from shequ.accounts.models import LoginThrottle
from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import DEMO_PASSWORD, make_persona, new_totp_secret

LOGIN = "/accounts/login/"
BAD = "Wrong-Password-1"


def attempt(client: Any, username: str, password: str = BAD, ip: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_account_locks_after_max_failures_and_says_when(client: Any, mini: Any, settings: Any) -> None:
    settings.SHEQU_LOGIN_MAX_FAILURES = 5
    settings.SHEQU_LOGIN_LOCK_MINUTES = 15
    worker = make_persona(mini, Role.GRID_WORKER)
    for _ in range(4):
        response = attempt(client, worker.username)
        assert "用户名或密码错误。" in response.content.decode()
    response = attempt(client, worker.username)
    assert response.status_code == 429
    row = LoginThrottle.objects.get(key=account_key(worker.username))
    assert row.failures == 5
    assert row.locked_until is not None
    expected = lock_message(row.locked_until)
    assert expected.startswith("登录失败次数过多，请于 ")
    assert expected in response.content.decode()
    # The retry time is the lock's end rounded up to the next whole minute, in Shanghai time.
    rounded_up = math.ceil(row.locked_until.timestamp() / 60) * 60
    shanghai = datetime.fromtimestamp(rounded_up, tz=timezone.get_current_timezone())
    assert f"{shanghai:%H:%M}" in expected
    assert AuditEntry.objects.filter(action="auth.lock", changes__scope="account").count() == 1


def test_lock_refuses_even_the_right_password(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    for _ in range(5):
        attempt(client, worker.username)
    response = attempt(client, worker.username, DEMO_PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_lock_expires(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    for _ in range(5):
        attempt(client, worker.username)
    LoginThrottle.objects.filter(key=account_key(worker.username)).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    response = attempt(client, worker.username, DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(worker.pk)


def test_expired_lock_starts_a_fresh_count(mini: Any) -> None:
    key = "user:someone"
    for _ in range(5):
        register_failure(key, limit=5)
    LoginThrottle.objects.filter(key=key).update(locked_until=timezone.now() - timedelta(minutes=1))
    result = register_failure(key, limit=5)
    assert result.failures == 1
    assert result.locked_until is None


def test_success_clears_the_account_counter(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    for _ in range(3):
        attempt(client, worker.username)
    assert LoginThrottle.objects.get(key=account_key(worker.username)).failures == 3
    attempt(client, worker.username, DEMO_PASSWORD)
    assert not LoginThrottle.objects.filter(key=account_key(worker.username)).exists()
    assert LoginThrottle.objects.get(key=ip_key("10.0.0.1")).failures == 3


def test_unknown_accounts_lock_like_real_ones(client: Any, db: Any) -> None:
    for _ in range(5):
        response = attempt(client, "no_such_person")
    assert response.status_code == 429


def test_address_limit_is_higher_than_account_limit(client: Any, mini: Any, settings: Any) -> None:
    settings.SHEQU_LOGIN_MAX_FAILURES = 2
    worker = make_persona(mini, Role.GRID_WORKER)
    ip_limit = 2 * auth_services.IP_LIMIT_FACTOR
    # Failures on many different names from one shared office address.
    for i in range(ip_limit - 1):
        assert attempt(client, f"typo_{i}").status_code == 200
    assert attempt(client, worker.username, DEMO_PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "typo_last").status_code == 429
    response = attempt(client, worker.username, DEMO_PASSWORD)
    assert response.status_code == 429  # the address is locked now
    assert attempt(client, worker.username, DEMO_PASSWORD, ip="10.0.0.2").status_code == 302
    assert AuditEntry.objects.filter(action="auth.lock", changes__scope="ip").count() == 1


def test_wrong_totp_codes_count_towards_the_lock(client: Any, mini: Any, settings: Any) -> None:
    settings.SHEQU_LOGIN_MAX_FAILURES = 3
    secret = new_totp_secret()
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    valid = {pyotp.TOTP(secret).at(time.time() + d) for d in (-30, 0, 30)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    client.post(LOGIN, {"username": admin.username, "password": DEMO_PASSWORD})
    client.post("/accounts/login/totp/", {"code": wrong})
    client.post("/accounts/login/totp/", {"code": wrong})
    response = client.post("/accounts/login/totp/", {"code": wrong})
    assert response["Location"] == reverse("accounts:login")
    assert "登录失败次数过多" in client.get(LOGIN).content.decode()
    response = client.post(LOGIN, {"username": admin.username, "password": DEMO_PASSWORD})
    assert response.status_code == 429


def test_lock_message_in_shanghai_time(settings: Any) -> None:
    from datetime import UTC, datetime

    until = datetime(2026, 11, 22, 6, 35, 0, tzinfo=UTC)  # 14:35 in Shanghai
    message = lock_message(until)
    assert "14:35" in message
    until = datetime(2026, 11, 22, 6, 34, 20, tzinfo=UTC)  # rounded up, never too early
    assert "14:35" in lock_message(until)


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_are_all_counted() -> None:
    limit_threads = 6 if connection.vendor == "sqlite" else 10
    errors: list[BaseException] = []
    barrier = threading.Barrier(limit_threads)

    def fail() -> None:
        from django.db import connections

        try:
            barrier.wait()
            register_failure("user:racer", limit=1000)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fail) for _ in range(limit_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert LoginThrottle.objects.get(key="user:racer").failures == limit_threads
