"""Open311 keys and services held per process (``shequ.core.held``), with the production recheck times.

The test settings ask the database every time; these tests switch the copies on and check that
a key withdrawn or a category changed in this process applies at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shequ.appeals.models import Category
from shequ.open311.selectors import HELD_CLIENTS, HELD_SERVICES, api_client_by_key, open_service
from shequ.open311.services import api_client_revoke

from .conftest import file_request, json_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(settings: Any) -> Iterator[None]:
    settings.SHEQU_TOKEN_RECHECK_SECONDS = 3600
    settings.SHEQU_REFERENCE_RECHECK_SECONDS = 3600
    HELD_CLIENTS.forget_all()
    HELD_SERVICES.forget_all()
    yield
    HELD_CLIENTS.forget_all()
    HELD_SERVICES.forget_all()


def test_a_held_key_and_service_answer_without_a_query(
    held: None, app_key: Any, django_assert_num_queries: Any
) -> None:
    app, key = app_key
    with django_assert_num_queries(2):
        assert api_client_by_key(key) == app
        assert open_service("ENV-WASTE") is not None
    with django_assert_num_queries(0):
        assert api_client_by_key(key) == app
        found = open_service("ENV-WASTE")
    assert found is not None
    assert found.code == "ENV-WASTE"
    assert open_service("ENV-WASTE") is not found  # each caller its own instance


def test_a_key_withdrawn_here_is_refused_at_once(client: Any, grids: Any, held: None, app_key: Any) -> None:
    app, key = app_key
    assert file_request(client, key).status_code == 201
    assert file_request(client, key).status_code == 201  # now held
    api_client_revoke(actor=None, client=app)
    response = file_request(client, key)
    assert response.status_code == 403
    assert "api_key" in json_of(response)[0]["description"]


def test_a_category_withdrawn_here_is_no_longer_a_service(
    client: Any, grids: Any, held: None, app_key: Any
) -> None:
    _app, key = app_key
    assert file_request(client, key, service_code="ENV-WASTE").status_code == 201
    category = Category.objects.get(code="ENV-WASTE")
    category.is_active = False
    category.save(update_fields=["is_active"])
    assert file_request(client, key, service_code="ENV-WASTE").status_code == 404
