"""Every role logs in through the real login pages and sees only its own posts' areas.

Staff use the password form, and the TOTP step where the policy requires it (district,
city and system admins); the resident logs in on a phone with the SMS code read from the
recording SMS double. Each then finds only its own areas in the area switcher (staff) or
only its own community (resident), never the sibling area of the mini city.
"""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from playwright.sync_api import expect

from shequ.accounts.roles import ADMIN_ROLES, Role
from shequ.demo.factories import (
    DEMO_PASSWORD,
    PERSONA_PLACES,
    make_persona,
    make_resident,
    make_staff,
    new_totp_secret,
)

pytestmark = pytest.mark.browser


def _log_in(page: Any, username: str, secret: str | None) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    if secret is not None:
        expect(page).to_have_url(re.compile(r"/accounts/login/totp/$"))
        page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(re.compile(r"/console/$"))


def test_each_staff_role_logs_in_and_sees_only_its_areas(browser: Any, live_server: Any, mini: Any) -> None:
    users: list[tuple[str, Any, str | None, str]] = []
    for role, (_place_a, place_b) in PERSONA_PLACES.items():
        secret = new_totp_secret() if role in ADMIN_ROLES else None
        user = make_persona(mini, role, totp_secret=secret)
        users.append((role, user, secret, str(getattr(mini, place_b))))
    sysadmin_secret = new_totp_secret()
    sysadmin = make_staff("root_admin", Role.SYSTEM_ADMIN, totp_secret=sysadmin_secret)
    users.append((Role.SYSTEM_ADMIN, sysadmin, sysadmin_secret, ""))

    for role, user, secret, sibling in users:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            _log_in(page, user.username, secret)
            expect(page.locator("#area-switcher option")).to_have_count(len(user.active_posts()))
            options = page.locator("#area-switcher option").all_inner_texts()
            assert options == [str(p) for p in user.active_posts()], role
            if sibling and sibling != str(getattr(mini, PERSONA_PLACES[role][0])):
                assert not any(sibling in option for option in options), (role, options)
        finally:
            context.close()


def test_admin_without_totp_cannot_reach_the_console(page: Any, mini: Any) -> None:
    """TOTP is enforced for admin roles: a city admin who has not enrolled must enrol first."""
    admin = make_persona(mini, Role.CITY_ADMIN)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(admin.username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/totp/setup/$"))
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_resident_logs_in_by_sms_and_sees_only_their_community(
    phone_page: Any, mini: Any, sms_outbox: Any
) -> None:
    make_resident("13700137000", home_area=mini.community_a, display_name="居民乙")
    page = phone_page
    page.goto("/accounts/resident/login/")
    page.get_by_label("手机号码").fill("13700137000")
    page.get_by_role("button", name="获取验证码").click()
    message = sms_outbox.last_to("13700137000")
    assert message is not None
    code = re.search(r"\d{6}", message.text)
    assert code is not None
    page.get_by_label("短信验证码").fill(code.group(0))
    page.get_by_role("button", name=re.compile("登录")).click()
    expect(page.locator("body")).to_contain_text(mini.community_a.name)
    assert mini.community_b.name not in page.locator("body").inner_text()
    # A resident has no console: the console sends them back to the portal.
    page.goto("/console/")
    assert "/console/" not in page.url
