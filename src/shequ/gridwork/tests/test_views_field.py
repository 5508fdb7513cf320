"""Grid-work pages: the worker's day, the forms, lists for leaders and staff, rectify and verify."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from shequ.gridwork import hooks
from shequ.gridwork.factories import make_check, make_finding, make_patrol, make_visit
from shequ.gridwork.models import FindingStatus, NeedStatus
from shequ.gridwork.policy import VISIT_DUE_DAYS

pytestmark = pytest.mark.django_db


def test_day_page_lists_households_due_and_open_findings(
    client: Any, personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    from shequ.demo.factories import make_household, make_person

    worker = personas["grid_worker"]
    fresh = make_household(mini.grid_a, head=make_person(mini.grid_a, "赵大妈", seq=31))
    make_visit(mini.grid_a, fresh, worker)  # visited today: not due
    make_visit(
        mini.grid_a, homes["a"], worker, visited_at=timezone.now() - timedelta(days=VISIT_DUE_DAYS + 1)
    )
    finding = make_finding(mini.grid_a, worker)
    make_finding(mini.grid_b, worker)  # another grid: not shown
    client.force_login(worker)
    response = client.get(reverse("gridwork:day"))
    assert response.status_code == 200
    due = [d.household.pk for d in response.context["due"]]
    assert due == [homes["a"].pk]
    assert response.context["due_days"] == VISIT_DUE_DAYS
    assert [f.pk for f in response.context["findings"]] == [finding.pk]
    html = response.content.decode()
    assert "王秀英" in html
    assert "开始巡查" in html
    assert 'id="queue-status"' in html


def test_day_page_shows_a_running_patrol(client: Any, personas: dict[str, Any], mini: Any) -> None:
    make_patrol(mini.grid_a, personas["grid_worker"], minutes=None)
    client.force_login(personas["grid_worker"])
    html = client.get(reverse("gridwork:day")).content.decode()
    assert "结束巡查" in html
    assert "data-patrol=" in html


def test_visit_form_offers_own_grid_households_and_a_camera(
    client: Any, personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    client.force_login(personas["grid_worker"])
    html = client.get(reverse("gridwork:visit_create")).content.decode()
    assert f'value="{homes["a"].pk}"' in html
    assert f'value="{homes["b"].pk}"' not in html
    assert 'accept="image/*" capture="environment"' in html
    check_html = client.get(reverse("gridwork:check_create")).content.decode()
    for name in ("消防安全", "电动自行车充电", "疏散通道", "燃气"):
        assert name in check_html


@pytest.mark.parametrize(
    "name", ["gridwork:visits", "gridwork:checks", "gridwork:findings", "gridwork:patrols", "gridwork:day"]
)
def test_lists_for_staff_take_a_fixed_number_of_queries(
    client: Any,
    personas: dict[str, Any],
    mini: Any,
    homes: dict[str, Any],
    django_assert_max_num_queries: Any,
    name: str,
) -> None:
    worker = personas["grid_worker"]
    for _ in range(5):
        make_visit(mini.grid_a, homes["a"], worker, needs=[("other", "x")])
        make_check(mini.grid_a, worker, failing=("fire",))
        make_patrol(mini.grid_a, worker)
    client.force_login(personas["community_head"])
    client.get(reverse(name))
    with django_assert_max_num_queries(25):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_rectify_and_verify_pages(client: Any, personas: dict[str, Any], mini: Any) -> None:
    finding = make_finding(mini.grid_a, personas["grid_worker"])
    client.force_login(personas["grid_worker"])
    url = reverse("gridwork:finding", kwargs={"finding_id": finding.pk})
    assert "登记整改" in client.get(url).content.decode()
    client.post(
        reverse("gridwork:finding_rectify", kwargs={"finding_id": finding.pk}), {"note": "已清理楼道"}
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFIED
    client.force_login(personas["grid_leader"])
    response = client.post(
        reverse("gridwork:finding_verify", kwargs={"finding_id": finding.pk}), {"passed": "1"}, follow=True
    )
    assert "复核通过，隐患已销号。" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.VERIFIED
    other = make_finding(mini.grid_b, personas["grid_worker"])
    assert client.get(reverse("gridwork:finding", kwargs={"finding_id": other.pk})).status_code == 404
    assert (
        client.post(
            reverse("gridwork:finding_rectify", kwargs={"finding_id": other.pk}), {"note": "x"}
        ).status_code
        == 404
    )


@pytest.mark.usefixtures("no_need_handlers")
def test_need_refer_says_when_the_module_is_not_installed(
    client: Any, personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    visit = make_visit(mini.grid_a, homes["a"], personas["grid_worker"], needs=[("facility", "楼道灯坏")])
    need = visit.needs.get()
    client.force_login(personas["grid_worker"])
    html = client.get(reverse("gridwork:visit", kwargs={"visit_id": visit.pk})).content.decode()
    assert "所需的业务模块尚未安装" in html
    response = client.post(
        reverse("gridwork:need_refer", kwargs={"need_id": need.pk}), {"target": "appeal"}, follow=True
    )
    assert "相关业务模块尚未安装，暂不能转办。" in response.content.decode()
    hooks.register_need_handler("service_application", lambda *, actor, need: f"FW-{need.pk}")
    try:
        html = client.get(reverse("gridwork:visit", kwargs={"visit_id": visit.pk})).content.decode()
        assert 'value="service_application"' in html
        client.post(
            reverse("gridwork:need_refer", kwargs={"need_id": need.pk}), {"target": "service_application"}
        )
    finally:
        hooks.unregister_need_handler("service_application")
    need.refresh_from_db()
    assert need.status == NeedStatus.REFERRED
    assert need.reference == f"FW-{need.pk}"


def test_nav_entries_appear_for_grid_posts(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas["grid_worker"])
    html = client.get(reverse("gridwork:day")).content.decode()
    assert 'data-nav="gridwork_day"' in html
    assert 'data-nav="gridwork_findings"' in html
