"""Console and portal pages: the queue (filtered, paged, query count), case actions, intake, portal."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.appeals.models import Case, CaseState

from .cases_support import POINT_A, draw_grids, file_case, photo_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def grids(mini: Any) -> Any:
    draw_grids(mini)
    return mini


def test_the_queue_is_paged_filtered_and_cheap(
    client: Any, grids: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        file_case(personas["resident"], text=f"第{i}号楼下垃圾没人清运")
    client.force_login(personas["community_worker"])
    client.get("/console/appeals/cases/")  # classifies what the background job has not reached
    with django_assert_max_num_queries(25):
        response = client.get(f"/console/appeals/cases/?area={grids.grid_a.pk}&state=submitted")
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="case-') == 25
    assert "垃圾清运与乱堆乱放" in response.content.decode()
    assert client.get("/console/appeals/cases/?state=closed").content.decode().count('<tr id="case-') == 0


def test_html_in_text_is_shown_escaped(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    case = file_case(personas["resident"], text='<script>alert("x")</script>井盖丢了').case
    client.force_login(personas["community_worker"])
    body = client.get(f"/console/appeals/cases/{case.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;井盖丢了" in body
    assert '<script>alert("x")</script>' not in body


def test_the_case_page_shows_only_allowed_actions_and_acts(
    client: Any, grids: Any, personas: dict[str, Any]
) -> None:
    case = file_case(personas["resident"]).case
    client.force_login(personas["community_worker"])
    page = client.get(f"/console/appeals/cases/{case.pk}/").content.decode()
    assert 'id="do-dispatch"' in page
    assert 'id="do-accept"' not in page
    response = client.post(
        f"/console/appeals/cases/{case.pk}/act/",
        {"action": "dispatch", "version": case.version, "category": "ENV-WASTE"},
    )
    assert response.status_code == 302
    stale = client.post(
        f"/console/appeals/cases/{case.pk}/act/",
        {"action": "dispatch", "version": case.version, "category": "ENV-WASTE"},
    )
    assert stale.status_code == 409
    assert "该案件已被他人处理，请刷新后重试。" in stale.content.decode()
    client.force_login(personas["department_handler"])
    page = client.get(f"/console/appeals/cases/{case.pk}/").content.decode()
    assert 'id="do-accept"' in page
    assert 'id="do-dispatch"' not in page


def test_hotline_intake_page(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas["street_staff"])
    assert client.get("/console/appeals/cases/hotline/").status_code == 200
    bad = client.post(
        "/console/appeals/cases/hotline/", {"text": "噪音扰民", "area": grids.community_a.pk, "address": "x"}
    )
    assert bad.status_code == 400
    assert "请填写来电人的联系电话" in bad.content.decode()
    ok = client.post(
        "/console/appeals/cases/hotline/",
        {
            "text": "夜间施工噪音扰民",
            "area": grids.community_a.pk,
            "address": "大悲巷8号",
            "requester_phone": "13912345678",
            "idempotency_key": "h1",
        },
    )
    assert ok.status_code == 302
    case = Case.objects.get()
    assert case.channel == "hotline"
    assert case.reporter == personas["street_staff"]


def test_a_grid_worker_reports_and_resolves_on_the_spot(
    client: Any, grids: Any, personas: dict[str, Any]
) -> None:
    client.force_login(personas["grid_worker"])
    response = client.post(
        "/console/appeals/cases/report/",
        {
            "text": "楼道堆放杂物",
            "lng": POINT_A[0],
            "lat": POINT_A[1],
            "on_spot": "1",
            "result": "已督促清理",
            "before_photos": [photo_file("a.jpg")],
            "after_photos": [photo_file("b.jpg", color="blue")],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == CaseState.CLOSED
    assert case.resolved_on_spot


def test_portal_pages(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    resident = personas["resident"]
    client.force_login(resident)
    assert client.get("/appeals/").status_code == 200
    bad = client.post("/appeals/", {"text": "路灯不亮"})
    assert bad.status_code == 400
    assert "请在地图上选点或填写事发地址" in bad.content.decode()
    ok = client.post(
        "/appeals/",
        {
            "text": "路灯不亮",
            "lng": POINT_A[0],
            "lat": POINT_A[1],
            "photos": [photo_file()],
            "idempotency_key": "p1",
        },
    )
    assert ok.status_code == 302
    case = Case.objects.get()
    assert f"/appeals/cases/{case.pk}/" in client.get("/appeals/mine/").content.decode()
    assert client.get(f"/appeals/cases/{case.pk}/").status_code == 200
    photo = case.photos.get()
    assert client.get(f"/console/appeals/photos/{photo.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/appeals/track/?number={case.number}&token=nope").status_code == 404
    assert client.get(f"/console/appeals/photos/{photo.pk}/").status_code == 302


def test_an_area_filter_inside_the_scope_asks_for_the_subtree_once(
    grids: Any, personas: dict[str, Any]
) -> None:
    from shequ.appeals.selectors import dispatch_queue

    street_staff = personas["street_staff"]
    mine = file_case(personas["resident"]).case
    street = grids.community_a.parent
    qs = dispatch_queue(street_staff, area_id=street.pk, state="open")
    assert list(qs) == [mine]
    assert str(qs.query).count(street.path) == 1
    # outside the scope the filter narrows what the scope allows (nothing here)
    other = dispatch_queue(personas["community_worker"], area_id=grids.community_b.pk, state="open")
    assert list(other) == []
