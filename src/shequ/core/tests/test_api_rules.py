"""The rules and calendar API, and the console pages for rules."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.core import calendar as cal
from shequ.core.models import AuditEntry, CalendarDay, Rule
from shequ.core.rules import rule_set, seed_area_rules, seed_default_rules

PAY = "pay.urban_other.share_of_city_average_wage"
RATIO_URBAN = "staffing.households_per_worker.urban"


@pytest.fixture
def seeded(db: Any) -> None:
    seed_default_rules()
    cal.seed_calendar()


def as_user(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def post_json(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


# --------------------------------------------------------------------------- rules API


def test_list_shows_defaults_and_rules_in_scope_only(
    client: Any, seeded: None, personas: Any, mini: Any
) -> None:
    seed_area_rules(mini.city)  # 玄武区 and 秦淮区 rows
    response = as_user(client, personas[Role.DISTRICT_ADMIN]).get("/api/v1/rules", {"key": PAY})
    assert response.status_code == 200
    rows = response.json()
    assert {r["jurisdiction"] for r in rows} == {"全平台默认", "玄武区"}
    mine = next(r for r in rows if r["jurisdiction"] == "玄武区")
    assert mine["display"] == "80%"
    assert "宁委发〔2018〕25号" in mine["source"]


def test_list_for_an_area_and_out_of_scope_area(client: Any, seeded: None, personas: Any, mini: Any) -> None:
    seed_area_rules(mini.city)
    client = as_user(client, personas[Role.STREET_STAFF])
    rows = client.get("/api/v1/rules", {"key": PAY, "area_id": mini.community_a.pk}).json()
    assert [r["jurisdiction"] for r in rows] == ["全平台默认", "玄武区"]
    assert client.get("/api/v1/rules", {"area_id": mini.community_b.pk}).status_code == 404


def test_effective_value(client: Any, seeded: None, personas: Any, mini: Any) -> None:
    seed_area_rules(mini.city)
    client = as_user(client, personas[Role.COMMUNITY_WORKER])
    response = client.get("/api/v1/rules/effective", {"key": PAY, "area_id": mini.community_a.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["value"] in ("0.8000", "0.8", 0.8)
    assert body["jurisdiction"] == "玄武区"
    assert "玄武区" in body["citation"]
    old = client.get("/api/v1/rules/effective", {"key": PAY, "on": "2010-01-01"})
    assert old.status_code == 404
    unknown = client.get("/api/v1/rules/effective", {"key": "nope"})
    assert unknown.status_code == 400
    assert "未知的规则键" in unknown.json()["errors"]["key"][0]
    other = client.get("/api/v1/rules/effective", {"key": PAY, "area_id": mini.community_b.pk})
    assert other.status_code == 404


def test_create_a_version(client: Any, seeded: None, personas: Any, mini: Any) -> None:
    client = as_user(client, personas[Role.DISTRICT_ADMIN])
    response = post_json(
        client,
        "/api/v1/rules",
        {
            "key": RATIO_URBAN,
            "area_id": mini.district_a.pk,
            "value": "260",
            "valid_from": "2026-01-01",
            "source": "玄武区社区工作者配备办法第三条",
            "reason": "任务较重",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    assert body["jurisdiction"] == "玄武区"
    assert AuditEntry.objects.filter(action="rule.create", object_id=str(body["id"])).count() == 1


def test_create_answers_400_403_404(client: Any, seeded: None, personas: Any, mini: Any) -> None:
    payload = {
        "key": RATIO_URBAN,
        "area_id": mini.district_a.pk,
        "value": "320",
        "valid_from": "2026-01-01",
        "source": "某文件",
    }
    admin = as_user(client, personas[Role.DISTRICT_ADMIN])
    laxer = post_json(admin, "/api/v1/rules", payload)
    assert laxer.status_code == 400
    assert "不得比上级规定宽松" in laxer.json()["errors"]["value"][0]
    bad = post_json(admin, "/api/v1/rules", payload | {"value": "-1", "valid_to": "2025-01-01", "source": ""})
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert {"value", "valid_to", "source"} <= set(errors)
    sibling = post_json(admin, "/api/v1/rules", payload | {"area_id": mini.district_b.pk, "value": "250"})
    assert sibling.status_code == 404
    default = post_json(admin, "/api/v1/rules", payload | {"area_id": None, "value": "250"})
    assert default.status_code == 403
    worker = as_user(client, personas[Role.COMMUNITY_WORKER])
    denied = post_json(worker, "/api/v1/rules", payload | {"area_id": mini.community_a.pk, "value": "250"})
    assert denied.status_code == 403
    assert not Rule.objects.filter(area__isnull=False).exists()


def test_residents_do_not_read_rules_over_the_api(client: Any, seeded: None, personas: Any) -> None:
    response = as_user(client, personas["resident"]).get("/api/v1/rules")
    assert response.status_code == 403


# --------------------------------------------------------------------------- calendar API


def test_calendar_days_of_a_year(client: Any, seeded: None, personas: Any) -> None:
    client = as_user(client, personas[Role.GRID_WORKER])
    body = client.get("/api/v1/calendar/days", {"year": 2026}).json()
    assert body["configured"] is True
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-02-14"]["kind"] == "workday"
    assert days["2026-02-16"]["kind"] == "holiday"
    assert "国办发明电〔2025〕7号" in days["2026-02-16"]["source"]
    empty = client.get("/api/v1/calendar/days", {"year": 2031}).json()
    assert empty == {"year": 2031, "configured": False, "days": []}
    assert client.get("/api/v1/calendar/days", {"year": 99999}).status_code == 400
    one = client.get("/api/v1/calendar/days/2026-10-10")
    assert one.status_code == 200
    assert one.json()["kind"] == "workday"
    assert client.get("/api/v1/calendar/days/2026-03-10").status_code == 404


def test_calendar_edits_over_the_api(client: Any, seeded: None, personas: Any) -> None:
    payload = {"date": "2031-01-01", "kind": "holiday", "name": "元旦", "source": "2031年通知"}
    district = as_user(client, personas[Role.DISTRICT_ADMIN])
    assert post_json(district, "/api/v1/calendar/days", payload).status_code == 403
    assert district.delete("/api/v1/calendar/days/2026-01-01").status_code == 403
    city = as_user(client, personas[Role.CITY_ADMIN])
    created = post_json(city, "/api/v1/calendar/days", payload)
    assert created.status_code == 201
    bad = post_json(city, "/api/v1/calendar/days", payload | {"date": "2031-01-02", "kind": "workday"})
    assert bad.status_code == 400
    assert "周六或周日" in bad.json()["errors"]["kind"][0]
    assert city.delete("/api/v1/calendar/days/2031-01-01").status_code == 204
    assert city.delete("/api/v1/calendar/days/2031-01-01").status_code == 404
    assert not CalendarDay.objects.filter(date__year=2031).exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="calendar.")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["calendar.add", "calendar.remove"]


def test_deadline_endpoint(client: Any, seeded: None, personas: Any, mini: Any) -> None:
    client = as_user(client, personas[Role.COMMUNITY_WORKER])
    body = client.get(
        "/api/v1/calendar/deadline", {"start": "2026-02-13T10:00:00+08:00", "working_days": 3}
    ).json()
    assert body["date"] == "2026-02-25"
    assert body["deadline"].startswith("2026-02-25T17:30:00")
    assert body["deadline"].endswith("+08:00")
    naive = client.get(
        "/api/v1/calendar/deadline", {"start": "2025-09-26T09:00:00", "working_days": 3}
    ).json()
    assert naive["date"] == "2025-09-30"
    assert (
        client.get("/api/v1/calendar/deadline", {"start": "2026-02-13", "working_days": -1}).status_code
        == 400
    )
    assert (
        client.get(
            "/api/v1/calendar/deadline",
            {"start": "2026-02-13", "working_days": 1, "area_id": mini.community_b.pk},
        ).status_code
        == 404
    )


# --------------------------------------------------------------------------- console pages


def test_rules_page_groups_keys_with_effective_values(
    client: Any, seeded: None, personas: Any, mini: Any
) -> None:
    seed_area_rules(mini.city)
    response = as_user(client, personas[Role.DISTRICT_ADMIN]).get("/console/rules/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "社区工作者配备" in html
    assert "村民委员会选举" in html
    assert 'id="rule-pay.urban_other.share_of_city_average_wage"' in html
    row = html.split('id="rule-pay.urban_other.share_of_city_average_wage"')[1].split("</tr>")[0]
    assert "80%" in row
    assert "玄武区" in row
    assert "新增规则版本" in html
    # Another district's page is not reachable.
    assert client.get("/console/rules/", {"area": mini.district_b.pk}).status_code == 404


def test_rules_page_query_count_does_not_grow_with_versions(
    client: Any, seeded: None, personas: Any, mini: Any, django_assert_max_num_queries: Any
) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    client = as_user(client, admin)
    client.get("/console/rules/")  # warm the session
    with django_assert_max_num_queries(12) as first:
        assert client.get("/console/rules/").status_code == 200
    for year in range(2026, 2031):
        rule_set(
            actor=admin,
            key=RATIO_URBAN,
            area=mini.district_a,
            value=250,
            valid_from=date(year, 1, 1),
            valid_to=date(year, 12, 31),
            source="年度文件",
        )
        rule_set(
            actor=admin,
            key=PAY,
            area=mini.district_a,
            value="0.8",
            valid_from=date(year, 1, 1),
            valid_to=date(year, 12, 31),
            source="年度文件",
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get("/console/rules/").status_code == 200


def test_rule_form_shows_chinese_field_errors(client: Any, seeded: None, personas: Any, mini: Any) -> None:
    client = as_user(client, personas[Role.DISTRICT_ADMIN])
    page = client.get("/console/rules/new/", {"key": PAY, "area": mini.district_a.pk})
    assert page.status_code == 200
    assert "全平台默认" not in page.content.decode()  # only a system admin may pick the default
    form = {
        "key": PAY,
        "area": mini.district_a.pk,
        "value": "0.6",
        "valid_from": "2026-01-01",
        "source": "区文件",
    }
    response = client.post("/console/rules/new/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "不得比上级规定宽松" in html
    response = client.post("/console/rules/new/", form | {"value": "", "valid_from": "2026-13-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "这个字段是必填项。" in html
    assert "输入一个有效的日期" in html
    assert not Rule.objects.filter(area__isnull=False).exists()
    ok = client.post("/console/rules/new/", form | {"value": "0.85"})
    assert ok.status_code == 302
    assert ok["Location"].startswith("/console/rules/?area=")
    assert Rule.objects.get(area=mini.district_a, key=PAY).value == Decimal("0.85")


def test_rule_form_is_for_rule_admins_only(client: Any, seeded: None, personas: Any) -> None:
    client = as_user(client, personas[Role.STREET_STAFF])
    assert client.get("/console/rules/").status_code == 200
    assert client.get("/console/rules/new/").status_code == 403
    assert client.post("/console/rules/new/", {"key": PAY}).status_code == 403


def test_system_admin_sets_a_platform_default_through_the_form(
    client: Any, seeded: None, personas: Any
) -> None:
    client = as_user(client, personas[Role.SYSTEM_ADMIN])
    html = client.get("/console/rules/").content.decode()
    assert "以下为全平台默认规则今日生效的值。" in html
    form = {
        "key": "deadline.yellow_share",
        "area": "",
        "value": "0.75",
        "valid_from": "2026-01-01",
        "source": "平台运行规范",
        "supersede": "on",
    }
    response = client.post("/console/rules/new/", form)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/rules/?area=default")
    versions = Rule.objects.filter(key="deadline.yellow_share", area__isnull=True).order_by("version")
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].valid_to == date(2025, 12, 31)
