"""``GET /api/v1/appeals/rates``: the page's figures as JSON, scoped, with field errors for bad input."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.accounts.roles import Role

from .rates_october import October, build_october

pytestmark = pytest.mark.django_db

API = "/api/v1/appeals/rates"


@pytest.fixture
def october(mini: Any, personas: dict[str, Any]) -> October:
    return build_october(mini, personas)


def test_streets_as_json(client: Any, october: October) -> None:
    client.force_login(october.personas[Role.CITY_ADMIN])
    response = client.get(API, {"month": "2026-10", "by": "street"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["month"] == "2026-10"
    assert data["by"] == "street"
    assert data["area_id"] is None
    assert data["weights"] == {"response": 0.1, "resolution": 0.45, "satisfaction": 0.45, "basic": 1.0}
    a, b = data["rows"]
    assert a == {
        "rank": 1,
        "key": str(october.mini.street_a.pk),
        "area_id": october.mini.street_a.pk,
        "name": "梅园新村街道",
        "dispatched": 4,
        "responded": 3,
        "rated": 3,
        "resolved": 2,
        "satisfied": 1,
        "basic": 2,
        "dissatisfied": 0,
        "response_rate": 0.75,
        "resolution_rate": pytest.approx(2 / 3, abs=1e-6),
        "satisfaction_rate": 1.0,
        "composite": 0.825,
    }
    assert (b["rank"], b["name"], b["satisfaction_rate"], b["composite"]) == (2, "夫子庙街道", 0.0, 0.5)
    total = data["total"]
    assert (total["dispatched"], total["responded"], total["rated"]) == (6, 4, 4)
    assert total["response_rate"] == pytest.approx(2 / 3, abs=1e-6)


def test_units_and_communities(client: Any, october: October) -> None:
    mini = october.mini
    client.force_login(october.personas[Role.CITY_ADMIN])
    units = client.get(API, {"month": "2026-10", "by": "unit"}).json()
    assert [(r["rank"], r["key"]) for r in units["rows"]] == [
        (1, f"area:{mini.community_a.pk}"),
        (2, f"org:{mini.dept_a.pk}"),
        (3, f"org:{mini.dept_b.pk}"),
    ]
    communities = client.get(API, {"month": "2026-10", "by": "community", "area_id": mini.street_a.pk}).json()
    village = communities["rows"][0]
    assert (village["name"], village["resolution_rate"], village["satisfaction_rate"]) == (
        "东湖村",
        None,
        None,
    )
    assert village["composite"] == 1.0
    assert communities["area_id"] == mini.street_a.pk


def test_scope_and_access(client: Any, october: October) -> None:
    mini = october.mini
    assert client.get(API).status_code == 401
    client.force_login(october.personas["resident"])
    assert client.get(API).status_code == 403
    client.force_login(october.personas[Role.COMMUNITY_WORKER])
    data = client.get(API, {"month": "2026-10"}).json()
    assert [r["name"] for r in data["rows"]] == ["梅园新村街道"]
    assert data["total"]["dispatched"] == 3
    assert client.get(API, {"month": "2026-10", "area_id": mini.street_b.pk}).status_code == 404
    assert client.get(API, {"month": "2026-10", "area_id": mini.street_a.pk}).status_code == 404
    assert client.get(API, {"month": "2026-10", "area_id": 2**62}).status_code == 404
    ok = client.get(API, {"month": "2026-10", "area_id": mini.community_a.pk, "by": "community"})
    assert ok.status_code == 200
    assert ok.json()["rows"][0]["name"] == "大悲巷社区"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "October"}, "month"),
        ({"month": "2026-10-01"}, "month"),
        ({"month": "2199-01"}, "month"),
        ({"by": "district"}, "by"),
    ],
)
def test_bad_input_is_a_field_error(
    client: Any, october: October, params: dict[str, str], field: str
) -> None:
    client.force_login(october.personas[Role.CITY_ADMIN])
    response = client.get(API, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_schema_errors_are_4xx(client: Any, october: October) -> None:
    client.force_login(october.personas[Role.CITY_ADMIN])
    assert client.get(API, {"area_id": "abc"}).status_code == 422
    assert client.get(API, {"area_id": "0"}).status_code == 422
    assert client.get(API, {"month": "x" * 50}).status_code == 422


def test_api_query_count_is_bounded(
    client: Any, october: October, django_assert_max_num_queries: Any
) -> None:
    client.force_login(october.personas[Role.CITY_ADMIN])
    client.get(API, {"month": "2026-10"})
    with django_assert_max_num_queries(12):
        assert client.get(API, {"month": "2026-10", "by": "street"}).status_code == 200
