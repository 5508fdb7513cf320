"""The audit viewer in a real browser: filter by a Chinese date, see the field error, open an entry."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shequ.core.testing import make_audit_entry, sign_in_browser


@pytest.mark.browser
def test_filter_and_open_an_entry(page: Any, live_server: Any) -> None:
    from shequ.accounts.roles import Role
    from shequ.demo.factories import make_mini_city, make_persona

    mini = make_mini_city()
    head = make_persona(mini, Role.COMMUNITY_HEAD)
    now = timezone.now()
    make_audit_entry(area=mini.community_a, action="registry.person.update", object_repr="张三户", at=now)
    make_audit_entry(
        area=mini.community_a,
        action="registry.person.create",
        object_repr="李四户",
        at=now - timedelta(days=30),
        changes={"name": ["李四", "李肆"]},
    )
    make_audit_entry(area=mini.community_b, action="registry.person.update", object_repr="外区某户", at=now)
    client = Client()
    sign_in_browser(page.context, client, head, live_server.url)

    page.goto("/console/audit/")
    table = page.locator("table.audit-table")
    assert table.get_by_text("张三户").count() == 1
    assert table.get_by_text("李四户").count() == 1
    assert page.get_by_text("外区某户").count() == 0

    page.fill("#id_date_from", "2026年13月1日")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_selector("#date_from-errors")
    assert "请输入有效的日期" in page.inner_text("#date_from-errors")

    start = timezone.localdate() - timedelta(days=1)
    page.fill("#id_date_from", f"{start.year}年{start.month}月{start.day}日")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert table.get_by_text("张三户").count() == 1
    assert table.get_by_text("李四户").count() == 0
    if os.environ.get("SHEQU_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SHEQU_SCREENSHOTS"], "audit-list.png"), full_page=True)

    page.fill("#id_date_from", "")
    page.fill("#id_q", "李四")
    page.get_by_role("button", name="筛选").click()
    page.locator("table.audit-table a").first.click()
    page.wait_for_selector("h1")
    assert "审计记录" in page.inner_text("h1")
    assert "李肆" in page.inner_text("#content")
    if os.environ.get("SHEQU_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["SHEQU_SCREENSHOTS"], "audit-detail.png"), full_page=True
        )
