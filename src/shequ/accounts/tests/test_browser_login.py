"""Logging in through a real browser: admin with TOTP, grid worker, resident on a phone."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from playwright.sync_api import expect

from shequ.accounts.models import User, UserKind
from shequ.accounts.roles import Role
from shequ.demo.factories import DEMO_PASSWORD, make_persona, new_totp_secret

pytestmark = pytest.mark.browser


def fill_password_form(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def test_district_admin_logs_in_with_password_and_totp(page: Any, mini: Any) -> None:
    secret = new_totp_secret()
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    fill_password_form(page, admin.username)
    expect(page).to_have_url(re.compile(r"/accounts/login/totp/$"))
    expect(page.get_by_role("heading", name="输入动态口令")).to_be_visible()
    page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(re.compile(r"/console/$"))
    expect(page.get_by_label("用户名")).to_have_count(0)


def test_wrong_totp_code_keeps_the_admin_out(page: Any, mini: Any) -> None:
    secret = new_totp_secret()
    admin = make_persona(mini, Role.DISTRICT_ADMIN, totp_secret=secret)
    fill_password_form(page, admin.username)
    valid = pyotp.TOTP(secret).now()
    page.get_by_label("动态口令").fill("000000" if valid != "000000" else "111111")
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_text("动态口令不正确或已使用过")).to_be_visible()
    expect(page.get_by_label("动态口令")).to_have_attribute("aria-invalid", "true")
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_grid_worker_logs_in_with_password_only(page: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    fill_password_form(page, worker.username)
    expect(page).to_have_url(re.compile(r"/console/$"))


def test_wrong_password_shows_a_message(page: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(worker.username)
    page.get_by_label("密码").fill("Not-it-at-all-1")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误。")


def test_resident_logs_in_on_a_phone_with_an_sms_code(phone_page: Any, mini: Any, sms_outbox: Any) -> None:
    page = phone_page
    page.goto("/accounts/resident/login/")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_role("button", name="获取验证码").click()
    code_input = page.get_by_label("短信验证码")
    expect(code_input).to_be_visible()
    expect(page.get_by_text("139****5678").first).to_be_visible()
    expect(page.locator("#resend-wait")).to_contain_text("秒后可重新获取验证码")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    message = sms_outbox.last_to("13912345678")
    assert message is not None
    code = re.search(r"\d{6}", message.text)
    assert code is not None
    code_input.fill(code.group(0))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    resident = User.objects.get(kind=UserKind.RESIDENT)
    assert "13912345678" not in resident.username


def test_login_pages_fit_a_phone_screen(phone_page: Any, db: Any) -> None:
    for url in ("/accounts/login/", "/accounts/resident/login/"):
        phone_page.goto(url)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
        box = phone_page.get_by_role("button").first.bounding_box()
        assert box is not None
        assert box["height"] >= 44
