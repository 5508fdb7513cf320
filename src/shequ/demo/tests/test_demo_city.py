"""The small demo city: real divisions, plausible committees and grids, one account per role."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pyotp
import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction

from shequ.accounts.models import Post, User, UserKind
from shequ.accounts.roles import Role
from shequ.core.models import (
    Area,
    AreaLevel,
    AuditEntry,
    CommitteeType,
    PlatformFlag,
)
from shequ.core.pii import parse_citizen_id
from shequ.demo.builder import ACCOUNT_SPECS, FLAG_KEY, RESIDENT_PHONE, SEED, build_demo_city, demo_accounts
from shequ.demo.divisions import city_divisions
from shequ.demo.factories import DEMO_PASSWORD


@pytest.fixture(scope="module")
def built_city(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Area]:
    """One small build shared by this module's read-only tests, rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_demo_city(scale="small").city
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def city(built_city: Area, db: Any) -> Area:
    return built_city


def test_districts_and_streets_are_the_real_ones(city: Area) -> None:
    divisions = city_divisions()
    assert city.code == "320100"
    assert city.name == "南京市"
    districts = Area.objects.filter(level=AreaLevel.DISTRICT)
    assert sorted((d.code, d.name) for d in districts) == sorted(
        (d.code, d.name) for d in divisions.districts
    )
    assert districts.count() == 11
    assert all(d.parent_id == city.pk for d in districts)
    streets = Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.TOWN]).select_related(
        "parent", "stat_parent"
    )
    assert streets.count() == 101
    expected = {s.code: s for s in divisions.streets}
    for street in streets:
        source = expected[street.code or ""]
        assert street.name == source.name
        assert street.level == (AreaLevel.TOWN if source.name.endswith("镇") else AreaLevel.STREET)
        statistical = street.stat_parent or street.parent
        assert statistical is not None
        assert statistical.code == source.parent_code
        parent = street.parent
        assert parent is not None
        assert street.path == f"{parent.path}{street.pk}/"
    assert Area.objects.filter(level=AreaLevel.TOWN).count() == 6
    assert not Area.objects.filter(is_demo=False).exists()


def test_jiangbei_manages_streets_of_pukou_and_luhe(city: Area) -> None:
    zone = Area.objects.get(level=AreaLevel.ZONE)
    assert zone.name == "江北新区"
    assert zone.code is None
    assert zone.parent_id == city.pk
    managed = list(Area.objects.filter(parent=zone).select_related("stat_parent"))
    names = {a.name for a in managed}
    assert {"泰山街道", "顶山街道", "沿江街道", "盘城街道", "大厂街道", "葛塘街道", "长芦街道"} == names
    assert {a.stat_parent.name for a in managed if a.stat_parent} == {"浦口区", "六合区"}
    for street in managed:
        assert street.stat_parent is not None
        assert (street.code or "").startswith(street.stat_parent.code or "-")
        assert street.path.startswith(zone.path)
    # Scoping follows management: the zone's subtree holds those streets' communities, 浦口区's does not.
    pukou = Area.objects.get(code="320111")
    taishan = Area.objects.get(name="泰山街道")
    taishan_communities = Area.objects.filter(parent=taishan)
    assert taishan_communities.exists()
    assert set(Area.objects.subtree_of(zone).filter(parent=taishan)) == set(taishan_communities)
    assert not Area.objects.subtree_of(pukou).filter(parent=taishan).exists()
    # Streets of 浦口区 that 江北新区 does not manage stay under the district.
    assert Area.objects.get(name="江浦街道").parent_id == pukou.pk


