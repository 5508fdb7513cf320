"""GET tokens/{token}: services are realtime, so POST never answers a token and no token is found."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import file_request, json_of, xml_of

pytestmark = pytest.mark.django_db


def test_a_post_answers_the_request_id_never_a_token(client: Any, grids: Any, app_key: Any) -> None:
    _app, key = app_key
    [item] = json_of(file_request(client, key))
    assert item["service_request_id"]
    assert "token" not in item


def test_any_token_is_not_found_in_the_spec_error_format(client: Any) -> None:
    response = client.get("/open311/v2/tokens/12345.json")
    assert response.status_code == 404
    [error] = json_of(response)
    assert error["code"] == 404
    assert "12345" in error["description"]
    assert "service_request_id" in error["description"]
    response = client.get("/open311/v2/tokens/12345.xml")
    assert response.status_code == 404
    assert xml_of(response).findtext("error/code") == "404"


def test_tokens_take_only_get(client: Any) -> None:
    response = client.post("/open311/v2/tokens/12345.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
