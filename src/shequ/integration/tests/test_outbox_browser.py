"""A resident on a phone finds 我的消息 in the tab bar, reads a message, and it stops being unread."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shequ.core.testing import open_page_as
from shequ.integration.outbox import enqueue
from shequ.integration.outbox.portal import register_portal_link
from shequ.integration.outbox.selectors import inbox_for
from shequ.portal.links import unregister

from .outbox_fixtures import resident

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def portal_link() -> Iterator[None]:
    register_portal_link()
    yield
    unregister("messages")


def test_a_resident_reads_a_message_on_a_phone(
    browser: Any, live_server: Any, client: Any, portal_link: None
) -> None:
    me, other = resident("13900002001", "居民甲"), resident("13900002002", "居民乙")
    enqueue(channel="in_app", recipient=me, text="您的诉求已受理，编号20261122-0001。", dedup_key="a:1")
    enqueue(channel="in_app", recipient=me, text="您的预约已通过。", dedup_key="a:2")
    enqueue(channel="in_app", recipient=other, text="乙的消息", dedup_key="b:1")

    page = open_page_as(browser, live_server, client, me, **PHONE)
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="我的消息").click()
    page.wait_for_url("**/messages/")
    assert page.get_by_test_id("unread-count").inner_text() == "2条未读"
    cards = page.locator(".message-card")
    assert cards.count() == 2
    assert "您的预约已通过" in cards.nth(0).inner_text()  # newest first
    assert "乙的消息" not in page.content()

    cards.nth(1).get_by_role("link").click()
    page.get_by_text("编号20261122-0001").wait_for()
    page.get_by_role("link", name="返回我的消息").click()
    assert page.get_by_test_id("unread-count").inner_text() == "1条未读"
    page.get_by_role("button", name="全部标为已读").click()
    page.get_by_text("已将1条消息标为已读。").wait_for()
    assert page.get_by_test_id("unread-count").count() == 0
    assert inbox_for(me).filter(read_at__isnull=True).count() == 0
    page.context.close()
