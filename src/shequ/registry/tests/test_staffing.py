"""Staffing and coverage checks on a hand-made tree with exactly known shortfalls."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from django.http import Http404
from django.utils import timezone

from shequ.accounts.models import Post, User
from shequ.accounts.roles import Role
from shequ.core.models import AreaLevel, HeavyLoadKind
from shequ.core.rules import rule_set
from shequ.demo.factories import make_area, make_staff
from shequ.registry.models import Household, HouseholdKind
from shequ.registry.staffing import staffing_report

pytestmark = pytest.mark.django_db

R, F, REG = HouseholdKind.RESIDENT, HouseholdKind.FLOATING, HouseholdKind.REGISTERED


@dataclass
class Tree:
    areas: dict[str, Any]
    admin: User
    city_admin: User
    street_staff: User


_seq = iter(range(1, 10_000))


def _worker(area: Any, role: str = Role.GRID_WORKER, *, full_time: bool = True, **kwargs: Any) -> User:
    user = make_staff(f"s{next(_seq)}", role, area=area)
    Post.objects.filter(user=user).update(full_time=full_time, **kwargs)
    return user


def _households(grid: Any, count: int, kind: str = R, **kwargs: Any) -> None:
    Household.objects.bulk_create([Household(grid=grid, kind=kind, **kwargs) for _ in range(count)])


_codes = iter(range(1, 190))


def _committee(name: str, street: Any, *, rural: bool = False, **kwargs: Any) -> Any:
    level = AreaLevel.VILLAGE if rural else AreaLevel.COMMUNITY
    tail = next(_codes) + (200 if rural else 0)
    return make_area(name, level, street, code=f"{street.code}{tail:03d}", **kwargs)


def build_tree() -> Tree:
    a: dict[str, Any] = {}
    a["city"] = make_area("测试市", AreaLevel.CITY, None, code="329900")
    a["d"] = make_area("甲区", AreaLevel.DISTRICT, a["city"], code="329901")
    a["d2"] = make_area("乙区", AreaLevel.DISTRICT, a["city"], code="329902")
    a["s"] = make_area("一街道", AreaLevel.STREET, a["d"], code="329901001")
    a["s2"] = make_area("二街道", AreaLevel.STREET, a["d"], code="329901002")
    # U1, urban: 650 resident households, 2 community workers → needs 3; grid b has no worker.
    a["u1"] = _committee("城一社区", a["s"])
    a["g_a"] = make_area("城一第一网格", AreaLevel.GRID, a["u1"])
    a["g_b"] = make_area("城一第二网格", AreaLevel.GRID, a["u1"])
    _worker(a["g_a"])
    _worker(a["u1"], Role.COMMUNITY_WORKER)
    _worker(a["g_b"], valid_to=date(2020, 1, 1))  # ended post
    _worker(a["g_b"], is_active=False)  # inactive post
    _households(a["g_a"], 400)
    _households(a["g_a"], 30, F)
    _households(a["g_a"], 5, R, moved_out_on=date(2024, 1, 1))
    _households(a["g_b"], 250, REG)
    # U2, heavy load: 650 households, 3 workers → needs 4 at 1:200 (3 at 1:250); grid c: 2 workers, no leader.
    a["u2"] = _committee("城二社区", a["s"], heavy_load=HeavyLoadKind.OLD_ESTATE)
    a["g_c"] = make_area("城二第一网格", AreaLevel.GRID, a["u2"])
    _worker(a["g_c"])
    _worker(a["g_c"])
    _worker(a["u2"], Role.COMMUNITY_HEAD)
    _households(a["g_c"], 650)
    # U3, urban: 520 households (+100 floating, not counted), 2 workers → needs 2; leader present.
    a["u3"] = _committee("城三社区", a["s"])
    a["g_d"] = make_area("城三第一网格", AreaLevel.GRID, a["u3"])
    _worker(a["g_d"])
    _worker(a["g_d"], full_time=False)
    _worker(a["g_d"], Role.GRID_LEADER)
    _worker(a["u3"], Role.COMMUNITY_WORKER)
    _households(a["g_d"], 520)
    _households(a["g_d"], 100, F)
    # V1, rural: 1000 households, 4 workers → needs 5 at 1:200; size within 1000—1500.
    a["v1"] = _committee("乡一村", a["s"], rural=True)
    a["g_e"] = make_area("乡一第一网格", AreaLevel.GRID, a["v1"])
    _worker(a["g_e"])
    for _ in range(3):
        _worker(a["v1"], Role.COMMUNITY_WORKER)
    _households(a["g_e"], 1000)
    # U5 on the second street: 100 households, 1 worker, fully staffed.
    a["u5"] = _committee("城五社区", a["s2"])
    a["g_f"] = make_area("城五第一网格", AreaLevel.GRID, a["u5"])
    _worker(a["g_f"])
    _households(a["g_f"], 100)
    # Another district: a grid with no worker that the district admin must not see.
    a["s3"] = make_area("三街道", AreaLevel.STREET, a["d2"], code="329902001")
    a["x"] = _committee("他区社区", a["s3"])
    a["g_x"] = make_area("他区网格", AreaLevel.GRID, a["x"])
    _households(a["g_x"], 10)
    return Tree(
        areas=a,
        admin=make_staff("d_admin", Role.DISTRICT_ADMIN, area=a["d"]),
        city_admin=make_staff("c_admin", Role.CITY_ADMIN, area=a["city"]),
        street_staff=make_staff("s_staff", Role.STREET_STAFF, area=a["s2"]),
    )


@pytest.fixture
def tree() -> Tree:
    return build_tree()


def _names(rows: Any) -> list[str]:
    return [r.area.name for r in rows]


def test_grid_findings_are_exactly_the_known_ones(tree: Tree) -> None:
    report = staffing_report(tree.admin)
    assert report.root == tree.areas["d"]
    found = [(f.area.name, f.code) for g in report.short_grids for f in g.findings]
    assert sorted(found) == [("城一第二网格", "grid_no_full_time"), ("城二第一网格", "grid_no_leader")]
    grids = {g.area.name: g for g in report.grids}
    assert (grids["城三第一网格"].full_time, grids["城三第一网格"].workers, grids["城三第一网格"].leader) == (
        1,
        2,
        True,
    )
    assert grids["城一第一网格"].households == 400
    assert grids["城一第一网格"].floating == 30
    assert grids["城一第二网格"].households == 250
    leader = next(f for f in report.findings if f.code == "grid_no_leader")
    assert leader.rule.key == "grid.leader_required_from_workers"
    assert "宁委发〔2018〕25号" in leader.citation
    no_worker = next(f for f in report.findings if f.code == "grid_no_full_time")
    assert no_worker.rule.key == "grid.full_time_workers_min"
    assert no_worker.expected == "≥ 1人"


def test_committee_shortfalls_ratio_rules_and_sizes(tree: Tree) -> None:
    report = staffing_report(tree.admin)
    rows = {c.area.name: c for c in report.committees}
    assert sorted(_names(report.short_committees)) == sorted(["城一社区", "城二社区", "乡一村"])
    u1, u2, u3, v1 = rows["城一社区"], rows["城二社区"], rows["城三社区"], rows["乡一村"]
    assert (u1.households, u1.workers, u1.required, u1.ratio.key) == (
        650,
        2,
        3,
        "staffing.households_per_worker.urban",
    )
    assert (u2.households, u2.workers, u2.required, u2.required_lenient, u2.ratio.key) == (
        650,
        3,
        4,
        3,
        "staffing.households_per_worker.heavy_load",
    )
    assert (u3.households, u3.floating, u3.workers, u3.required, u3.short) == (520, 100, 2, 2, False)
    assert (v1.households, v1.workers, v1.required, v1.ratio.key) == (
        1000,
        4,
        5,
        "staffing.households_per_worker.rural",
    )
    short = {f.area.name: f for f in report.findings if f.code == "workers_short"}
    assert short["城二社区"].expected == "应配4人（按200—250户/人最少3人）"
    assert "第1版" in short["城一社区"].citation
    assert "300" in short["城一社区"].citation
    # Size: urban about 3,000 (±20 %), rural 1,000—1,500.
    assert sorted(_names(report.size_off)) == sorted(["城一社区", "城二社区", "城三社区", "城五社区"])
    assert v1.size_ok
    assert v1.size.key == "community.households.rural"
    size = next(f for f in report.findings if f.code == "size_off" and f.area.name == "城一社区")
    assert size.message == "社区规模偏离规定-78.3%"
    assert size.rule.key == "community.households.urban"


def test_coverage_per_street_and_district(tree: Tree) -> None:
    report = staffing_report(tree.admin)
    cov = {c.area.name: c for c in report.coverage}
    assert sorted(cov) == sorted(["甲区", "一街道", "二街道"])
    street, district, second = cov["一街道"], cov["甲区"], cov["二街道"]
    assert (street.committees, street.covered, street.households, street.households_staffed) == (
        4,
        3,
        2820,
        2570,
    )
    assert street.result is not None
    assert not street.result.ok
    assert street.result.rule.key == "target.grid_coverage"
    assert (district.committees, district.covered) == (5, 4)
    assert second.result is not None
    assert second.result.ok
    assert [c.area.name for c in report.committees if not c.covered] == ["城一社区"]


def test_scope_other_district_is_out_of_reach(tree: Tree) -> None:
    report = staffing_report(tree.admin)
    assert "他区网格" not in _names(report.grids)
    with pytest.raises(Http404):
        staffing_report(tree.admin, tree.areas["x"])
    city = staffing_report(tree.city_admin)
    assert ("他区网格", "grid_no_full_time") in [(f.area.name, f.code) for f in city.findings]
    street = staffing_report(tree.street_staff)
    assert _names(street.committees) == ["城五社区"]


def test_a_new_rule_version_changes_the_result(tree: Tree) -> None:
    rule_set(
        actor=tree.admin,
        key="staffing.households_per_worker.urban",
        area=tree.areas["d"],
        value="250",
        valid_from=timezone.localdate(),
        source="甲区社区工作者配备办法第三条",
    )
    report = staffing_report(tree.admin)
    assert sorted(_names(report.short_committees)) == sorted(["城一社区", "城二社区", "城三社区", "乡一村"])
    u3 = next(c for c in report.committees if c.area.name == "城三社区")
    assert (u3.required, u3.ratio.jurisdiction, u3.ratio.source) == (
        3,
        "甲区",
        "甲区社区工作者配备办法第三条",
    )
    finding = next(f for f in report.findings if f.code == "workers_short" and f.area.name == "城三社区")
    assert "甲区社区工作者配备办法第三条" in finding.citation
    # The other district keeps the platform default.
    x = next(c for c in staffing_report(tree.city_admin).committees if c.area.name == "他区社区")
    assert x.ratio.value == 300


def test_a_new_grid_rule_changes_coverage(tree: Tree) -> None:
    rule_set(
        actor=tree.admin,
        key="grid.full_time_workers_min",
        area=tree.areas["s"],
        value="2",
        valid_from=timezone.localdate() - timedelta(days=1),
        source="一街道网格员配备要求",
    )
    report = staffing_report(tree.admin)
    cov = {c.area.name: c for c in report.coverage}
    assert (cov["一街道"].covered, cov["二街道"].covered) == (1, 1)
    assert sorted(c.area.name for c in report.committees if c.covered) == sorted(["城二社区", "城五社区"])


def test_page_lists_and_exports(client: Any, tree: Tree) -> None:
    client.force_login(tree.admin)
    page = client.get("/console/registry/staffing/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("城一第二网格", "城二社区", "宁委发〔2018〕25号"):
        assert text in html
    assert "他区网格" not in html
    chosen = client.get("/console/registry/staffing/", {"area": tree.areas["s2"].pk})
    assert chosen.status_code == 200
    assert "城一第二网格" not in chosen.content.decode()
    assert client.get("/console/registry/staffing/", {"area": tree.areas["x"].pk}).status_code == 404
    assert client.get("/console/registry/staffing/", {"area": "abc"}).status_code == 404
    export = client.get("/console/registry/staffing/", {"area": tree.areas["s"].pk, "fmt": "xlsx"})
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    sheet = book.worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][0] == "区域"
    assert {(r[0], r[1]) for r in rows[1:]} >= {
        ("城一第二网格", "未配备专职网格员"),
        ("乡一村", "社区工作者不足：缺1人"),
    }
    assert all(isinstance(v, str) for r in rows for v in r if v is not None)


def test_api(client: Any, tree: Tree) -> None:
    client.force_login(tree.admin)
    body = client.get("/api/v1/registry/staffing").json()
    assert body["area_id"] == tree.areas["d"].pk
    assert sorted((f["area_name"], f["code"]) for f in body["findings"] if f["code"] != "size_off") == sorted(
        [
            ("城一第二网格", "grid_no_full_time"),
            ("城二第一网格", "grid_no_leader"),
            ("城一社区", "workers_short"),
            ("城二社区", "workers_short"),
            ("乡一村", "workers_short"),
        ]
    )
    rule = next(f for f in body["findings"] if f["code"] == "grid_no_full_time")["rule"]
    assert (rule["key"], rule["version"], rule["jurisdiction"]) == (
        "grid.full_time_workers_min",
        1,
        "全平台默认",
    )
    assert "二（六）" in rule["source"]
    street = next(c for c in body["coverage"] if c["name"] == "一街道")
    assert (street["rate"], street["ok"]) == (0.75, False)
    assert client.get("/api/v1/registry/staffing", {"area_id": tree.areas["x"].pk}).status_code == 404
    assert client.get("/api/v1/registry/staffing", {"area_id": 10**15}).status_code == 404
    assert client.get("/api/v1/registry/staffing", {"area_id": "x"}).status_code in (400, 422)
    client.force_login(make_staff("h", Role.DEPARTMENT_HANDLER))
    assert client.get("/api/v1/registry/staffing").status_code == 404


def _grow(tree: Tree, n: int) -> None:
    for i in range(n):
        community = _committee(f"扩{i}社区", tree.areas["s2"])
        for j in range(3):
            grid = make_area(f"扩{i}-{j}网格", AreaLevel.GRID, community)
            _worker(grid)
            _households(grid, 5)


def test_fixed_number_of_queries(client: Any, tree: Tree, django_assert_max_num_queries: Any) -> None:
    client.force_login(tree.admin)
    url = f"/console/registry/staffing/?area={tree.areas['d'].pk}"
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    _grow(tree, 6)
    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert page.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/registry/staffing").status_code == 200
    with django_assert_max_num_queries(6):  # the actor's posts, then five
        staffing_report(tree.admin, tree.areas["d"])