def test_committee_codes_match_type_and_street(city: Area) -> None:
    committees = list(
        Area.objects.filter(level__in=[AreaLevel.COMMUNITY, AreaLevel.VILLAGE]).select_related("parent")
    )
    assert 30 <= len(committees) <= 90
    levels = {c.level for c in committees}
    assert levels == {AreaLevel.COMMUNITY, AreaLevel.VILLAGE}
    seen: set[str] = set()
    for c in committees:
        parent = c.parent
        assert parent is not None
        code = c.code or ""
        assert len(code) == 12
        assert code.isdigit()
        assert code.startswith(parent.code or "-")
        assert code not in seen
        seen.add(code)
        tail = int(code[-3:])
        if c.level == AreaLevel.COMMUNITY:
            assert 1 <= tail <= 199
            assert c.committee_type == CommitteeType.RESIDENTS
            assert c.urban_rural_code in {"111", "112", "121", "122"}
            assert c.name.endswith("社区")
        else:
            assert 200 <= tail <= 399
            assert c.committee_type == CommitteeType.VILLAGERS
            assert c.urban_rural_code in {"210", "220"}
            assert c.name.endswith("村")
            assert not c.heavy_load
        assert c.is_demo
        assert c.path == f"{parent.path}{c.pk}/"
        assert c.depth == parent.depth + 1
        grids = list(c.children.all())
        assert 3 <= len(grids) <= 6
        assert all(g.level == AreaLevel.GRID and g.path == f"{c.path}{g.pk}/" for g in grids)
    assert any(c.heavy_load for c in committees)
    # Committees sit in streets of urban and rural districts and of 江北新区.
    parents = {c.parent for c in committees if c.parent is not None}
    assert len(parents) == 8
    assert any(p.parent and p.parent.level == AreaLevel.ZONE for p in parents)
    assert any(p.level == AreaLevel.TOWN for p in parents)


def test_one_account_per_role(city: Area) -> None:
    for spec in ACCOUNT_SPECS:
        user = User.objects.get(username=spec.username)
        assert user.is_demo
        assert user.kind == UserKind.STAFF
        assert {p.role for p in user.posts.all()} == {spec.role}
        assert authenticate(username=spec.username, password=DEMO_PASSWORD) == user
        if spec.role in {Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN}:
            assert user.totp_secret
            assert user.totp_confirmed_at
        else:
            assert not user.totp_secret
    assert {s.role for s in ACCOUNT_SPECS} == set(Role.values)
    assert User.objects.get(username="admin").is_superuser
    resident = User.objects.get_by_phone(RESIDENT_PHONE)
    assert resident.kind == UserKind.RESIDENT
    assert resident.home_area is not None
    table = demo_accounts()
    assert [a.username for a in table] == [s.username for s in ACCOUNT_SPECS] + [RESIDENT_PHONE]
    assert all(a.totp_secret for a in table if a.username in {"quji", "shiji", "admin"})


def test_generated_people(city: Area) -> None:
    grids = Area.objects.filter(level=AreaLevel.GRID)
    staffed = set(Post.objects.filter(role=Role.GRID_WORKER).values_list("area_id", flat=True))
    assert set(grids.values_list("id", flat=True)) <= staffed
    worker = User.objects.filter(posts__role=Role.GRID_WORKER).exclude(username="wanggeyuan").first()
    assert worker is not None
    assert worker.is_demo
    assert worker.check_password(DEMO_PASSWORD)
    number = worker.id_number.plaintext_for_processing()
    parsed = parse_citizen_id(number)  # raises on a bad check digit or date
    assert parsed.region_code in {d.code for d in city_divisions().districts}
    assert User.objects.filter(kind=UserKind.RESIDENT).count() > 100


def test_flag_and_audit(city: Area) -> None:
    flag = PlatformFlag.objects.get(key=FLAG_KEY)
    assert flag.value["scale"] == "small"
    assert flag.value["seed"] == SEED
    assert flag.value["built_at"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"demo.build", "demo.areas.create", "demo.committees.create", "demo.grids.create"} <= actions
    grids_entry = AuditEntry.objects.filter(action="demo.grids.create").first()
    assert grids_entry is not None
    assert len(grids_entry.changes["ids"]) == Area.objects.filter(level="grid").count()


def test_totp_code_command(city: Area) -> None:
    secret = User.objects.get(username="shiji").totp_secret.plaintext_for_processing()
    out = StringIO()
    call_command("totp_code", "shiji", stdout=out)
    assert pyotp.TOTP(secret).verify(out.getvalue().strip(), valid_window=1)
    with pytest.raises(CommandError):
        call_command("totp_code", "wanggeyuan", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("totp_code", "nobody", stdout=StringIO())


def test_district_pay_rules_are_seeded(city: Area) -> None:
    from shequ.core.rules import rule_value

    key = "pay.urban_other.share_of_city_average_wage"
    xuanwu = Area.objects.get(name="玄武区", valid_to__isnull=True)
    jiangning = Area.objects.get(name="江宁区", valid_to__isnull=True)
    assert rule_value(key, xuanwu).value == Decimal("0.8")
    assert rule_value(key, jiangning).value == Decimal("0.7")
