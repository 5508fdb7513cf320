"""In a real browser: a resident files on a phone, a dispatcher dispatches, the unit's return is refused,
it handles the case, a grid worker verifies and the dispatcher closes it."""

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
    for p in (dispatcher, unit, worker):
        p.context.close()
