"""POST Service Request: the API key, the parameters, the errors, idempotency."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.appeals.models import Case, Channel
from shequ.appeals.tests.cases_support import OUTSIDE, POINT_A

from .conftest import file_request, json_of, xml_of

pytestmark = pytest.mark.django_db


def _errors(response: Any) -> str:
    return " ".join(e["description"] for e in json_of(response))


def test_a_request_becomes_a_case_and_answers_a_one_item_list(client: Any, grids: Any, app_key: Any) -> None:
    app, key = app_key
    response = file_request(
        client,
        key,
        account_id="u-42",
        first_name="建国",
        last_name="王",
        phone="13812345678",
        email="wang@example.com",
        device_id="dev-1",
        media_url="https://img.example.com/p/1.jpg",
        **{"attribute[is_public]": "yes", "attribute[danger]": "no"},
    )
    assert response.status_code == 201, response.content
    [item] = json_of(response)  # the spec's POST answer: id, notice, account id (no request schema)
    case = Case.objects.get()
    assert item == {
        "service_request_id": case.number,
        "service_notice": item["service_notice"],
        "account_id": "u-42",
    }
    assert isinstance(item["service_request_id"], str)
    assert item["service_notice"]
    assert case.channel == Channel.OPEN311
    assert case.category is not None
    assert case.category.code == "ENV-WASTE"
    assert case.area == grids.grid_a
    assert case.is_public is True
    assert case.danger is False
    assert case.submitter_key == f"open311:{app.pk}"
    assert case.requester_name.plaintext_for_processing() == "王建国"
    assert case.requester_phone.plaintext_for_processing() == "13812345678"
    link = case.open311_request
    assert (link.client, link.media_url, link.account_id, link.device_id) == (
        app,
        "https://img.example.com/p/1.jpg",
        "u-42",
        "dev-1",
    )


def test_the_xml_answer_is_a_service_requests_list(client: Any, grids: Any, app_key: Any) -> None:
    root = xml_of(file_request(client, app_key[1], "xml"))
    assert root.tag == "service_requests"
    [item] = root.findall("request")
    assert item.findtext("service_request_id") == Case.objects.get().number
    account = item.find("account_id")
    assert account is not None
    assert account.text is None


def test_parameters_from_the_query_string_or_the_body(client: Any, grids: Any, app_key: Any) -> None:
    """§1.11: api_key (and everything else) may come in the query string of a POST."""
    key = app_key[1]
    query = f"api_key={key}&service_code=ENV-WASTE&lat={POINT_A[1]}&long={POINT_A[0]}"
    response = client.post(f"/open311/v2/requests.json?{query}", data={"description": "路灯不亮"})
    assert response.status_code == 201
    assert Case.objects.get().text == "路灯不亮"


def test_multipart_bodies_are_read_too(client: Any, grids: Any, app_key: Any) -> None:
    from django.test.client import MULTIPART_CONTENT

    response = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": app_key[1],
            "service_code": "ENV-WASTE",
            "lat": str(POINT_A[1]),
            "long": str(POINT_A[0]),
            "description": "多部分表单",
        },
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 201


def test_empty_parameters_are_absent(client: Any, grids: Any, app_key: Any) -> None:
    """§1.11: ``email=``, ``jurisdiction_id=``, ``address_id=`` change nothing."""
    response = file_request(
        client, app_key[1], email="", jurisdiction_id="", address_id="", phone="", media_url=""
    )
    assert response.status_code == 201, response.content
    assert json_of(response)[0]["account_id"] is None


def test_a_missing_unknown_or_revoked_key_is_403(client: Any, grids: Any, app_key: Any) -> None:
    from shequ.open311.services import api_client_revoke

    app, key = app_key
    for bad in (None, "", "o311_nonsense"):
        response = file_request(client, bad)  # type: ignore[arg-type]
        assert response.status_code == 403
        [error] = json_of(response)
        assert error["code"] == 403
        assert "api_key" in error["description"]
    api_client_revoke(actor=None, client=app)
    response = file_request(client, key, "xml")
    assert response.status_code == 403
    assert xml_of(response).findtext("error/code") == "403"
    assert not Case.objects.exists()


def test_bad_input_is_400_with_the_field_named(client: Any, grids: Any, app_key: Any) -> None:
    key = app_key[1]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"service_code": ""}, "service_code"),
        ({"lat": "", "long": ""}, "lat/long"),
        ({"lat": str(OUTSIDE[1]), "long": str(OUTSIDE[0])}, "lat/long"),
        ({"lat": "abc"}, "lat/long"),
        ({"long": ""}, "lat/long"),
        ({"lat": "", "long": "", "address_id": "A-1"}, "address_id"),
        ({"lat": "", "long": "", "address_string": "某某路"}, "address_string"),
        ({"description": "长" * 4001}, "description"),
        ({"attribute[danger]": "maybe"}, "attribute[danger]"),
        ({"attribute[crs]": "utm"}, "attribute[crs]"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"phone": "12345"}, "phone"),
        ({"description": "含控制字符\x01"}, "description"),
    ]
    for fields, name in cases:
        response = file_request(client, key, **fields)
        assert response.status_code == 400, (fields, response.content)
        errors = json_of(response)
        assert all(e["code"] == 400 for e in errors)
        assert name in _errors(response), (fields, errors)
    assert not Case.objects.exists()


def test_an_unknown_service_is_404(client: Any, grids: Any, app_key: Any) -> None:
    response = file_request(client, app_key[1], service_code="NOPE")
    assert response.status_code == 404
    assert "NOPE" in _errors(response)


def test_a_point_in_gcj02_is_converted(client: Any, grids: Any, app_key: Any) -> None:
    from shequ.core.geo import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(*POINT_A)
    response = file_request(client, app_key[1], lat=str(y), long=str(x), **{"attribute[crs]": "gcj02"})
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.lng == pytest.approx(POINT_A[0], abs=1e-5)
    assert case.lat == pytest.approx(POINT_A[1], abs=1e-5)


def test_an_address_naming_a_community_places_the_case_there(client: Any, grids: Any, app_key: Any) -> None:
    response = file_request(
        client, app_key[1], lat="", long="", address_string="玄武区梅园新村街道大悲巷社区北门"
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.area == grids.community_a
    assert case.address == "玄武区梅园新村街道大悲巷社区北门"
    assert not case.has_point


def test_without_a_description_the_service_name_is_the_text(client: Any, grids: Any, app_key: Any) -> None:
    assert file_request(client, app_key[1], description="").status_code == 201
    assert Case.objects.get().text == "垃圾清运与乱堆乱放"


def test_html_is_kept_as_text_and_escaped_on_the_way_out(client: Any, grids: Any, app_key: Any) -> None:
    text = '<script>alert("x")</script><b>垃圾</b> & 污水'
    response = file_request(client, app_key[1], description=text, **{"attribute[is_public]": "yes"})
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.text == text
    body = client.get(f"/open311/v2/requests/{case.number}.xml").content.decode()
    assert "<script>" not in body
    assert "&lt;script&gt;" in body
    assert "&amp; 污水" in body
    root = xml_of(client.get(f"/open311/v2/requests/{case.number}.xml"))
    assert root.findtext("request/description") == text


def test_a_danger_report_goes_to_the_emergency_line(client: Any, grids: Any, app_key: Any) -> None:
    from shequ.appeals.models import CaseState

    response = file_request(client, app_key[1], **{"attribute[danger]": "yes"})
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.danger
    assert case.state == CaseState.EMERGENCY


def test_the_same_idempotency_key_files_one_case(client: Any, grids: Any, app_key: Any) -> None:
    from shequ.open311.services import api_client_create

    key = app_key[1]
    headers = {"Idempotency-Key": "c0ffee-1"}
    first = file_request(client, key, headers=headers, account_id="a1")
    again = file_request(client, key, headers=headers, account_id="a1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert json_of(first) == json_of(again)
    assert Case.objects.count() == 1
    # the key is scoped by the application: another one with the same key files its own case
    _other, other_key = api_client_create(actor=None, name="另一个应用")
    assert file_request(client, other_key, headers=headers).status_code == 201
    assert Case.objects.count() == 2
    # the same device is not a key: two posts without the header are two cases
    file_request(client, key, device_id="d1")
    file_request(client, key, device_id="d1")
    assert Case.objects.count() == 4
    too_long = file_request(client, key, headers={"Idempotency-Key": "x" * 65})
    assert too_long.status_code == 400
    assert "Idempotency-Key" in _errors(too_long)


def test_the_key_notes_its_last_use(client: Any, grids: Any, app_key: Any) -> None:
    app, key = app_key
    assert app.last_used_at is None
    file_request(client, key)
    app.refresh_from_db()
    assert app.last_used_at is not None


def test_other_methods_are_refused(client: Any) -> None:
    response = client.put("/open311/v2/requests.json")
    assert response.status_code == 405
    assert json_of(response)[0]["code"] == 405
    assert client.post("/open311/v2/services.json").status_code == 405
