"""Fixtures of the Open311 tests: grids with boundaries, a client application, schemas."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

#: The official JSON schemas (open311/schema-validation), beside the checkout: data, not project files.
CONFORMANCE = Path(
    os.environ.get(
        "OPEN311_CONFORMANCE_DIR",
        Path(__file__).resolve().parents[4].parent / "shared" / "conformance" / "open311-georeport-v2",
    )
)
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")


@pytest.fixture(autouse=True)
def _catalogue_present(request: Any) -> None:
    """The seeded categories, also after an earlier transactional test flushed them."""
    names = set(request.fixturenames)
    if names & {"transactional_db", "live_server"}:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("db")
    else:
        return
    from shequ.appeals.catalogue import ensure_categories
    from shequ.appeals.models import Category

    if Category.objects.count() < 32:
        ensure_categories()


@pytest.fixture
def grids(mini: Any) -> Any:
    """The mini city with boundaries for grid A and grid B."""
    from shequ.appeals.tests.cases_support import draw_grids

    draw_grids(mini)
    return mini


@pytest.fixture
def app_key(db: Any) -> tuple[Any, str]:
    """A client application and its API key."""
    from shequ.open311.services import api_client_create

    return api_client_create(actor=None, name="市民随手拍")


@pytest.fixture
def schemas() -> Callable[[str, Any], None]:
    """``check(name, document)``: validate against the official JSON schema ``name``.json."""
    jsonschema = pytest.importorskip("jsonschema")
    if not CONFORMANCE.is_dir():
        pytest.skip(
            f"the Open311 conformance schemas are not at {CONFORMANCE} (shared/ is not beside the checkout)"
        )
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    loaded = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in CONFORMANCE.glob("*.json")}
    registry: Any = Registry().with_resources(
        (name, Resource.from_contents(body, default_specification=DRAFT7)) for name, body in loaded.items()
    )

    def check(name: str, document: Any) -> None:
        validator = jsonschema.Draft7Validator(loaded[f"{name}.json"], registry=registry)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)

    return check


def xml_of(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(body)


def json_of(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def file_request(client: Any, key: str, fmt: str = "json", *, headers: Any = None, **fields: Any) -> Any:
    """POST a service request (form body) with sensible defaults: a point in grid A."""
    from shequ.appeals.tests.cases_support import POINT_A

    data = {
        "api_key": key,
        "service_code": "ENV-WASTE",
        "lat": str(POINT_A[1]),
        "long": str(POINT_A[0]),
        "description": "小区门口垃圾堆积好几天没人清运",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/open311/v2/requests.{fmt}", data=data, headers=headers or {})


def public_case(actor: Any, text: str, **kwargs: Any) -> Any:
    """A case filed through intake that its requester agreed to publish."""
    from shequ.appeals.tests.cases_support import file_case

    return file_case(actor, text=text, is_public=True, **kwargs).case
