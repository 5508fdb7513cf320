"""The demo_city command: deterministic, refuses foreign data, reruns safely, rebuilds."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from shequ.accounts.models import Post, User
from shequ.core.models import Area, AreaLevel, AuditEntry, Organisation, PlatformFlag
from shequ.demo.builder import FLAG_KEY, RESIDENT_PHONE, build_demo_city
from shequ.demo.factories import make_area, make_household, make_mini_city, make_person, make_staff
from shequ.registry.models import Building, Household, Person, PersonTag


def snapshot() -> dict[str, Any]:
    """Everything that should come out the same from the same seed (ids excluded)."""
    areas = sorted(
        (a.level, a.name, a.code or "", a.parent.name if a.parent else "", a.urban_rural_code, a.heavy_load)
        for a in Area.objects.select_related("parent")
    )
    users = sorted(
        (u.username, u.display_name, u.kind, u.phone.plaintext_for_processing() if u.phone else "")
        for u in User.objects.all()
    )
    posts = sorted(
        (
            p.user.username,
            p.role,
            p.area.name if p.area else "",
            p.organisation.name if p.organisation else "",
        )
        for p in Post.objects.select_related("user", "area", "organisation")
    )
    orgs = sorted(
        (o.name, o.kind, o.generic_unit, o.home_area.name)
        for o in Organisation.objects.select_related("home_area")
    )
    persons = sorted(
        (p.grid.name, p.name, p.id_number.plaintext_for_processing(), p.residence_status)
        for p in Person.objects.select_related("grid")
    )
    households = sorted(
        (h.grid.name, h.kind, h.address.plaintext_for_processing(), h.head.name if h.head else "")
        for h in Household.objects.select_related("grid", "head")
    )
    boundaries = sorted((a.name, str(a.boundary)) for a in Area.objects.filter(boundary__isnull=False))
    return {
        "areas": areas,
        "users": users,
        "posts": posts,
        "orgs": orgs,
        "persons": persons,
        "households": households,
        "boundaries": boundaries,
    }


def test_small_build_is_deterministic(db: Any) -> None:
    with transaction.atomic():
        build_demo_city(scale="small")
        first = snapshot()
        transaction.set_rollback(True)
    assert not Area.objects.exists()
    build_demo_city(scale="small")
    second = snapshot()
    assert first == second
    assert len(first["areas"]) > 300
    assert len(first["persons"]) > 1000
    assert len({p[2] for p in first["persons"]}) == len(first["persons"])


def test_command_refuses_non_demo_data(db: Any) -> None:
    make_area("某市", AreaLevel.CITY, None)
    before = Area.objects.count()
    with pytest.raises(CommandError, match="非演示数据"):
        call_command("demo_city", "--scale", "small", stdout=StringIO())
    assert Area.objects.count() == before
    assert not PlatformFlag.objects.filter(key=FLAG_KEY).exists()


def test_command_refuses_non_demo_user(db: Any) -> None:
    make_staff("someone", None)
    with pytest.raises(CommandError, match="非演示数据"):
        call_command("demo_city", "--scale", "small", "--rebuild", stdout=StringIO())
    assert not Area.objects.exists()


def test_command_refuses_registry_rows_outside_the_demo(db: Any) -> None:
    grid = make_mini_city().grid_a
    make_household(grid, head=make_person(grid))
    with pytest.raises(CommandError, match="persons 1"):
        call_command("demo_city", "--scale", "small", stdout=StringIO())
    assert Person.objects.count() == 1


def test_wipe_removes_registry_rows(db: Any) -> None:
    build_demo_city(scale="small", people_per_grid=3)
    assert Person.objects.exists()
    assert Household.objects.exists()
    call_command("demo_city", "--scale", "small", "--rebuild", "--people-per-grid", "2", stdout=StringIO())
    grids = Area.objects.filter(level=AreaLevel.GRID).count()
    # Two people per grid at least (one household of one or two, or more), far fewer than before.
    assert grids * 2 <= Person.objects.count() < grids * 7
    assert not Person.objects.filter(grid__is_demo=False).exists()


def test_command_rerun_does_nothing_and_rebuild_rebuilds(db: Any) -> None:
    out = StringIO()
    call_command("demo_city", "--scale", "small", stdout=out)
    assert "wanggeyuan" in out.getvalue()
    areas, users, audits = Area.objects.count(), User.objects.count(), AuditEntry.objects.count()
    first = snapshot()

    out = StringIO()
    call_command("demo_city", "--scale", "small", stdout=out)
    text = out.getvalue()
    assert "无需重复生成" in text
    assert "admin" in text
    assert RESIDENT_PHONE in text
    assert "totp_code" in text
    assert (Area.objects.count(), User.objects.count(), AuditEntry.objects.count()) == (areas, users, audits)

    out = StringIO()
    call_command("demo_city", "--scale", "city", stdout=out)
    assert "--rebuild" in out.getvalue()
    assert Area.objects.count() == areas

    persons, buildings = Person.objects.count(), Building.objects.count()
    assert persons > 1000
    out = StringIO()
    call_command("demo_city", "--scale", "small", "--rebuild", stdout=out)
    assert "已清除演示数据" in out.getvalue()
    assert snapshot() == first
    # The wipe removed the registry rows: the rebuild made exactly as many again.
    assert (Person.objects.count(), Building.objects.count()) == (persons, buildings)
    assert PersonTag.objects.filter(person__grid__is_demo=False).count() == 0
    # Audit entries are append-only: the old ones stay, the rebuild adds its own.
    assert AuditEntry.objects.count() > audits


def test_command_refuses_a_bad_people_per_grid(db: Any) -> None:
    with pytest.raises(CommandError, match="people-per-grid"):
        call_command("demo_city", "--scale", "small", "--people-per-grid", "-1", stdout=StringIO())
    assert not Area.objects.exists()


def test_no_people_per_grid_builds_the_map_only(db: Any) -> None:
    result = build_demo_city(scale="small", people_per_grid=0)
    assert result.counts["boundaries"] == Area.objects.filter(level=AreaLevel.GRID).count()
    assert not Person.objects.exists()
    assert not Building.objects.exists()
