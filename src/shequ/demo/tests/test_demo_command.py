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
from shequ.demo.factories import make_area, make_staff


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
    return {"areas": areas, "users": users, "posts": posts, "orgs": orgs}


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

    out = StringIO()
    call_command("demo_city", "--scale", "small", "--rebuild", stdout=out)
    assert "已清除演示数据" in out.getvalue()
    assert snapshot() == first
    # Audit entries are append-only: the old ones stay, the rebuild adds its own.
    assert AuditEntry.objects.count() > audits
