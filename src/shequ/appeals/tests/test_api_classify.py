"""POST /api/v1/appeals/classify: shape, order, scores, who may call it, bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.accounts.services import api_token_create
from shequ.appeals.models import Category
from shequ.demo.factories import make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_classifier")]

URL = "/api/v1/appeals/classify"


def _post(client: Any, body: Any, **headers: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def _check_shape(answer: dict[str, Any]) -> list[dict[str, Any]]:
    suggestions = answer["suggestions"]
    assert len(suggestions) >= 3
    units = dict(Category.objects.values_list("code", "responsible_unit"))
    for s in suggestions:
        assert set(s) >= {"category", "unit", "score"}
        assert s["unit"] == units[s["category"]]  # the generic unit
        assert 0.0 <= s["score"] <= 1.0
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert len({s["category"] for s in suggestions}) == len(suggestions)
    return suggestions


def test_staff_token_gets_three_suggestions_best_first(client: Any, personas: dict[str, Any]) -> None:
    _token, value = api_token_create(actor=None, user=personas[Role.GRID_WORKER])
    response = _post(client, {"text": "小区门口的井盖没了，晚上很危险"}, HTTP_AUTHORIZATION=f"Bearer {value}")
    assert response.status_code == 200, response.content
    suggestions = _check_shape(response.json())
    assert suggestions[0]["category"] == "INF-ROAD"
    assert suggestions[0]["unit"] == "住房和城乡建设局"
    assert suggestions[0]["score"] > suggestions[1]["score"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("楼下饭店油烟太大，窗户都不敢开", "ENV-POLL"),
        ("电梯困人了，快来", "HOU-ELEV"),
        ("楼道里电瓶车充电，太危险", "SAF-FIRE"),
        ("包工头欠了我们半年工资", "SOC-LABOR"),
        ("想开个居住证明", "COM-AFFAIRS"),
    ],
)
def test_plain_appeals_land_on_their_category(
    client: Any, personas: dict[str, Any], text: str, code: str
) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    response = _post(client, {"text": text})
    assert response.status_code == 200
    assert _check_shape(response.json())[0]["category"] == code


def test_every_staff_role_and_the_demo_admin_may_classify(client: Any, personas: dict[str, Any]) -> None:
    admin = make_staff("admin", Role.SYSTEM_ADMIN, display_name="系统管理员")
    for user in [*(personas[r] for r in personas if r != "resident"), admin]:
        _token, value = api_token_create(actor=None, user=user)
        response = _post(client, {"text": "路灯不亮"}, HTTP_AUTHORIZATION=f"Bearer {value}")
        assert response.status_code == 200, (user.username, response.status_code)


def test_residents_and_anonymous_callers_are_refused(client: Any, personas: dict[str, Any]) -> None:
    assert _post(client, {"text": "路灯不亮"}).status_code == 401
    assert _post(client, {"text": "路灯不亮"}, HTTP_AUTHORIZATION="Bearer sq_not-a-token").status_code == 401
    _token, value = api_token_create(actor=None, user=personas["resident"])
    assert _post(client, {"text": "路灯不亮"}, HTTP_AUTHORIZATION=f"Bearer {value}").status_code == 403
    client.force_login(personas["resident"])
    assert _post(client, {"text": "路灯不亮"}).status_code == 403


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": ""}, 422),
        ({"text": "   \n  "}, 400),
        ({"text": "长" * 10_001}, 422),
        ({}, 422),
        ({"text": None}, 422),
        ({"text": 12}, 422),
        ("{not json", 400),
        ("[]", 422),
    ],
)
def test_bad_input_is_a_field_error_never_a_5xx(
    client: Any, personas: dict[str, Any], body: Any, status: int
) -> None:
    client.force_login(personas[Role.STREET_STAFF])
    response = _post(client, body)
    assert response.status_code == status, response.content
    answer = response.json()
    assert answer["detail"]
    if isinstance(body, dict):
        assert answer["errors"]["text"]  # the message names the field


def test_long_odd_and_marked_up_texts_are_classified(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.STREET_STAFF])
    for text in (
        "噪" * 10_000,
        "<script>alert(1)</script>工地半夜施工",
        "\x00\x01井盖",
        "123456789012345678",
        "🙂🙂🙂",
        "a",
    ):
        response = _post(client, {"text": text})
        assert response.status_code == 200, (text[:20], response.content[:200])
        _check_shape(response.json())


def test_inactive_categories_are_never_suggested(
    client: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from shequ.appeals.classifier import runtime

    client.force_login(personas[Role.STREET_STAFF])
    Category.objects.filter(code="INF-LIGHT").update(is_active=False)
    runtime.invalidate()
    response = _post(client, {"text": "路灯不亮，晚上黑漆漆的"})
    codes = [s["category"] for s in _check_shape(response.json())]
    assert "INF-LIGHT" not in codes
    # once loaded, a classification costs no model or category queries (only the session's)
    with django_assert_max_num_queries(4):
        assert _post(client, {"text": "路灯又不亮了"}).status_code == 200
