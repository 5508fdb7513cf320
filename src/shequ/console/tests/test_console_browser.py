"""The console frame in a real browser: each persona's area switcher, switching, small screens."""

from __future__ import annotations

import os
from typing import Any

import pytest

from shequ.accounts.models import Post
from shequ.accounts.roles import Role
from shequ.core.testing import open_page_as as open_as
from shequ.demo.factories import PERSONA_PLACES, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_ROLES = [*PERSONA_PLACES, Role.SYSTEM_ADMIN]


def test_area_switcher_offers_only_own_posts(
    browser: Any, live_server: Any, client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    for role in STAFF_ROLES:
        user = personas[role]
        page = open_as(browser, live_server, client, user)
        try:
            page.goto("/console/")
            options = page.locator("#area-switcher option").all_inner_texts()
            assert options == [str(p) for p in user.active_posts()], role
            places = {p.scope_label for p in user.active_posts()}
            if role in PERSONA_PLACES:
                side_a, side_b = (getattr(mini, name) for name in PERSONA_PLACES[role])
                assert places == {str(side_a)}
                if side_b != side_a:
                    assert not any(str(side_b) in option for option in options), role
                    assert str(side_b) not in page.locator("header.topbar").inner_text()
            assert page.locator("#scope-label").inner_text() in {*places, "全平台"}
        finally:
            page.context.close()
            client.logout()

    # A worker with two posts on side A: both posts, the “all” choice, and switching.
    worker = make_staff("two_posts", Role.COMMUNITY_WORKER, area=mini.community_a, display_name="双岗社工")
    village_post = Post.objects.create(user=worker, role=Role.COMMUNITY_WORKER, area=mini.village_a)
    page = open_as(browser, live_server, client, worker, viewport={"width": 1280, "height": 800})
    try:
        page.goto("/console/")
        assert page.locator("#area-switcher option").all_inner_texts() == [
            "全部岗位",
            "社区工作者 · 大悲巷社区",
            "社区工作者 · 东湖村",
        ]
        assert page.locator("#scope-label").inner_text() == "大悲巷社区、东湖村"
        with page.expect_navigation():
            page.select_option("#area-switcher", str(village_post.pk))
        assert page.locator("#scope-label").inner_text() == "东湖村"
        assert page.locator("#area-switcher").input_value() == str(village_post.pk)
        assert "钓鱼台" not in page.content()
        if os.environ.get("SHEQU_SCREENSHOT_DIR"):
            page.screenshot(
                path=os.path.join(os.environ["SHEQU_SCREENSHOT_DIR"], "console.png"), full_page=True
            )
        with page.expect_navigation():
            page.select_option("#area-switcher", "")
        assert page.locator("#scope-label").inner_text() == "大悲巷社区、东湖村"
    finally:
        page.context.close()
        client.logout()


def test_navigation_collapses_on_a_phone(
    browser: Any, live_server: Any, client: Any, personas: dict[str, Any]
) -> None:
    page = open_as(
        browser, live_server, client, personas[Role.CITY_ADMIN], viewport={"width": 360, "height": 740}
    )
    try:
        page.goto("/console/")
        nav = page.locator("#console-nav")
        toggle = page.locator("#nav-toggle")
        assert toggle.is_visible()
        assert not nav.is_visible()
        toggle.click()
        assert nav.is_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator('#console-nav a[data-nav="home"]').is_visible()
        # Nothing sticks out sideways at 360 px.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        if os.environ.get("SHEQU_SCREENSHOT_DIR"):
            page.screenshot(
                path=os.path.join(os.environ["SHEQU_SCREENSHOT_DIR"], "console-phone.png"), full_page=True
            )
    finally:
        page.context.close()
