"""A resident on a phone books a slot; another resident then sees it taken."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.commons.factories import make_space, next_slot
from shequ.commons.models import Booking
from shequ.core.testing import sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_books_on_a_phone_and_the_slot_is_taken_for_another(
    phone_page: Any, live_server: Any, client: Any, mini: Any
) -> None:
    from shequ.demo.factories import make_resident

    space = make_space(mini.community_a, "多功能活动室", capacity=20, open_on_holidays=True)
    wang = make_resident("13911110001", home_area=mini.community_a, display_name="王秀英")
    li = make_resident("13911110002", home_area=mini.community_a, display_name="李建国")
    start = next_slot(2, 10)
    week = start.date().isoformat()

    sign_in_browser(phone_page.context, client, wang, live_server.url)
    phone_page.goto(f"/commons/spaces/{space.pk}/?week={week}")
    phone_page.locator(f'li.slot-free[data-start="{start.isoformat()}"] a').click()
    phone_page.fill("#attendees", "6")
    phone_page.fill("#purpose", "老年合唱队排练")
    phone_page.click("#book-submit")
    phone_page.wait_for_selector(f'li.slot-mine[data-start="{start.isoformat()}"]')
    assert Booking.objects.filter(booker=wang, starts_at=start).exists()

    other = phone_page.context.browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    try:
        sign_in_browser(other, client, li, live_server.url)
        page = other.new_page()
        page.set_default_timeout(15000)
        page.goto(f"/commons/spaces/{space.pk}/?week={week}")
        taken = page.locator(f'li.slot-taken[data-start="{start.isoformat()}"]')
        assert taken.count() == 1
        assert "已约满" in taken.inner_text()
        assert page.locator(f'li.slot-free[data-start="{start.isoformat()}"]').count() == 0
        # a stale form for that slot is refused with a clear message
        page.goto(f"/commons/spaces/{space.pk}/?slot={start.isoformat().replace('+', '%2B')}")
        page.fill("#purpose", "下棋")
        page.click("#book-submit")
        assert "该时段已被预约，请选择其他时段。" in page.locator(".field-error").first.inner_text()
    finally:
        other.close()
