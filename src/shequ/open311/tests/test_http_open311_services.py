"""Discovery, the service list and service definitions, in JSON and XML."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import W3C_DATETIME, json_of, xml_of

pytestmark = pytest.mark.django_db


def test_discovery_json_names_the_endpoint_and_both_formats(client: Any) -> None:
    response = client.get("/open311/discovery.json")
    assert response.status_code == 200
    doc = json_of(response)
    assert set(doc) == {"changeset", "contact", "key_service", "endpoints"}
    assert W3C_DATETIME.match(doc["changeset"])
    assert doc["contact"]
    assert doc["key_service"]
    [endpoint] = doc["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] in ("production", "test")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["changeset"] == doc["changeset"]


def test_discovery_xml_has_the_spec_elements(client: Any) -> None:
    root = xml_of(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2/"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services_list_every_active_category(client: Any, schemas: Any) -> None:
    from shequ.appeals.models import Category

    Category.objects.filter(code="SOC-CULT").update(is_active=False)
    doc = json_of(client.get("/open311/v2/services.json"))
    schemas("services", doc)
    codes = [s["service_code"] for s in doc]
    assert "SOC-CULT" not in codes
    assert len(codes) == Category.objects.filter(is_active=True).count()
    waste = next(s for s in doc if s["service_code"] == "ENV-WASTE")
    assert waste["service_name"] == "垃圾清运与乱堆乱放"
    assert waste["metadata"] is True
    assert waste["type"] == "realtime"
    assert waste["group"] == "市容环境"
    assert "垃圾清运" in waste["keywords"].split(",")
    assert "城市管理局" in waste["description"]


def test_services_xml(client: Any) -> None:
    root = xml_of(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert first is not None
    assert first.findtext("service_code") == "ENV-WASTE"
    assert first.findtext("metadata") == "true"
    assert first.findtext("type") == "realtime"


def test_service_definition_json_and_xml(client: Any, schemas: Any) -> None:
    doc = json_of(client.get("/open311/v2/services/ENV-WASTE.json"))
    schemas("service-definition", doc)
    assert doc["service_code"] == "ENV-WASTE"
    by_code = {a["code"]: a for a in doc["attributes"]}
    assert set(by_code) == {"danger", "is_public", "crs"}
    assert by_code["danger"]["description"] == "是否危及生命财产安全"
    assert by_code["danger"]["datatype"] == "singlevaluelist"
    assert {v["key"] for v in by_code["is_public"]["values"]} == {"yes", "no"}
    assert [a["order"] for a in doc["attributes"]] == [1, 2, 3]

    root = xml_of(client.get("/open311/v2/services/ENV-WASTE.xml"))
    assert root.tag == "service_definition"
    codes = [a.findtext("code") for a in root.findall("attributes/attribute")]
    assert codes == ["danger", "is_public", "crs"]
    assert root.findtext("attributes/attribute/values/value/key") == "no"


def test_an_emergency_category_tells_the_caller_to_ring_the_line(client: Any, schemas: Any) -> None:
    from shequ.appeals.models import Category

    code = Category.objects.exclude(emergency_line="").values_list("code", flat=True).first()
    assert code
    doc = json_of(client.get(f"/open311/v2/services/{code}.json"))
    schemas("service-definition", doc)
    notice = doc["attributes"][0]
    assert notice["code"] == "emergency_notice"
    assert notice["variable"] is False


def test_unknown_service_and_unknown_format_are_404(client: Any) -> None:
    response = client.get("/open311/v2/services/NOPE.json")
    assert response.status_code == 404
    [error] = json_of(response)
    assert error["code"] == 404
    assert "NOPE" in error["description"]
    response = client.get("/open311/v2/services/NOPE.xml")
    assert response.status_code == 404
    assert xml_of(response).findtext("error/code") == "404"
    response = client.get("/open311/v2/services.csv")
    assert response.status_code == 404
    assert json_of(response)[0]["code"] == 404
    assert client.get("/open311/discovery.html").status_code == 404


def test_the_open311_client_library_path_is_served_too(client: Any) -> None:
    assert json_of(client.get("/open311/v2/service/ENV-WASTE.json"))["service_code"] == "ENV-WASTE"


def test_empty_parameters_equal_absent_ones(client: Any) -> None:
    """§1.11: ``jurisdiction_id=`` (the open311 client always sends it) changes nothing."""
    plain = client.get("/open311/v2/services.json").content
    assert client.get("/open311/v2/services.json?jurisdiction_id=").content == plain
    assert client.get("/open311/v2/services.json?jurisdiction_id=&api_key=").content == plain


def test_identifiers_are_strings(client: Any) -> None:
    """§1.11: service codes are strings even where they look like numbers."""
    for service in json_of(client.get("/open311/v2/services.json")):
        assert isinstance(service["service_code"], str)
