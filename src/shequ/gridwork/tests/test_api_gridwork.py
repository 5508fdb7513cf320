"""The grid-work API: idempotent creates (201, then 200 with the same row), scoping, photos, lists."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shequ.gridwork.factories import data_url, make_check, make_finding, make_patrol, make_visit, png_bytes
from shequ.gridwork.models import HazardCheck, Patrol, Photo, TrackPoint, Visit

pytestmark = pytest.mark.django_db

API = "/api/v1/gridwork"


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(API + url, data=json.dumps(body), content_type="application/json")


def _visit_body(mini: Any, homes: dict[str, Any], **kw: Any) -> dict[str, Any]:
    body = {
        "key": str(uuid.uuid4()),
        "grid_id": mini.grid_a.pk,
        "household_id": homes["a"].pk,
        "summary": "入户走访，老人独居",
        "needs": [{"kind": "elderly_care", "description": "希望助餐"}],
        "photos": [
            {
                "data": data_url(png_bytes(800, 600)),
                "taken_at": timezone.now().isoformat(),
                "lat": 32.0603,
                "lng": 118.7969,
                "watermark": "2026年11月22日 14:05 北纬 32.060300 东经 118.796900 大悲巷第一网格",
            }
        ],
    }
    body.update(kw)
    return body


def test_create_visit_twice_with_one_key_makes_one_row(
    client: Any, personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    client.force_login(personas["grid_worker"])
    body = _visit_body(mini, homes)
    first = _post(client, "/visits", body)
    assert first.status_code == 201, first.content
    again = _post(client, "/visits", body)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Visit.objects.count() == 1
    assert Photo.objects.count() == 1
    data = first.json()
    assert data["needs"][0]["kind_label"] == "养老服务"
    photo = data["photos"][0]
    assert photo["lat"] == pytest.approx(32.0603)
    assert photo["width"] == 800
    image = client.get(photo["url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"


def test_visit_errors_name_the_fields(
    client: Any, personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    client.force_login(personas["grid_worker"])
    response = _post(
        client, "/visits", _visit_body(mini, homes, grid_id=mini.grid_b.pk, household_id=homes["b"].pk)
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["grid_id"] == ["请选择您负责的网格。"]
    assert errors["household_id"] == ["未找到该住户。"]
    bad = _visit_body(mini, homes)
    bad["photos"][0]["data"] = data_url(b"%PDF-1.4 not an image", "image/png")
    response = _post(client, "/visits", bad)
    assert response.status_code == 400
    assert response.json()["errors"] == {"photos.0.data": ["上传的文件不是有效的图片。"]}
    assert not Visit.objects.exists()
    assert not Photo.objects.exists()


def test_check_once_and_its_findings(client: Any, personas: dict[str, Any], mini: Any) -> None:
    client.force_login(personas["grid_worker"])
    checklists = client.get(API + "/checklists").json()
    assert [c["name"] for c in checklists] == ["消防安全", "电动自行车充电", "疏散通道", "燃气"]
    ebike = checklists[1]["items"]
    body = {
        "key": str(uuid.uuid4()),
        "grid_id": mini.grid_a.pk,
        "location": "小区车棚",
        "results": [{"item_id": i["id"], "result": "pass"} for i in ebike[1:]]
        + [{"item_id": ebike[0]["id"], "result": "fail", "note": "室内充电"}],
        "findings": [
            {"item_id": ebike[0]["id"], "severity": "high", "photo": {"data": data_url(png_bytes())}},
        ],
    }
    first = _post(client, "/checks", body)
    assert first.status_code == 201, first.content
    assert _post(client, "/checks", body).status_code == 200
    assert HazardCheck.objects.count() == 1
    finding = first.json()["findings"][0]
    assert finding["severity_label"] == "重大"
    assert finding["status"] == "open"
    assert len(finding["photos"]) == 1
    rectify = _post(client, f"/findings/{finding['id']}/rectify", {"note": "已清理"})
    assert rectify.json()["status"] == "rectified"
    own = _post(client, f"/findings/{finding['id']}/verify", {"passed": True})
    assert own.status_code == 400
    client.force_login(personas["community_worker"])
    verified = _post(client, f"/findings/{finding['id']}/verify", {"passed": True, "note": "复核属实"})
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"


def test_patrol_points_refused_after_stop(client: Any, personas: dict[str, Any], mini: Any) -> None:
    client.force_login(personas["grid_worker"])
    start = _post(client, "/patrols", {"key": str(uuid.uuid4()), "grid_id": mini.grid_a.pk})
    assert start.status_code == 201
    pid = start.json()["id"]
    point = {"key": str(uuid.uuid4()), "at": timezone.now().isoformat(), "lat": 32.06, "lng": 118.79}
    added = _post(client, f"/patrols/{pid}/points", {"points": [point]})
    assert added.json() == {"patrol_id": pid, "added": 1}
    stop = _post(client, f"/patrols/{pid}/stop", {"notes": "正常"})
    assert stop.status_code == 200
    assert stop.json()["point_count"] == 1
    point2 = dict(point, key=str(uuid.uuid4()))
    refused = _post(client, f"/patrols/{pid}/points", {"points": [point2]})
    assert refused.status_code == 400
    assert refused.json()["errors"]["patrol"] == ["巡查已结束，不能再记录轨迹。"]
    assert TrackPoint.objects.count() == 1
    assert Patrol.objects.get().ended_at is not None


def test_a_grid_worker_sees_only_their_grid(
    client: Any, personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    worker = personas["grid_worker"]
    own = make_visit(mini.grid_a, homes["a"], worker)
    other = make_visit(mini.grid_b, homes["b"], worker)
    finding_b = make_finding(mini.grid_b, worker)
    patrol_b = make_patrol(mini.grid_b, worker)
    client.force_login(worker)
    listed = client.get(API + "/visits").json()
    assert [v["id"] for v in listed["items"]] == [own.pk]
    assert listed["count"] == 1
    assert client.get(f"{API}/visits/{other.pk}").status_code == 404
    assert client.get(f"{API}/findings/{finding_b.pk}").status_code == 404
    assert _post(client, f"/findings/{finding_b.pk}/rectify", {"note": "x"}).status_code == 404
    assert client.get(f"{API}/patrols/{patrol_b.pk}").status_code == 404
    assert client.get(f"{API}/findings").json()["count"] == 0


def test_community_and_street_staff_see_their_subtree(
    client: Any, personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    worker = personas["grid_worker"]
    make_visit(mini.grid_a, homes["a"], worker)
    make_visit(mini.grid_b, homes["b"], worker)
    for role, expected in (
        ("grid_leader", 1),
        ("community_worker", 1),
        ("street_staff", 1),
        ("city_admin", 2),
    ):
        client.force_login(personas[role])
        assert client.get(API + "/visits").json()["count"] == expected, role
    client.force_login(personas["department_handler"])
    assert client.get(API + "/visits").json()["count"] == 0


@pytest.mark.parametrize("path", ["/visits", "/checks", "/findings", "/patrols"])
def test_lists_take_a_fixed_number_of_queries(
    client: Any,
    personas: dict[str, Any],
    mini: Any,
    homes: dict[str, Any],
    django_assert_max_num_queries: Any,
    path: str,
) -> None:
    worker = personas["grid_worker"]
    for _ in range(6):
        make_visit(mini.grid_a, homes["a"], worker, needs=[("other", "x")])
        make_check(mini.grid_a, worker, failing=("fire", "gas"))
        make_patrol(mini.grid_a, worker)
    client.force_login(personas["community_worker"])
    client.get(API + path)  # warm the session and the user's posts
    with django_assert_max_num_queries(12):
        response = client.get(API + path)
    assert response.status_code == 200
    assert response.json()["count"] >= 6


def test_finding_filters(client: Any, personas: dict[str, Any], mini: Any) -> None:
    worker = personas["grid_worker"]
    late = make_finding(mini.grid_a, worker, due_on=timezone.localdate() - timedelta(days=2))
    make_finding(mini.grid_a, worker)
    client.force_login(worker)
    overdue = client.get(API + "/findings?overdue=true").json()
    assert [f["id"] for f in overdue["items"]] == [late.pk]
    assert client.get(API + "/findings?status=verified").json()["count"] == 0
    assert client.get(API + "/findings?status=open").json()["count"] == 2
