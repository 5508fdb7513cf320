"""Shared fixtures: the mini city, personas for every role, a real browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture
def mini(db: Any) -> Any:
    from shequ.demo.factories import make_mini_city

    return make_mini_city()


@pytest.fixture
def personas(mini: Any) -> dict[str, Any]:
    """One user per role on side A of the mini city (system admin and a resident included)."""
    from shequ.accounts.roles import Role
    from shequ.demo.factories import PERSONA_PLACES, make_persona, make_resident, make_staff

    people: dict[str, Any] = {role: make_persona(mini, role) for role in PERSONA_PLACES}
    people[Role.SYSTEM_ADMIN] = make_staff("sysadmin", Role.SYSTEM_ADMIN, display_name="系统管理员")
    people["resident"] = make_resident("13800138000", home_area=mini.community_a, display_name="居民甲")
    return people


@pytest.fixture
def sms_outbox() -> Iterator[Any]:
    from shequ.integration.sms import RecordingSMSBackend

    RecordingSMSBackend.clear()
    yield RecordingSMSBackend
    RecordingSMSBackend.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized page (360 × 740, touch) as residents and grid workers use it."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
