"""In a real browser: a resident files on a phone, a dispatcher dispatches, the unit's return is refused,
it handles the case, a grid worker verifies, the dispatcher closes it, the resident rates it and the
three-rates page counts it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shequ.appeals.models import Case, CaseState
from shequ.core.testing import open_page_as, sign_in_browser

from .cases_support import draw_grids, jpeg_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _photo(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes()}


def test_a_case_from_a_phone_to_verified(
    phone_page: Any, browser: Any, live_server: Any, mini: Any, personas: dict[str, Any]
) -> None:
    draw_grids(mini)
    sign_in_browser(phone_page.context, Client(), personas["resident"], live_server.url)
    phone_page.goto("/appeals/")
    phone_page.fill("#text", "大悲巷5号门口垃圾堆了好几天没人清运，臭得很")
    phone_page.set_input_files("#photos", files=[_photo("门口.jpg")])
    phone_page.wait_for_selector("#case-map.leaflet-container")
    phone_page.click("#case-map")
    assert phone_page.input_value("#lng")
    assert phone_page.input_value("#lat")
    phone_page.click("#appeal-submit")
    phone_page.wait_for_selector("#resident-case-state")
    assert phone_page.inner_text("#resident-case-state") == "待分拨"
    case = Case.objects.get()
    assert case.area == mini.grid_a
    assert case.photos.count() == 1

    dispatcher = open_page_as(browser, live_server, Client(), personas["community_worker"])
    dispatcher.goto(f"/console/appeals/cases/{case.pk}/")
    assert "垃圾清运与乱堆乱放" in dispatcher.inner_text("#case-suggestions")
    assert dispatcher.input_value("#dispatch-category") == "ENV-WASTE"
    dispatcher.click("#do-dispatch")
    dispatcher.wait_for_selector("#case-state")
    assert dispatcher.inner_text("#case-state") == "待签收"

    unit = open_page_as(browser, live_server, Client(), personas["department_handler"])
    unit.goto(f"/console/appeals/cases/{case.pk}/")
    unit.fill("#return-reason", "应由街道执法队处理")
    unit.click("#do-request-return")
    assert unit.inner_text("#case-state") == "退单待审"

    dispatcher.reload()
    dispatcher.fill("#refuse-note", "生活垃圾清运属城管职责，请办理")
    dispatcher.click("#do-refuse-return")
    assert dispatcher.inner_text("#case-state") == "待签收"

    unit.reload()
    unit.check("#accept-contacted")
    unit.click("#do-accept")
    assert unit.inner_text("#case-state") == "办理中"
    unit.fill("#handle-result", "已安排环卫车辆清运完毕")
    unit.set_input_files("#handle-before", files=[_photo("before.jpg")])
    unit.set_input_files("#handle-after", files=[_photo("after.jpg")])
    unit.click("#do-handle")
    assert unit.inner_text("#case-state") == "待核查"

    worker = open_page_as(browser, live_server, Client(), personas["grid_worker"])
    worker.goto(f"/console/appeals/cases/{case.pk}/")
    worker.fill("#verify-note", "现场已清理干净")
    worker.click("#do-verify")
    assert worker.inner_text("#case-state") == "已核查"

    dispatcher.reload()
    dispatcher.click("#do-close")
    assert dispatcher.inner_text("#case-state") == "已办结"
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert list(case.events.values_list("kind", flat=True)) == [
        "submit",
        "dispatch",
        "request_return",
        "refuse_return",
        "accept",
        "handle",
        "verify",
        "close",
    ]
    phone_page.reload()
    assert phone_page.inner_text("#resident-case-state") == "已办结"
    phone_page.check("#resolved-yes")
    phone_page.check("#level-satisfied")
    phone_page.fill("#rate-comment", "清运及时，谢谢")
    phone_page.click("#rate-submit")
    phone_page.wait_for_selector("#case-ratings")
    assert "满意" in phone_page.inner_text("#case-ratings")
    assert phone_page.locator("#rate-form").count() == 0
    case.refresh_from_db()
    assert (case.rating_resolved, case.rating_level) == (True, "satisfied")
    assert case.contacted_at is not None

    # the three-rates page counts it: dispatched, answered in time, rated resolved and satisfied
    dispatcher.goto("/console/appeals/rates/")
    row = dispatcher.locator("#rates-unit tr", has_text="玄武区城市管理局")
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    # rank | dispatched | on time | response | rated | resolved | resolution | satisfied | basic |
    # dissatisfied | satisfaction | composite
    assert cells == ["1", "1", "1", "100.0%", "1", "1", "100.0%", "1", "0", "0", "100.0%", "100.0"]
    assert "响应率" in dispatcher.inner_text("#rates-definitions")
    row.locator("td").nth(4).locator("a").click()
    dispatcher.wait_for_load_state()
    assert case.number in dispatcher.inner_text("main")
    for p in (dispatcher, unit, worker):
        p.context.close()
