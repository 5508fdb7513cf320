"""The acceptance flows in a real browser: a resident on a phone, the window worker at a desk."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from shequ.core.testing import open_page_as
from shequ.onewindow.factories import item
from shequ.onewindow.models import Application, Event, FollowUpStatus, Status

from .helpers import PDF_BYTES, png_bytes

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def png_file(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes()}


@pytest.mark.django_db(transaction=True)
def test_phone_application_returned_completed_delivered_and_badly_rated(
    browser: Any, live_server: Any, applicant: Any, worker: Any, sms_outbox: Any
) -> None:
    from shequ.registry.models import PersonTag, Tag

    person, resident = applicant
    PersonTag.objects.create(person=person, tag=Tag.objects.get(code="elderly_80"), since=date(2025, 1, 1))
    phone = open_page_as(browser, live_server, Client(), resident, **PHONE)
    desk = open_page_as(browser, live_server, Client(), worker)

    # the resident finds the item and applies: the form arrives filled from the registry
    phone.goto("/services/")
    phone.fill("#q", "居家养老")
    phone.click("button[type=submit]")
    phone.click("text=居家养老服务补贴申请")
    phone.click("#apply")
    assert phone.text_content("#pf-name") == "王秀英"
    assert phone.text_content("#pf-community") == "大悲巷社区"
    assert "*" in (phone.text_content("#pf-id") or "")
    assert phone.locator("[data-material=hukou] .supplied").is_visible()
    phone.set_input_files("[data-material=id_card] input[type=file]", png_file("身份证.png"))
    phone.set_input_files("[data-material=service_needs] input[type=file]", png_file("评估表.png"))
    phone.click("#submit-application")
    number = phone.text_content("#number")
    assert phone.text_content("#status") == "已提交"
    app = Application.objects.get(number=number)

    # the window returns it with one notice listing both missing materials
    desk.goto(f"/console/onewindow/applications/{app.pk}/")
    income_id = app.version.item_materials.get(material__code="income_statement").material_id
    bank_id = app.version.item_materials.get(material__code="bank_card").material_id
    desk.check(f"#return-form input[value='{income_id}']")
    desk.check(f"#return-form input[value='{bank_id}']")
    desk.fill("#return-note", "请一次补齐")
    desk.click("#return")
    assert desk.text_content("#status") == "退回补正"
    sms = sms_outbox.last_to("13951000101")
    assert sms is not None
    assert "家庭收入情况说明" in sms.text
    assert "银行卡（折）" in sms.text

    # the resident adds them on the phone
    phone.reload()
    notice = phone.text_content("#notice") or ""
    assert "家庭收入情况说明" in notice
    assert "银行卡（折）" in notice
    phone.set_input_files(f"#r{income_id}", png_file("收入.png"))
    phone.set_input_files(
        f"#r{bank_id}", {"name": "银行卡.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    phone.click("#resubmit")
    assert phone.text_content("#status") == "已补正"

    # accepted, approved and delivered at the window
    desk.reload()
    desk.click("#accept")
    assert desk.text_content("#status") == "已受理"
    desk.click("#receipt")
    assert "受理回执" in (desk.text_content("#receipt-sheet") or "")
    desk.go_back()
    desk.click("#approve")
    desk.fill("#dnote", "短信通知，上门送达")
    desk.click("#deliver")
    assert desk.text_content("#status") == "已送达"

    # a bad rating opens a follow-up that the community answers
    phone.reload()
    phone.check("#rate input[value='1']")
    phone.fill("#comment", "等待时间太长")
    phone.click("#rate-submit")
    assert "待回访" in (phone.text_content("#follow-up") or "")
    desk.reload()
    desk.fill("#answer", "已优化审核流程，向您致歉")
    desk.click("#answer-submit")
    desk.click("#close-follow-up")
    assert "已办结" in (desk.text_content("#follow-up-status") or "")
    phone.reload()
    assert "已优化审核流程" in (phone.text_content("#follow-up") or "")
    app.refresh_from_db()
    assert app.status == Status.DELIVERED
    assert app.rating.follow_up.status == FollowUpStatus.CLOSED
    assert "回访已办结" in sms_outbox.last_to("13951000101").text
    phone.context.close()
    desk.context.close()


@pytest.mark.django_db(transaction=True)
def test_proxy_service_with_handover_followed_by_number(
    browser: Any, live_server: Any, applicant: Any, worker: Any, colleague: Any, devices: Any
) -> None:
    person, _resident = applicant
    devices.RecordingIdCardReader.put(
        devices.IdCardData(
            name="王秀英", id_number=person.id_number.plaintext_for_processing(), address="丹凤街12号"
        )
    )
    desk = open_page_as(browser, live_server, Client(), worker)
    desk.goto("/console/onewindow/window/")
    desk.click("#read-id-card")
    desk.wait_for_selector("#applicant")
    assert "王秀英" in (desk.text_content("#applicant") or "")
    desk.select_option("#item", str(item("meal-aid").pk))
    desk.click("#choose-item")
    desk.click("button.capture")
    desk.wait_for_selector("button.capture:has-text('已拍摄')")
    desk.check("input[name=proxy_service]")
    desk.click("#intake-submit")
    assert desk.text_content("#status") == "已提交"
    app = Application.objects.get()
    assert app.proxy_service
    assert app.owner == worker
    assert len(devices.RecordingDocumentCamera.calls) == 1
    desk.click("#accept")
    desk.fill("#unit", "街道社会事务办")
    desk.click("#forward")
    desk.select_option("#to_user", str(colleague.pk))
    desk.click("#handover")
    assert "李社工" in (desk.text_content("#owner") or "")
    desk.context.close()

    second = open_page_as(browser, live_server, Client(), colleague)
    second.goto(f"/console/onewindow/applications/{app.pk}/")
    second.fill("#unit", "区民政局")
    second.click("#forward")
    assert Event.objects.filter(application=app, kind="forward").count() == 2
    assert Event.objects.filter(application=app, kind="handover").exists()
    second.context.close()

    # the resident, not signed in, follows it by number with the phone's last four digits
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url, **PHONE
    )
    visitor = context.new_page()
    visitor.goto("/services/track/")
    visitor.fill("#number", app.number)
    visitor.fill("#tail", "0101")
    visitor.click("#track-submit")
    assert visitor.text_content("#track-status") == "办理中"
    timeline = visitor.text_content("#timeline") or ""
    assert "区民政局" in timeline
    assert "移交给李社工" in timeline
    context.close()
