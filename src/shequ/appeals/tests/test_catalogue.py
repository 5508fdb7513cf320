"""The category catalogue: seeded from the CSV by a reversible migration; unit names for an area."""

from __future__ import annotations

import csv
import importlib
from typing import Any

import pytest
from django.apps import apps as global_apps

from shequ.appeals.catalogue import CATEGORIES_CSV, read_catalogue, seed_categories
from shequ.appeals.models import Category, TrainingExample
from shequ.appeals.units import organisation_for, unit_for
from shequ.core.models import AreaLevel
from shequ.demo.factories import make_area, make_organisation

pytestmark = pytest.mark.django_db

seeding = importlib.import_module("shequ.appeals.migrations.0002_seed_categories")


def test_every_csv_row_is_a_category_with_its_fields() -> None:
    with CATEGORIES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 32
    by_code = {c.code: c for c in Category.objects.all()}
    assert list(by_code) == [r["code"] for r in rows]  # ordered as in the file
    for row in rows:
        c = by_code[row["code"]]
        assert (c.name, c.name_en, c.responsible_unit, c.unit_level, c.urgency) == (
            row["name_zh"],
            row["name_en"],
            row["responsible_unit"],
            row["unit_level"],
            row["urgency"],
        )
        assert (c.response_hours, c.resolve_hours) == (int(row["response_hours"]), int(row["resolve_hours"]))
        assert c.emergency_line == row["emergency_transfer"]
        assert c.is_active
    lift = by_code["HOU-ELEV"]
    assert (lift.emergency_line, lift.get_emergency_line_display()) == ("96333", "96333 电梯应急")
    assert by_code["COM-AFFAIRS"].unit_level == "community"


def test_the_seeding_migration_reverses_and_keeps_admin_edits() -> None:
    Category.objects.filter(code="ENV-WASTE").update(response_hours=12)
    TrainingExample.objects.create(
        text="垃圾没人收", category=Category.objects.get(code="ENV-WASTE"), source="seed"
    )
    seeding.unseed(global_apps, None)
    assert not Category.objects.exists()
    assert not TrainingExample.objects.exists()
    seeding.seed(global_apps, None)
    assert Category.objects.count() == len(read_catalogue()) == 32
    Category.objects.filter(code="ENV-WASTE").update(response_hours=12)
    assert seed_categories(Category) == 0  # seeding again adds nothing and keeps the edit
    assert Category.objects.get(code="ENV-WASTE").response_hours == 12


@pytest.fixture
def places(mini: Any) -> dict[str, Any]:
    zone = make_area("江北新区", AreaLevel.ZONE, mini.city)
    town = make_area("汤泉镇", AreaLevel.TOWN, zone, code="320111106")
    village = make_area("泉西村", AreaLevel.VILLAGE, town, code="320111106201", urban_rural_code="220")
    return {"mini": mini, "zone": zone, "town": town, "village": village}


def _unit(code: str, area: Any) -> str | None:
    return unit_for(Category.objects.get(code=code), area)


def test_unit_for_each_level(places: dict[str, Any]) -> None:
    mini = places["mini"]
    # district units: the district above a grid, a community, a street, or the district itself
    assert _unit("ENV-WASTE", mini.grid_a) == "玄武区城市管理局"
    assert _unit("ENV-WASTE", mini.community_b) == "秦淮区城市管理局"
    assert _unit("ENV-WASTE", mini.district_a) == "玄武区城市管理局"
    # a functional zone stands for a district
    assert _unit("ENV-WASTE", places["village"]) == "江北新区城市管理局"
    # city units
    assert _unit("INF-WATER", mini.grid_a) == "南京市水务局"
    # street units: 街道综合行政执法队 under the street's own name, a town says 镇
    assert _unit("ENV-STALL", mini.grid_a) == "梅园新村街道综合行政执法队"
    assert _unit("ENV-STALL", places["village"]) == "汤泉镇综合行政执法队"
    assert _unit("DSP-NEIGH", mini.community_b) == "夫子庙街道司法所"
    # community level: the community (or village) itself
    assert _unit("COM-AFFAIRS", mini.grid_a) == "大悲巷社区"
    assert _unit("COM-AFFAIRS", places["village"]) == "泉西村"
    # above the unit's level there is no single answer
    assert _unit("ENV-STALL", mini.district_a) is None
    assert _unit("COM-AFFAIRS", mini.street_a) is None
    assert _unit("ENV-WASTE", mini.city) is None


def test_unit_for_follows_the_managing_parent_and_edits(places: dict[str, Any]) -> None:
    mini = places["mini"]
    category = Category.objects.get(code="ENV-WASTE")
    category.responsible_unit = "玄武区城市管理局"  # already carries the place name: kept as is
    assert unit_for(category, mini.grid_a) == "玄武区城市管理局"
    category.responsible_unit = "街道城管科"
    category.unit_level = "street"
    assert unit_for(category, mini.grid_b) == "夫子庙街道城管科"


def test_organisation_for_finds_the_registered_unit(places: dict[str, Any]) -> None:
    mini = places["mini"]
    waste = Category.objects.get(code="ENV-WASTE")
    assert organisation_for(waste, mini.grid_a) == mini.dept_a
    assert organisation_for(waste, mini.grid_b) == mini.dept_b
    stall = Category.objects.get(code="ENV-STALL")
    assert organisation_for(stall, mini.grid_a) is None
    team = make_organisation("梅园新村街道综合行政执法队", home_area=mini.street_a)
    assert organisation_for(stall, mini.grid_a) == team
    assert organisation_for(stall, mini.district_a) is None
