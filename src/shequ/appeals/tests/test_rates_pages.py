"""The three-rates console page: tables, definitions, drill-down lists, xlsx export, access."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse

from shequ.accounts.roles import Role
from shequ.appeals.models import Case

from .rates_october import October, build_october

pytestmark = pytest.mark.django_db

URL = "/console/appeals/rates/"
EXPORT = "/console/appeals/rates/export/"


@pytest.fixture
def october(mini: Any, personas: dict[str, Any]) -> October:
    return build_october(mini, personas)


def _section(body: str, key: str) -> str:
    found = re.search(rf'<section class="rates-table" id="rates-{key}">(.*?)</section>', body, re.S)
    assert found is not None, key
    return found.group(1)


def _cells(html: str) -> list[list[str]]:
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def test_the_page_counts_the_cases_and_shows_the_rates(client: Any, october: October) -> None:
    assert reverse("appeals:rates") == URL
    client.force_login(october.personas[Role.CITY_ADMIN])
    response = client.get(URL, {"month": "2026-10"})
    assert response.status_code == 200
    body = response.content.decode()
    streets = _cells(_section(body, "street"))
    assert streets[1] == [
        "1",
        "梅园新村街道",
        "4",
        "3",
        "75.0%",
        "3",
        "2",
        "66.7%",
        "1",
        "2",
        "0",
        "100.0%",
        "82.5",
    ]
    assert streets[2][:2] == ["2", "夫子庙街道"]
    assert streets[2][-1] == "50.0"
    assert streets[3] == ["", "合计", "6", "4", "66.7%", "4", "3", "75.0%", "1", "2", "1", "75.0%", "74.2"]
    units = _cells(_section(body, "unit"))
    assert [r[1] for r in units[1:]] == ["大悲巷社区居委会", "玄武区城市管理局", "秦淮区城市管理局", "合计"]
    assert 'id="rates-community"' not in body  # the city admin sees the community table under a street
    # The definitions, with the weights in force, and the choice for a zero denominator.
    assert "响应率 × 0.1 + 解决率 × 0.45 + 满意率 × 0.45" in body
    assert "评为“基本满意”的案件数 × 1" in body
    assert "不计入考核" in body
    assert "分母为 0（显示“—”）时，该项不计入" in body
    assert "综合得分中响应率的权重" in body


def test_counts_link_to_their_drill_down(client: Any, october: October) -> None:
    mini = october.mini
    client.force_login(october.personas[Role.CITY_ADMIN])
    body = client.get(URL, {"month": "2026-10"}).content.decode()
    link = f"?month=2026-10&amp;drill=response_miss&amp;street={mini.street_a.pk}"
    assert f'href="{link}"' in body
    drill = client.get(URL, {"month": "2026-10", "drill": "response_miss", "street": mini.street_a.pk})
    assert drill.status_code == 200
    page = drill.content.decode()
    c2 = october.cases["C2"]
    assert f'<a href="/console/appeals/cases/{c2.pk}/">{c2.number}</a>' in page
    assert page.count('<tr id="case-') == 1
    assert "未按时响应的案件" in page
    assert "梅园新村街道" in page
    unit = client.get(URL, {"month": "2026-10", "drill": "basic", "unit": f"org:{mini.dept_a.pk}"})
    assert unit.content.decode().count('<tr id="case-') == 1


def test_the_community_table_under_a_street(client: Any, october: October) -> None:
    client.force_login(october.personas[Role.CITY_ADMIN])
    body = client.get(URL, {"month": "2026-10", "area": october.mini.street_a.pk}).content.decode()
    rows = _cells(_section(body, "community"))
    assert [r[:2] for r in rows[1:]] == [["1", "东湖村"], ["2", "大悲巷社区"], ["", "合计"]]
    assert rows[1][4:8] == ["100.0%", "0", "0", "—"]
    assert rows[1][-1] == "100.0"


def test_drill_down_is_paged_by_fifty(
    client: Any, october: October, django_assert_max_num_queries: Any
) -> None:
    from .rates_october import at, dispatched, make_case

    resident = october.personas["resident"]
    for i in range(55):
        make_case(
            resident,
            october.mini.grid_a,
            f"批量诉求第{i}号",
            **dispatched(october.mini.dept_a, at(10, 20, 9)),
        )
    client.force_login(october.personas[Role.CITY_ADMIN])
    client.get(URL, {"month": "2026-10"})
    with django_assert_max_num_queries(20):
        first = client.get(URL, {"month": "2026-10", "drill": "dispatched"})
    body = first.content.decode()
    assert body.count('<tr id="case-') == 50
    assert "第1页，共2页" in body
    second = client.get(URL, {"month": "2026-10", "drill": "dispatched", "page": 2}).content.decode()
    assert second.count('<tr id="case-') == 61 - 50


def test_the_page_costs_a_fixed_number_of_queries(
    client: Any, october: October, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .rates_october import at, dispatched, make_case, on_time, rated

    client.force_login(october.personas[Role.STREET_STAFF])
    client.get(URL, {"month": "2026-10"})
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL, {"month": "2026-10"}).status_code == 200
    resident = october.personas["resident"]
    for i in range(15):
        when = at(10, 21, 9, i)
        make_case(
            resident,
            october.mini.village_a if i % 2 else october.mini.grid_a,
            f"又一诉求第{i}号",
            **dispatched(october.mini.dept_a, when) | on_time(when) | rated(when, i % 3 == 0, "satisfied"),
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        body = client.get(URL, {"month": "2026-10"}).content.decode()
    assert 'id="rates-community"' in body  # street staff: their street's communities


def test_bad_month_is_a_message_not_a_500(client: Any, october: October) -> None:
    client.force_login(october.personas[Role.CITY_ADMIN])
    for bad in ("2026-13", "abc", "2026/10", "9999-01"):
        response = client.get(URL, {"month": bad})
        assert response.status_code == 400
        assert "field-error" in response.content.decode()
    assert client.get(URL, {"month": "2026-10", "drill": "nonsense"}).status_code == 400
    assert client.get(URL, {"month": "2026-10", "drill": "rated", "unit": "x"}).status_code == 400
    assert client.get(EXPORT, {"month": "2026-13"}).status_code == 400
    assert client.get(URL, {"area": "abc"}).status_code == 404


def test_access(client: Any, october: October) -> None:
    mini = october.mini
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"]
    client.force_login(october.personas["resident"])
    assert client.get(URL).status_code == 302
    assert client.get(EXPORT).status_code == 302
    worker = october.personas[Role.COMMUNITY_WORKER]
    client.force_login(worker)
    body = client.get(URL, {"month": "2026-10"}).content.decode()
    streets = _cells(_section(body, "street"))
    assert [r[1] for r in streets[1:]] == ["梅园新村街道", "合计"]
    assert streets[1][2] == "3"  # C1, C2, C3: not 东湖村's C10
    assert "夫子庙街道" not in body
    assert client.get(URL, {"area": mini.street_b.pk}).status_code == 404
    assert client.get(URL, {"area": mini.street_a.pk}).status_code == 404
    assert client.get(URL, {"drill": "rated", "street": mini.street_b.pk}).status_code == 404
    assert client.get(EXPORT, {"area": mini.street_b.pk}).status_code == 404


# --------------------------------------------------------------------------- export


def _book(content: bytes) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def test_export_of_the_rankings(client: Any, october: October) -> None:
    from shequ.core.models import AuditEntry

    admin = october.personas[Role.CITY_ADMIN]
    client.force_login(admin)
    response = client.get(EXPORT, {"month": "2026-10", "area": october.mini.street_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="appeal-rates-2026-10.xlsx"' in response["Content-Disposition"]
    book = _book(response.content)
    assert book.sheetnames == ["街道（镇）排名", "承办单位排名", "社区（村）明细", "口径说明"]
    rows = list(book["街道（镇）排名"].iter_rows(values_only=True))
    assert rows[0][:5] == ("名次", "名称", "派单数", "按时响应", "响应率")
    assert rows[1][:4] == (1, "梅园新村街道", 4, 3)
    assert rows[1][4] == pytest.approx(0.75)
    assert rows[1][7] == pytest.approx(2 / 3, abs=1e-6)
    assert rows[1][11] == pytest.approx(1.0)
    assert rows[1][12] == pytest.approx(82.5)
    assert rows[-1][1] == "合计"
    community = list(book["社区（村）明细"].iter_rows(values_only=True))
    assert community[1][:2] == (1, "东湖村")
    assert community[1][7] == "—"
    definitions = list(book["口径说明"].iter_rows(values_only=True))
    assert definitions[0] == ("月份", "2026-10")
    assert any(r[0] == "综合得分" and "0.45" in r[1] for r in definitions[2:])
    entry = AuditEntry.objects.get(action="appeals.rates.export")
    assert entry.actor == admin
    assert entry.changes["month"] == "2026-10"
    assert entry.changes["rows"] == 1 + 2 + 2  # one street, two units, two communities
    assert entry.area_id == october.mini.street_a.pk


def test_export_of_a_drill_down_is_formula_safe(client: Any, october: October) -> None:
    from shequ.core.models import AuditEntry

    mini = october.mini
    Case.objects.filter(pk=october.cases["C3"].pk).update(lead_unit='=HYPERLINK("http://x","点我")')
    client.force_login(october.personas[Role.STREET_STAFF])
    response = client.get(EXPORT, {"month": "2026-10", "drill": "rated", "community": mini.community_a.pk})
    assert response.status_code == 200
    book = _book(response.content)
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert "评价" in rows[0][0]
    assert "大悲巷社区" in rows[0][0]
    assert rows[1][0] == "案件编号"
    numbers = [r[0] for r in rows[2:]]
    assert sorted(numbers) == october.numbers("C1", "C2", "C3")
    c3 = next(r for r in rows[2:] if r[0] == october.cases["C3"].number)
    assert c3[2] == '\'=HYPERLINK("http://x","点我")'
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
    assert c3[8] == "2026-10-31 23:30"
    entry = AuditEntry.objects.get(action="appeals.rates.export")
    assert entry.changes["drill"] == "rated"
    assert entry.changes["rows"] == 3
    # The unit's name through the page is escaped, not a formula either way.
    page = client.get("/console/appeals/rates/", {"month": "2026-10"}).content.decode()
    assert "=HYPERLINK(&quot;http://x&quot;" in page


@pytest.mark.parametrize(
    "role",
    [
        Role.GRID_WORKER,
        Role.COMMUNITY_WORKER,
        Role.SUPERVISION_MEMBER,
        Role.STREET_STAFF,
        Role.DISTRICT_ADMIN,
        Role.DEPARTMENT_HANDLER,
        Role.PROVIDER_STAFF,
        Role.CITY_ADMIN,
        Role.SYSTEM_ADMIN,
    ],
)
def test_every_staff_role_opens_the_page_and_the_export(
    client: Any, october: October, role: str, django_assert_max_num_queries: Any
) -> None:
    client.force_login(october.personas[role])
    with django_assert_max_num_queries(25):
        response = client.get(URL, {"month": "2026-10"})
    assert response.status_code == 200
    assert client.get(URL, {"month": "2026-10", "drill": "rated"}).status_code == 200
    assert client.get(EXPORT, {"month": "2026-10"}).status_code == 200
