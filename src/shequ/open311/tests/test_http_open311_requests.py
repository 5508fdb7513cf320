"""GET Service Requests and GET Service Request: filters, the public and the full form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shequ.appeals.models import Case

from .conftest import W3C_DATETIME, file_request, json_of, public_case, xml_of

pytestmark = pytest.mark.django_db

#: Inside grid A, away from its representative point.
EXACT = (118.7910, 32.0510)
PLANTED = (
    "赵丽华反映：我叫王建国，家住幸福路12号3栋2单元502室，电话138 1234 5678，"
    "座机025-8888 6666，身份证32010219900101123X，楼下的李阿姨说垃圾三天没人清运。"
)
SECRETS = (
    "赵丽华",
    "王建国",
    "138 1234 5678",
    "1234",
    "025-8888",
    "8888 6666",
    "32010219900101123X",
    "12号",
    "3栋",
    "2单元",
    "502室",
    "李阿姨",
)


def bearer(user: Any) -> dict[str, str]:
    from shequ.accounts.services import api_token_create

    _token, value = api_token_create(actor=None, user=user, name="open311")
    return {"Authorization": f"Bearer {value}"}


@pytest.fixture
def planted(client: Any, grids: Any, app_key: Any) -> Case:
    """A public case filed through Open311 with a name, phones, an ID number and an exact address."""
    response = file_request(
        client,
        app_key[1],
        lat=str(EXACT[1]),
        long=str(EXACT[0]),
        address_string="幸福路12号3栋",
        first_name="丽华",
        last_name="赵",
        description=PLANTED,
        media_url="https://img.example.com/private.jpg",
        **{"attribute[is_public]": "yes"},
    )
    assert response.status_code == 201, response.content
    return Case.objects.get(number=json_of(response)[0]["service_request_id"])


def test_the_public_form_carries_no_personal_data(client: Any, planted: Case, schemas: Any) -> None:
    for url in ("/open311/v2/requests.json", f"/open311/v2/requests/{planted.number}.json"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode("utf-8")
        for secret in SECRETS:
            assert secret not in body, (url, secret)
        doc = json_of(response)
        schemas("requests", doc)
        [item] = doc
        assert item["service_request_id"] == planted.number
        assert "垃圾三天没人清运" in item["description"]
        assert "[已隐去]" in item["description"]
        assert item["address"] == "大悲巷社区，梅园新村街道"
        assert (item["lat"], item["long"]) != (EXACT[1], EXACT[0])
        assert 32.050 <= item["lat"] <= 32.055
        assert 118.790 <= item["long"] <= 118.795
        assert item["media_url"] is None
    xml = client.get(f"/open311/v2/requests/{planted.number}.xml").content.decode("utf-8")
    for secret in SECRETS:
        assert secret not in xml


def test_staff_with_a_bearer_token_read_the_full_form_in_their_area(
    client: Any, planted: Case, personas: dict[str, Any], schemas: Any
) -> None:
    headers = bearer(personas["community_worker"])
    response = client.get(f"/open311/v2/requests/{planted.number}.json", headers=headers)
    doc = json_of(response)
    schemas("requests", doc)
    [item] = doc
    assert item["description"] == PLANTED
    assert (item["lat"], item["long"]) == (EXACT[1], EXACT[0])
    assert item["address"].startswith("幸福路12号3栋")
    assert item["media_url"] == "https://img.example.com/private.jpg"
    assert "Authorization" in response["Vary"]


def test_staff_of_another_area_get_only_the_public_form(client: Any, planted: Case, grids: Any) -> None:
    from shequ.accounts.roles import Role
    from shequ.demo.factories import make_persona

    sibling = make_persona(grids, Role.COMMUNITY_WORKER, side="b")
    response = client.get(f"/open311/v2/requests/{planted.number}.json", headers=bearer(sibling))
    [item] = json_of(response)
    assert "王建国" not in item["description"]


def test_a_bad_bearer_token_is_403(client: Any, planted: Case) -> None:
    for header in ("Bearer sq_nonsense", "Basic abc"):
        response = client.get("/open311/v2/requests.json", headers={"Authorization": header})
        assert response.status_code == 403
        assert json_of(response)[0]["code"] == 403


def test_private_cases_are_not_shown_publicly(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    from shequ.appeals.tests.cases_support import file_case

    private = file_case(personas["resident"], text="家里漏水").case
    assert json_of(client.get("/open311/v2/requests.json")) == []
    response = client.get(f"/open311/v2/requests/{private.number}.json")
    assert response.status_code == 404
    assert json_of(response)[0]["code"] == 404
    # the staff of the area read it in full
    headers = bearer(personas["community_worker"])
    [item] = json_of(client.get(f"/open311/v2/requests/{private.number}.json", headers=headers))
    assert item["description"] == "家里漏水"


def test_an_application_reads_what_it_filed_even_if_not_public(client: Any, grids: Any, app_key: Any) -> None:
    number = json_of(file_request(client, app_key[1], description="我叫王建国，路灯坏了"))[0][
        "service_request_id"
    ]
    assert client.get(f"/open311/v2/requests/{number}.json").status_code == 404
    response = client.get(f"/open311/v2/requests/{number}.json?api_key={app_key[1]}")
    [item] = json_of(response)
    assert item["service_request_id"] == number
    assert "王建国" not in item["description"]
    assert client.get(f"/open311/v2/requests/{number}.json?api_key=wrong").status_code == 403


def test_fields_and_formats_of_a_request(client: Any, planted: Case) -> None:
    [item] = json_of(client.get(f"/open311/v2/requests/{planted.number}.json"))
    assert list(item) == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert item["status"] == "open"
    assert item["service_code"] == "ENV-WASTE"
    assert item["service_name"] == "垃圾清运与乱堆乱放"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C_DATETIME.match(item[name]), (name, item[name])
    assert isinstance(item["service_request_id"], str)
    root = xml_of(client.get(f"/open311/v2/requests/{planted.number}.xml"))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == planted.number
    assert request.find("zipcode") is not None
    assert request.findtext("zipcode") == ""
    assert float(request.findtext("lat") or 0) == item["lat"]


def test_a_single_request_is_a_list_in_both_formats(client: Any, planted: Case) -> None:
    """§1.11: GET /requests/<id> answers a list with one item."""
    doc = json_of(client.get(f"/open311/v2/requests/{planted.number}.json"))
    assert isinstance(doc, list)
    assert len(doc) == 1
    root = xml_of(client.get(f"/open311/v2/requests/{planted.number}.xml"))
    assert len(root.findall("request")) == 1


def test_filters(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    from shequ.appeals.services import case_dismiss

    resident = personas["resident"]
    waste = public_case(resident, "垃圾没人清运", category="ENV-WASTE")
    light = public_case(resident, "路灯不亮", category="INF-LIGHT")
    old = public_case(resident, "很久以前的诉求", category="ENV-WASTE")
    Case.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=120))
    closed = public_case(resident, "已经处理好了", category="ENV-WASTE")
    case_dismiss(actor=personas["community_worker"], case=closed, version=closed.version, reason="已自行解决")

    def numbers(query: str) -> list[str]:
        response = client.get(f"/open311/v2/requests.json{query}")
        assert response.status_code == 200, response.content
        return [item["service_request_id"] for item in json_of(response)]

    recent = {waste.number, light.number, closed.number}
    assert set(numbers("")) == recent  # the default window: the last 90 days
    assert set(numbers("?service_code=ENV-WASTE")) == {waste.number, closed.number}
    assert set(numbers("?service_code=ENV-WASTE,INF-LIGHT&status=open")) == {waste.number, light.number}
    assert numbers("?status=closed") == [closed.number]
    assert set(numbers("?status=open,closed")) == recent
    # service_request_id overrides every other argument, the window too
    assert set(numbers(f"?service_request_id={old.number},{light.number}&status=closed")) == {
        old.number,
        light.number,
    }
    start = (timezone.now() - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    end = (timezone.now() - timedelta(days=100)).astimezone(timezone.get_current_timezone())
    assert numbers(f"?start_date={start.replace('+', '%2B')}&end_date={end:%Y-%m-%d}") == [old.number]
    # an unencoded "+" arrives as a space and still reads as the offset
    assert numbers(f"?start_date={start}&end_date={end:%Y-%m-%d}") == [old.number]
    assert numbers(f"?start_date={start.replace('+08:00', 'Z')}&end_date={end:%Y-%m-%d}") == [old.number]
    # paging (an extension): newest first
    assert len(numbers("?page_size=2")) == 2
    assert len(numbers("?page_size=2&page=2")) == 1
    [closed_item] = json_of(client.get(f"/open311/v2/requests/{closed.number}.json"))
    assert closed_item["status"] == "closed"
    assert closed_item["status_notes"].endswith("已自行解决")
    assert closed_item["expected_datetime"] is None


@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "start_date=2026-13-01T00:00:00Z",
        "end_date=2026-01-01T00:00:00",  # no zone
        "start_date=2026-01-01&end_date=2025-12-01",
        "start_date=2025-01-01&end_date=2025-12-01",  # more than 90 days
        "status=pending",
        "page=0",
        "page_size=1001",
        "page=abc",
    ],
)
def test_malformed_arguments_are_400(client: Any, query: str) -> None:
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400, query
    [error, *_rest] = json_of(response)
    assert error["code"] == 400
    assert error["description"]
    assert xml_of(client.get(f"/open311/v2/requests.xml?{query}")).findtext("error/code") == "400"


def test_empty_filters_are_absent(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    public_case(personas["resident"], "垃圾没人清运", category="ENV-WASTE")
    plain = client.get("/open311/v2/requests.json").content
    query = "?jurisdiction_id=&service_code=&status=&start_date=&end_date=&service_request_id=&api_key="
    assert client.get(f"/open311/v2/requests.json{query}").content == plain


def test_a_merged_case_tells_nothing_of_the_merge(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    from shequ.appeals.services import case_merge

    resident = personas["resident"]
    target = public_case(resident, "垃圾没人清运", category="ENV-WASTE")
    duplicate = public_case(resident, "垃圾还是没人清运", category="ENV-WASTE")
    case_merge(actor=personas["community_worker"], case=duplicate, version=duplicate.version, into=target)
    [item] = json_of(client.get(f"/open311/v2/requests/{duplicate.number}.json"))
    assert item["status"] == "open"  # follows the case it went into, which is still open
    assert target.number not in str(item)
    assert item["status_notes"] == "已与反映同一问题的诉求合并办理。"


def test_the_list_takes_a_fixed_number_of_queries(
    client: Any, grids: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        public_case(personas["resident"], f"第{n}件：垃圾没人清运", category="ENV-WASTE")
    headers = bearer(personas["community_worker"])
    with django_assert_max_num_queries(6):
        assert len(json_of(client.get("/open311/v2/requests.json"))) == 12
    with django_assert_max_num_queries(10):
        assert len(json_of(client.get("/open311/v2/requests.json", headers=headers))) == 12
