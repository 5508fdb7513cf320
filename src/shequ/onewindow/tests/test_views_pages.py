"""Pages: the portal catalogue and forms, the console queue, detail, receipt, reports (bounded queries)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from shequ.onewindow import services
from shequ.onewindow.factories import item, make_application
from shequ.onewindow.models import Application, Material, Status

from .helpers import png_bytes

pytestmark = pytest.mark.django_db


def test_catalogue_and_item_pages_are_public(
    client: Any, catalogue: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        page = client.get("/services/", {"q": "养老"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "居家养老服务补贴申请" in text
    detail = client.get(f"/services/items/{item('dibao').pk}/").content.decode()
    assert "《社会救助暂行办法》" in detail
    assert "30个工作日" in detail
    assert "平台可调取，无需提交" in detail


def test_apply_page_is_prefilled_and_offers_materials_on_file(
    client: Any, applicant: Any, worker: Any
) -> None:
    person, resident = applicant
    first = make_application(person, resident=resident, with_file=True)
    services.application_accept(actor=worker, application=first)
    client.force_login(resident)
    page = client.get(f"/services/items/{item('meal-aid').pk}/apply/").content.decode()
    assert "王秀英" in page
    assert "大悲巷社区" in page
    assert "使用已有材料" in page
    row = first.materials.get()
    response = client.post(
        f"/services/items/{item('meal-aid').pk}/apply/", {"reuse": [str(row.pk)], "note": "谢谢"}
    )
    assert response.status_code == 302
    assert Application.objects.filter(resident=resident).count() == 2


def test_apply_page_shows_the_refusal(client: Any, applicant: Any) -> None:
    _person, resident = applicant
    client.force_login(resident)
    upload = io.BytesIO(b"\x00" * 10)
    upload.name = "x.png"
    response = client.post(
        f"/services/items/{item('meal-aid').pk}/apply/",
        {f"material_{Material.objects.get(code='id_card').pk}": upload},
    )
    assert response.status_code == 400
    assert "格式不支持" in response.content.decode()
    assert Application.objects.count() == 0


def test_console_queue_detail_receipt_and_reports(
    client: Any, applicant: Any, worker: Any, django_assert_max_num_queries: Any
) -> None:
    person, resident = applicant
    apps = [make_application(person, resident=resident) for _ in range(8)]
    services.application_accept(actor=worker, application=apps[0])
    client.force_login(worker)
    with django_assert_max_num_queries(14):
        queue = client.get("/console/onewindow/")
    assert queue.status_code == 200
    assert apps[0].number in queue.content.decode()
    detail = client.get(f"/console/onewindow/applications/{apps[0].pk}/").content.decode()
    assert "打印受理回执" in detail
    receipt = client.get(f"/console/onewindow/applications/{apps[0].pk}/receipt/").content.decode()
    assert "受理回执" in receipt
    assert apps[0].number in receipt
    assert "首问责任人" in receipt
    with django_assert_max_num_queries(12):
        report = client.get("/console/onewindow/reports/")
    assert "老年人助餐服务登记" in report.content.decode()


def test_console_actions_by_form(client: Any, applicant: Any, worker: Any, colleague: Any) -> None:
    person, resident = applicant
    app = make_application(person, resident=resident)
    client.force_login(worker)
    client.post(f"/console/onewindow/applications/{app.pk}/accept/")
    client.post(
        f"/console/onewindow/applications/{app.pk}/handover/", {"to_user": colleague.pk, "note": "换班"}
    )
    app.refresh_from_db()
    assert app.status == Status.ACCEPTED
    assert app.owner == colleague
    response = client.post(
        f"/console/onewindow/applications/{app.pk}/forward/", {"unit": "区民政局"}, follow=True
    )
    assert "首问负责" in response.content.decode()


def test_window_intake_with_camera_capture(client: Any, applicant: Any, worker: Any) -> None:
    import base64

    person, _resident = applicant
    client.force_login(worker)
    page = client.get("/console/onewindow/window/", {"person_id": person.pk, "item": item("meal-aid").pk})
    assert "高拍仪拍摄" in page.content.decode()
    assert "读取身份证" in page.content.decode()
    mid = Material.objects.get(code="id_card").pk
    response = client.post(
        "/console/onewindow/window/",
        {
            "person_id": person.pk,
            "item": item("meal-aid").pk,
            f"camera_{mid}": base64.b64encode(png_bytes()).decode(),
            "proxy_service": "1",
        },
    )
    assert response.status_code == 302
    app = Application.objects.get()
    assert app.proxy_service
    assert app.owner == worker
    assert app.materials.get().source == "camera"


def test_xlsx_export_is_formula_safe(client: Any, applicant: Any, worker: Any) -> None:
    from openpyxl import load_workbook

    from shequ.onewindow.models import ServiceItem

    person, resident = applicant
    ServiceItem.objects.filter(code="meal-aid").update(name='=HYPERLINK("x")')
    make_application(person, resident=resident)
    client.force_login(worker)
    response = client.get("/console/onewindow/reports/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "服务事项"
    assert sheet["A2"].value == '\'=HYPERLINK("x")'
    assert sheet["B2"].value == 1


def test_todo_lists_open_applications_and_follow_ups(
    applicant: Any, worker: Any, django_assert_max_num_queries: Any
) -> None:
    from shequ.onewindow.todo import application_todos

    person, resident = applicant
    for _ in range(5):
        make_application(person, resident=resident)
    with django_assert_max_num_queries(4):
        items = application_todos(worker)
    assert len(items) == 5
    assert all("已提交" in str(i.title) for i in items)
    assert application_todos(resident) == []


def test_certificate_pages(client: Any, applicant: Any, worker: Any) -> None:
    person, _resident = applicant
    client.force_login(worker)
    refused = client.post(
        "/console/onewindow/certificates/",
        {"person_id": person.pk, "kind": "无犯罪记录证明", "purpose": "入职"},
    )
    assert refused.status_code == 400
    assert "不予出具" in refused.content.decode()
    made = client.post(
        "/console/onewindow/certificates/", {"person_id": person.pk, "kind": "居住证明", "purpose": "入学"}
    )
    assert made.status_code == 302
    page = client.get("/console/onewindow/certificates/").content.decode()
    assert "无犯罪记录证明：1" in page


def test_my_applications_and_status_pages(
    client: Any, applicant: Any, django_assert_max_num_queries: Any
) -> None:
    person, resident = applicant
    apps = [make_application(person, resident=resident) for _ in range(10)]
    client.force_login(resident)
    with django_assert_max_num_queries(10):
        page = client.get("/services/mine/")
    assert page.status_code == 200
    assert apps[-1].number in page.content.decode()
    detail = client.get(f"/services/applications/{apps[0].pk}/").content.decode()
    assert apps[0].number in detail
    assert "已提交" in detail
    track = client.get("/services/track/", {"number": apps[0].number}).content.decode()
    assert "track-status" in track
    client.logout()
    anonymous = client.get("/services/track/", {"number": apps[0].number}).content.decode()
    assert "没有查到该办件" in anonymous
    with_tail = client.get(
        "/services/track/", {"number": apps[0].number, "phone_tail": "0101"}
    ).content.decode()
    assert "track-status" in with_tail
    assert "王秀英" not in with_tail
