"""In a real browser: a rule manager tries the classifier, then changes a category's deadline."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.appeals.models import Category
from shequ.core.testing import open_page_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_classifier"),
]


def test_manager_tries_the_classifier_and_edits_a_category(
    browser: Any, live_server: Any, client: Any, personas: dict[str, Any]
) -> None:
    page = open_page_as(browser, live_server, client, personas[Role.CITY_ADMIN])
    page.goto("/console/appeals/categories/")
    assert page.locator("#appeal-categories tbody tr").count() == 32
    page.fill("#id_text", "楼道里好几辆电瓶车在充电，线从窗户拉下来的")
    page.click("#classify-try button[type=submit]")
    first = page.locator("#classify-suggestions tbody tr").first
    assert "SAF-FIRE" in first.inner_text()
    assert page.locator("#classify-suggestions tbody tr").count() == 3

    page.click("#category-ENV-NOISE a")
    page.fill("#id_response_hours", "1")
    page.fill("#id_reason", "夜间施工投诉一小时内响应")
    page.click("button.button-primary")
    page.wait_for_url("**/console/appeals/categories/")
    assert "1小时" in page.locator("#category-ENV-NOISE").inner_text()
    assert Category.objects.get(code="ENV-NOISE").response_hours == 1
    page.context.close()
