"""The case API: intake (idempotent), the scoped list, detail, transitions, 409, bad input, access."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from shequ.appeals.models import Case
from shequ.appeals.services import case_classify
from shequ.demo.factories import make_resident

from .cases_support import OUTSIDE, POINT_A, draw_grids, file_case, jpeg_bytes

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def grids(mini: Any) -> Any:
    draw_grids(mini)
    return mini


def test_a_resident_files_through_the_api_once_per_key(
    client: Any, grids: Any, personas: dict[str, Any]
) -> None:
    client.force_login(personas["resident"])
    photo = base64.b64encode(jpeg_bytes()).decode()
    body = {"text": "路灯不亮<script>x</script>", "lng": POINT_A[0], "lat": POINT_A[1], "photos": [photo]}
    first = post(client, "/api/v1/appeals/cases", body, **{"Idempotency-Key": "abc"})
    assert first.status_code == 201, first.content
    again = post(client, "/api/v1/appeals/cases", body, **{"Idempotency-Key": "abc"})
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["token"]
    assert again.json()["token"] is None
    assert first.json()["text"] == "路灯不亮<script>x</script>"
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "路灯不亮"}, "location"),
        ({"text": "路灯不亮", "lng": OUTSIDE[0], "lat": OUTSIDE[1]}, "location"),
        ({"text": "很" * 10_000, "lng": POINT_A[0], "lat": POINT_A[1]}, "text"),
        ({"text": "路灯不亮", "lng": POINT_A[0], "lat": POINT_A[1], "category": "NOPE"}, "category"),
        (
            {
                "text": "路灯不亮",
                "lng": POINT_A[0],
                "lat": POINT_A[1],
                "photos": [base64.b64encode(b"%PDF-1.4").decode()],
            },
            "photos",
        ),
    ],
)
def test_bad_input_answers_400_with_the_field(
    client: Any, grids: Any, personas: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    client.force_login(personas["resident"])
    response = post(client, "/api/v1/appeals/cases", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert Case.objects.count() == 0


def test_a_30_mb_body_is_refused(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas["resident"])
    huge = base64.b64encode(b"\xff" * (30 * 1024 * 1024)).decode()
    response = post(
        client, "/api/v1/appeals/cases", {"text": "x", "lng": POINT_A[0], "lat": POINT_A[1], "photos": [huge]}
    )
    assert response.status_code == 413
    assert "请压缩照片" in response.json()["errors"]["body"][0]
    assert Case.objects.count() == 0


def test_transitions_and_a_conflict(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    case = file_case(personas["resident"]).case
    case_classify(case_id=case.pk)
    client.force_login(personas["community_worker"])
    detail = client.get(f"/api/v1/appeals/cases/{case.pk}").json()
    assert "dispatch" in detail["allowed_actions"]
    assert "accept" not in detail["allowed_actions"]
    assert [s["category"] for s in detail["suggestions"]][:1] == ["ENV-WASTE"]
    done = post(client, f"/api/v1/appeals/cases/{case.pk}/dispatch", {"version": 1, "category": "ENV-WASTE"})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "dispatched"
    assert done.json()["lead_unit"] == "玄武区城市管理局"
    stale = post(client, f"/api/v1/appeals/cases/{case.pk}/dispatch", {"version": 1, "category": "ENV-WASTE"})
    assert stale.status_code == 409
    assert stale.json()["detail"] == "该案件已被他人处理，请刷新后重试。"
    wrong = post(client, f"/api/v1/appeals/cases/{case.pk}/close", {"version": 2})
    assert wrong.status_code == 400
    assert "不能结案" in wrong.json()["errors"]["state"][0]
    client.force_login(personas["department_handler"])
    accepted = post(client, f"/api/v1/appeals/cases/{case.pk}/accept", {"version": 2})
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "accepted"


def test_scoping_of_list_and_detail(
    client: Any, grids: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    mine = file_case(personas["resident"]).case
    other_resident = make_resident("13700000055", home_area=grids.community_a)
    theirs = file_case(other_resident).case
    client.force_login(personas["resident"])
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/appeals/cases").json()
    assert [c["id"] for c in listed["items"]] == [mine.pk]
    assert client.get(f"/api/v1/appeals/cases/{theirs.pk}").status_code == 404
    client.force_login(personas["grid_worker"])
    assert {c["id"] for c in client.get("/api/v1/appeals/cases").json()["items"]} == {mine.pk, theirs.pk}
    client.force_login(personas["community_worker"])
    for _ in range(30):
        file_case(personas["resident"])
    with django_assert_max_num_queries(10):
        page = client.get("/api/v1/appeals/cases?state=open").json()
    assert page["count"] == 32
    assert len(page["items"]) == 25
    client.logout()
    assert client.get("/api/v1/appeals/cases").status_code in (401, 403)
