"""The second factor: who needs it under each policy, the code step, enrolment, demo codes."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pyotp
import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.urls import reverse

from shequ.accounts.models import User
from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import DEMO_PASSWORD, make_persona, make_staff, new_totp_secret

LOGIN = "/accounts/login/"
TOTP = "/accounts/login/totp/"
SETUP = "/accounts/totp/setup/"


def post_password(client: Any, user: User, **extra: str) -> Any:
    return client.post(LOGIN, {"username": user.username, "password": DEMO_PASSWORD, **extra})


def fresh_code(secret: str) -> str:
    """The current code (a step rolling over before the request lands is within the drift allowed)."""
    return pyotp.TOTP(secret).now()


@pytest.fixture
def secret() -> str:
    return new_totp_secret()


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.CITY_ADMIN])
def test_area_admins_need_totp_under_admins_policy(
    client: Any, mini: Any, settings: Any, secret: str, role: str
) -> None:
    settings.SHEQU_TOTP_POLICY = "admins"
    admin = make_persona(mini, role, totp_secret=secret)
    response = post_password(client, admin)
    assert response["Location"] == TOTP
    assert SESSION_KEY not in client.session
    assert client.get(reverse("console:home")).status_code == 302
    response = client.post(TOTP, {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("console:home")
    assert client.session[SESSION_KEY] == str(admin.pk)
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.changes["method"] == "password+totp"


def test_system_admin_needs_totp(client: Any, db: Any, settings: Any, secret: str) -> None:
    settings.SHEQU_TOTP_POLICY = "admins"
    admin = make_staff("sysadmin", Role.SYSTEM_ADMIN, totp_secret=secret)
    assert post_password(client, admin)["Location"] == TOTP


def test_grid_worker_skips_totp_under_admins_policy(client: Any, mini: Any, settings: Any) -> None:
    settings.SHEQU_TOTP_POLICY = "admins"
    worker = make_persona(mini, Role.GRID_WORKER)
    response = post_password(client, worker)
    assert response["Location"] == reverse("console:home")
    assert client.session[SESSION_KEY] == str(worker.pk)


def test_all_policy_asks_a_grid_worker_too(client: Any, mini: Any, settings: Any, secret: str) -> None:
    settings.SHEQU_TOTP_POLICY = "all"
    worker = make_persona(mini, Role.GRID_WORKER, totp_secret=secret)
    assert post_password(client, worker)["Location"] == TOTP
    assert SESSION_KEY not in client.session


def test_off_policy_lets_an_admin_in_with_password(
    client: Any, mini: Any, settings: Any, secret: str
) -> None:
    settings.SHEQU_TOTP_POLICY = "off"
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    assert post_password(client, admin)["Location"] == reverse("console:home")
    assert client.session[SESSION_KEY] == str(admin.pk)


def test_next_survives_the_totp_step(client: Any, mini: Any, secret: str) -> None:
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    post_password(client, admin, next="/console/audit/")
    response = client.post(TOTP, {"code": fresh_code(secret)})
    assert response["Location"] == "/console/audit/"


def test_a_code_is_used_only_once(client: Any, mini: Any, secret: str) -> None:
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    code = fresh_code(secret)
    post_password(client, admin)
    assert client.post(TOTP, {"code": code})["Location"] == reverse("console:home")
    client.post(reverse("accounts:logout"))
    post_password(client, admin)
    response = client.post(TOTP, {"code": code})
    assert response.status_code == 200
    assert "已使用过" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_one_step_of_drift_accepted_two_refused(client: Any, mini: Any, secret: str) -> None:
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    totp = pyotp.TOTP(secret)
    post_password(client, admin)
    too_old = totp.at(time.time() - 95)
    if too_old not in {totp.at(time.time() + d) for d in (-30, 0, 30)}:
        response = client.post(TOTP, {"code": too_old})
        assert response.status_code == 200
        assert SESSION_KEY not in client.session
    response = client.post(TOTP, {"code": totp.at(time.time() - 30)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(admin.pk)


def test_five_wrong_codes_end_the_pending_login(client: Any, mini: Any, secret: str, settings: Any) -> None:
    settings.SHEQU_LOGIN_MAX_FAILURES = 50  # this test is about the pending login, not the lock
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    valid = {pyotp.TOTP(secret).at(time.time() + d) for d in (-30, 0, 30)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    post_password(client, admin)
    for _ in range(4):
        response = client.post(TOTP, {"code": wrong})
        assert response.status_code == 200
    response = client.post(TOTP, {"code": wrong})
    assert response["Location"] == LOGIN
    assert client.get(TOTP)["Location"] == LOGIN
    assert "错误次数过多" in client.get(LOGIN).content.decode()
    assert AuditEntry.objects.filter(action="auth.login_failed", changes__method="totp").count() == 5


@pytest.mark.parametrize("code", ["", "abc", "12345", "1234567", "12 34 5x", "９９９９９９"])
def test_bad_codes_are_field_errors(client: Any, mini: Any, secret: str, code: str) -> None:
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    post_password(client, admin)
    response = client.post(TOTP, {"code": code})
    assert response.status_code == 200
    assert "请输入6位数字验证码。" in response.content.decode()


def test_totp_page_without_pending_login_goes_back_to_login(client: Any, db: Any) -> None:
    assert client.get(TOTP)["Location"] == reverse("accounts:login")
    assert client.post(TOTP, {"code": "123456"})["Location"] == reverse("accounts:login")
    assert client.get(SETUP)["Location"] == reverse("accounts:login")


def test_admin_without_totp_enrols_before_login(client: Any, mini: Any) -> None:
    admin = make_persona(mini, Role.DISTRICT_ADMIN)
    response = post_password(client, admin)
    assert response["Location"] == SETUP
    assert SESSION_KEY not in client.session
    page = client.get(SETUP)
    html = page.content.decode()
    assert "<svg" in html
    admin.refresh_from_db()
    secret = admin.totp_secret.plaintext_for_processing()
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in html
    assert admin.totp_confirmed_at is None
    assert client.get(SETUP).content.decode().count(grouped) == 1  # same secret on reload
    response = client.post(SETUP, {"code": "abc"})
    assert "请输入6位数字验证码。" in response.content.decode()
    response = client.post(SETUP, {"code": fresh_code(secret)})
    assert response["Location"] == reverse("console:home")
    assert client.session[SESSION_KEY] == str(admin.pk)
    admin.refresh_from_db()
    assert admin.totp_confirmed_at is not None
    assert AuditEntry.objects.filter(action="auth.totp_enrol", object_id=str(admin.pk)).count() == 1


def test_signed_in_staff_may_enrol_but_not_replace_a_working_secret(
    client: Any, mini: Any, secret: str
) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    client.force_login(worker)
    assert "<svg" in client.get(SETUP).content.decode()
    worker.refresh_from_db()
    new_secret = worker.totp_secret.plaintext_for_processing()
    response = client.post(SETUP, {"code": fresh_code(new_secret)})
    assert response["Location"] == reverse("console:home")
    worker.refresh_from_db()
    assert worker.totp_confirmed_at is not None
    assert client.get(SETUP)["Location"] == reverse("console:home")
    worker.refresh_from_db()
    assert worker.totp_secret.plaintext_for_processing() == new_secret
    assert worker.totp_confirmed_at is not None


def test_totp_code_command_prints_code_for_demo_user(db: Any, secret: str) -> None:
    make_staff("demo_admin", Role.SYSTEM_ADMIN, totp_secret=secret, is_demo=True)
    out = StringIO()
    call_command("totp_code", "demo_admin", stdout=out)
    printed = out.getvalue().strip()
    assert pyotp.TOTP(secret).verify(printed, valid_window=1)


def test_totp_code_command_refuses_real_and_unknown_users(db: Any, secret: str) -> None:
    make_staff("real_admin", Role.SYSTEM_ADMIN, totp_secret=secret, is_demo=False)
    with pytest.raises(CommandError, match="演示账户"):
        call_command("totp_code", "real_admin", stdout=StringIO())
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("totp_code", "ghost", stdout=StringIO())


def test_pending_login_times_out(client: Any, mini: Any, secret: str) -> None:
    from shequ.accounts.views import PENDING_KEY, PENDING_TOTP_SECONDS

    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    post_password(client, admin)
    session = client.session
    pending = session[PENDING_KEY]
    pending["at"] = time.time() - PENDING_TOTP_SECONDS - 1
    session[PENDING_KEY] = pending
    session.save()
    response = client.post(TOTP, {"code": fresh_code(secret)})
    assert response["Location"] == reverse("accounts:login")
    assert SESSION_KEY not in client.session
    assert "登录已超时" in client.get(LOGIN).content.decode()


def test_pending_login_is_not_a_login(client: Any, mini: Any, secret: str) -> None:
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    post_password(client, admin)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get(reverse("console:home"))["Location"].startswith(LOGIN)
