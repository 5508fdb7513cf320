"""Acceptance, on a phone-sized page: a grid worker logs a household visit with a photo and a hazard
check, once online and once with the network cut and restored; the server has exactly one of each.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from shequ.core.testing import sign_in_browser
from shequ.demo.factories import make_household, make_person
from shequ.gridwork.factories import png_bytes
from shequ.gridwork.models import Finding, HazardCheck, Photo, Visit

pytestmark = pytest.mark.browser

HERE = {"latitude": 32.0603, "longitude": 118.7969, "accuracy": 12}


def _photo(color: tuple[int, int, int]) -> dict[str, Any]:
    return {"name": "photo.png", "mimeType": "image/png", "buffer": png_bytes(640, 480, color)}


def _log_visit(page: Any, household: Any, summary: str, color: tuple[int, int, int]) -> None:
    page.goto("/field/visits/new/")
    page.get_by_label("走访住户").select_option(str(household.pk))
    page.get_by_label("走访情况").fill(summary)
    page.get_by_role("button", name="添加需求").click()
    page.locator(".need-row select").select_option("elderly_care")
    page.locator(".need-row input").fill("希望社区提供助餐")
    page.locator("#visit-photo").set_input_files(_photo(color))
    expect(page.locator('[data-previews="photos"] img')).to_have_count(1)
    page.get_by_role("button", name="保存走访").click()


def _log_check(page: Any, location: str) -> None:
    page.goto("/field/checks/new/")
    page.get_by_label("检查地点").fill(location)
    ebike = page.locator('fieldset[data-template="ebike"] .check-item')
    first = ebike.nth(0)
    first.get_by_text("不合格").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone
    first.locator("[name=finding-severity]").select_option("medium")
    first.locator("input[type=file]").set_input_files(_photo((200, 60, 20)))
    expect(first.locator(".photo-previews img")).to_have_count(1)
    for i in range(1, ebike.count()):
        ebike.nth(i).get_by_text("合格", exact=True).click()
    page.get_by_role("button", name="保存排查").click()


def test_visit_and_check_online_and_offline_each_sent_once(
    phone_page: Any, live_server: Any, client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    worker = personas["grid_worker"]
    first = make_household(mini.grid_a, head=make_person(mini.grid_a, "王秀英", seq=41))
    second = make_household(mini.grid_a, head=make_person(mini.grid_a, "周桂兰", seq=42), address="丹凤街3号")
    page = phone_page
    context = page.context
    context.grant_permissions(["geolocation"])
    context.set_geolocation(HERE)
    sign_in_browser(context, client, worker, live_server.url)
    status = page.locator("#queue-status")

    # online: a visit with a photo, then a check
    _log_visit(page, first, "入户走访，老人独居，身体尚可", (30, 120, 200))
    expect(status).to_have_text("已发送")
    assert Visit.objects.count() == 1
    _log_check(page, "1栋楼道")
    expect(status).to_have_text("已发送")
    assert HazardCheck.objects.count() == 1

    # offline: the form page was loaded online; the visit is entered and saved with the network cut
    page.goto("/field/visits/new/")
    context.set_offline(True)
    page.get_by_label("走访住户").select_option(str(second.pk))
    page.get_by_label("走访情况").fill("断网时登记的走访")
    page.locator("#visit-photo").set_input_files(_photo((90, 90, 90)))
    expect(page.locator('[data-previews="photos"] img')).to_have_count(1)
    page.get_by_role("button", name="保存走访").click()
    expect(status).to_contain_text("待发送 1 条")
    assert Visit.objects.count() == 1  # still only in the browser's queue

    # … and sent once the connection returns
    context.set_offline(False)
    expect(status).to_have_text("已发送")
    assert Visit.objects.count() == 2

    page.goto("/field/checks/new/")
    context.set_offline(True)
    page.get_by_label("检查地点").fill("车棚（断网）")
    row = page.locator('fieldset[data-template="escape"] .check-item').nth(0)
    row.get_by_text("不合格").click()
    page.get_by_role("button", name="保存排查").click()
    expect(status).to_contain_text("待发送 1 条")
    assert HazardCheck.objects.count() == 1

    # the connection returns, but the first answer is lost on the way back: the client sends again
    lost = {"n": 0}

    def lose_first_answer(route: Any) -> None:
        if lost["n"] == 0:
            lost["n"] += 1
            route.fetch()  # the server receives and stores it …
            route.abort()  # … and the browser never hears back
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/gridwork/checks$"), lose_first_answer)
    with page.expect_event("requestfailed"):
        context.set_offline(False)  # the queue flushes when the browser is back online
    expect(status).to_contain_text("待发送 1 条")
    assert HazardCheck.objects.count() == 2  # stored once, though the browser thinks it failed
    page.evaluate("window.shequFieldQueue.flush()")
    expect(status).to_have_text("已发送")
    page.unroute(re.compile(r".*/api/v1/gridwork/checks$"))

    # exactly one of each on the server
    assert Visit.objects.count() == 2
    assert HazardCheck.objects.count() == 2
    offline_visit = Visit.objects.get(household=second)
    assert offline_visit.summary == "断网时登记的走访"
    assert offline_visit.photos.count() == 1
    offline_check = HazardCheck.objects.get(location="车棚（断网）")
    assert offline_check.findings.count() == 1
    assert Finding.objects.filter(check_record__location="1栋楼道", severity="medium").count() == 1
    photo = Photo.objects.filter(visit__household=first).get()
    assert float(photo.lat) == pytest.approx(32.0603)
    assert float(photo.lng) == pytest.approx(118.7969)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", photo.watermark)
    assert mini.grid_a.name in photo.watermark
    assert "北纬 32.060300" in photo.watermark
    assert Photo.objects.filter(finding__check_record__location="1栋楼道").count() == 1
    assert page.evaluate("window.shequFieldQueue.all().then(function (a) { return a.length; })") == 0
