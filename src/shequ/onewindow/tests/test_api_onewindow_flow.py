"""The one-window API: submit with an idempotency key, act at the window, scoped reads, bounded queries."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from shequ.onewindow.factories import item, make_application
from shequ.onewindow.models import Application, Material

from .helpers import PDF_BYTES, png_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1/onewindow"


def post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def mat(code: str) -> Material:
    return Material.objects.get(code=code)


def allowance_body(**extra: Any) -> dict[str, Any]:
    return {
        "item_id": item("elderly-allowance").pk,
        "uploads": [
            {"material_id": mat("id_card").pk, "filename": "id.png", "content_base64": b64(png_bytes())},
            {"material_id": mat("bank_card").pk, "filename": "bank.pdf", "content_base64": b64(PDF_BYTES)},
        ],
        **extra,
    }


def test_resident_prefill_submit_and_window_flow(client: Any, applicant: Any, worker: Any) -> None:
    _person, resident = applicant
    client.force_login(resident)
    pre = client.get(f"{API}/items/{item('elderly-allowance').pk}/prefill").json()
    assert pre["found"]
    assert pre["name"] == "王秀英"
    assert pre["community"] == "大悲巷社区"
    assert pre["id_number_masked"].startswith("32")
    assert "*" in pre["id_number_masked"]
    assert pre["eligible"] is True
    assert pre["supplied_material_ids"] == [mat("hukou").pk]
    key = str(uuid.uuid4())
    first = post(client, f"{API}/applications", allowance_body(idempotency_key=key))
    assert first.status_code == 201, first.content
    again = post(client, f"{API}/applications", allowance_body(idempotency_key=key))
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Application.objects.count() == 1
    app_id = first.json()["id"]
    assert post(client, f"{API}/applications/{app_id}/accept").status_code == 403
    client.force_login(worker)
    accepted = post(client, f"{API}/applications/{app_id}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["time_state"] == "green"
    wrong = post(client, f"{API}/applications/{app_id}/accept")
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["status"] == ["办件当前状态为“已受理”，不能受理该办件。"]
    assert post(client, f"{API}/applications/{app_id}/decide", {"approved": True}).status_code == 200
    assert post(client, f"{API}/applications/{app_id}/deliver", {"note": "邮寄"}).status_code == 200
    client.force_login(resident)
    rated = post(client, f"{API}/applications/{app_id}/rating", {"level": 1, "comment": "态度差"})
    assert rated.status_code == 200
    assert rated.json()["follow_up"] == "open"
    client.force_login(worker)
    assert (
        post(client, f"{API}/applications/{app_id}/follow-up/answer", {"answer": "已约谈"}).status_code == 200
    )
    closed = post(client, f"{API}/applications/{app_id}/follow-up/close")
    assert closed.json()["follow_up"] == "closed"


def test_bad_upload_over_the_api_is_a_400_on_its_field(client: Any, applicant: Any) -> None:
    _person, resident = applicant
    client.force_login(resident)
    body = allowance_body()
    body["uploads"][1]["content_base64"] = b64(b"<html>not a pdf</html>")
    response = post(client, f"{API}/applications", body)
    assert response.status_code == 400
    assert "格式不支持" in response.json()["errors"][f"material_{mat('bank_card').pk}"][0]
    body["uploads"][1]["content_base64"] = "***"
    assert post(client, f"{API}/applications", body).status_code == 400
    assert Application.objects.count() == 0


def test_another_residents_application_is_404(client: Any, mini: Any, applicant: Any) -> None:
    from shequ.demo.factories import make_resident

    person, resident = applicant
    app = make_application(person, resident=resident)
    stranger = make_resident("13951000999", home_area=mini.community_a)
    client.force_login(stranger)
    assert client.get(f"{API}/applications/{app.pk}").status_code == 404
    assert post(client, f"{API}/applications/{app.pk}/rating", {"level": 5}).status_code == 404
    client.force_login(resident)
    assert client.get(f"{API}/applications/{app.pk}").status_code == 200


def test_staff_see_only_their_areas(client: Any, mini: Any, applicant: Any, worker: Any) -> None:
    from shequ.onewindow.factories import make_applicant

    person, resident = applicant
    mine = make_application(person, resident=resident)
    other, _u = make_applicant(mini.grid_b, name="钱多多", phone="13951000105", seq=11, with_account=False)
    theirs = make_application(other)
    client.force_login(worker)
    listed = client.get(f"{API}/applications").json()
    assert [a["id"] for a in listed["items"]] == [mine.pk]
    assert client.get(f"{API}/applications/{theirs.pk}").status_code == 404
    assert post(client, f"{API}/applications/{theirs.pk}/accept").status_code == 404


def test_list_answers_in_bounded_queries(
    client: Any, applicant: Any, worker: Any, django_assert_max_num_queries: Any
) -> None:
    person, resident = applicant
    for _ in range(12):
        make_application(person, resident=resident)
    client.force_login(worker)
    with django_assert_max_num_queries(12):
        response = client.get(f"{API}/applications?limit=50")
    assert response.json()["count"] == 12


def test_track_by_number_own_or_with_phone_tail(client: Any, applicant: Any) -> None:
    person, resident = applicant
    app = make_application(person, resident=resident)
    url = f"{API}/applications/track"
    assert client.get(url, {"number": app.number}).status_code == 404
    assert client.get(url, {"number": app.number, "phone_tail": "0000"}).status_code == 404
    public = client.get(url, {"number": app.number, "phone_tail": "0101"})
    assert public.status_code == 200
    assert public.json()["status"] == "submitted"
    assert "王秀英" not in public.content.decode()
    client.force_login(resident)
    assert client.get(url, {"number": app.number}).status_code == 200


def test_devices_use_the_configured_backend_and_record_calls(
    client: Any, applicant: Any, worker: Any, devices: Any
) -> None:
    person, _resident = applicant
    devices.RecordingIdCardReader.put(
        devices.IdCardData(
            name="王秀英", id_number=person.id_number.plaintext_for_processing(), address="丹凤街12号"
        )
    )
    client.force_login(worker)
    card = post(client, f"{API}/devices/id-card").json()
    assert card["person_id"] == person.pk
    assert card["name"] == "王秀英"
    assert card["id_number_masked"].count("*") == 14
    empty = post(client, f"{API}/devices/id-card")
    assert empty.status_code == 400
    assert "未读到身份证" in empty.json()["errors"]["device"][0]
    shot = post(client, f"{API}/devices/camera").json()
    assert base64.b64decode(shot["content_base64"]).startswith(b"\x89PNG")
    assert [c.device for c in devices.RecordingIdCardReader.calls] == ["id_card", "id_card"]
    assert len(devices.RecordingDocumentCamera.calls) == 1
    client.force_login(_resident)
    assert post(client, f"{API}/devices/id-card").status_code == 403


def test_certificate_api_issue_refuse_and_pdf(client: Any, applicant: Any, worker: Any) -> None:
    person, _resident = applicant
    client.force_login(worker)
    made = post(
        client, f"{API}/certificates", {"kind": "居住证明", "purpose": "入学", "person_id": person.pk}
    )
    assert made.status_code == 201
    pdf = client.get(f"{API}/certificates/{made.json()['id']}/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    refused = post(
        client, f"{API}/certificates", {"kind": "无犯罪记录证明", "purpose": "入职", "person_id": person.pk}
    )
    assert refused.status_code == 400
    assert "公通字" in refused.json()["errors"]["kind"][0]


def test_catalogue_api(client: Any, applicant: Any) -> None:
    _person, resident = applicant
    client.force_login(resident)
    found = client.get(f"{API}/items", {"q": "低保"}).json()
    assert any(i["code"] == "dibao" for i in found["items"])
    detail = client.get(f"{API}/items/{item('dibao').pk}").json()
    assert detail["commitment_allowed"] is True
    assert detail["time_limit_days"] == 30
    assert {m["code"] for m in detail["materials"]} >= {"id_card", "hukou"}


def test_a_window_application_is_the_residents_own_too(client: Any, applicant: Any, worker: Any) -> None:
    from shequ.onewindow import services

    person, resident = applicant
    app = make_application(person)  # made at the window: no resident account on it
    client.force_login(resident)
    listed = client.get(f"{API}/applications").json()
    assert [a["id"] for a in listed["items"]] == [app.pk]
    services.application_accept(actor=worker, application=app)
    services.application_decide(actor=worker, application=app, approved=True)
    services.application_deliver(actor=worker, application=app)
    rated = post(client, f"{API}/applications/{app.pk}/rating", {"level": 5})
    assert rated.status_code == 200
    assert rated.json()["rating"] == 5
