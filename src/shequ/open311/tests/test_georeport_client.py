"""The ``georeport`` client library (PyPI 0.3.1) against a live server, in JSON and XML.

It reads services, a definition, the request list and one request (``response.json()[0]``,
so a single request must come back as a list), and raises on any 4xx/5xx.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import public_case

georeport = pytest.importorskip("georeport")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_everything(live_server: Any, mini: Any, personas: Any, fmt: str) -> None:
    from shequ.appeals.tests.cases_support import draw_grids

    draw_grids(mini)
    first = public_case(
        personas["resident"], "小区门口垃圾没人清运，联系电话13912345678", category="ENV-WASTE"
    )
    second = public_case(personas["resident"], "路灯不亮", category="INF-LIGHT")
    api = georeport.GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)

    services = api.get_service_list()
    assert "ENV-WASTE" in [s["service_code"] for s in services]
    definition = api.get_service_definition("ENV-WASTE")
    assert definition["service_code"] == "ENV-WASTE"

    requests = api.get_service_requests()
    assert {r["service_request_id"] for r in requests} == {first.number, second.number}
    only = api.get_service_requests(service_code="INF-LIGHT", status="open")
    only = only if isinstance(only, list) else [only]  # xmltodict gives a dict for a single element
    assert [r["service_request_id"] for r in only] == [second.number]

    single = api.get_service_request(first.number)
    assert single["service_request_id"] == first.number
    assert "13912345678" not in single["description"]
    assert single["status"] == "open"

    with pytest.raises(Exception, match="404"):
        api.get_service_definition("NOPE")
