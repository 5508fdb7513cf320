"""The small demo city's map and registry: tiled boundaries, households in grids, valid people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from shapely.geometry import Point

from shequ.accounts.models import User
from shequ.core.geo.boundaries import check_area_boundary, find_overlaps, sibling_boundaries
from shequ.core.geo.placement import place_point, reset_index
from shequ.core.geo.services import community_coverage
from shequ.core.geo.shapes import to_shape
from shequ.core.models import Area, AreaLevel
from shequ.core.pii import parse_citizen_id
from shequ.demo.builder import build_demo_city
from shequ.registry.models import (
    Building,
    Household,
    HouseholdKind,
    Membership,
    Person,
    PersonTag,
    Relation,
    ResidenceStatus,
    Room,
)


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
            reset_index()


def shape_of(area: Area) -> Any:
    geometry = to_shape(area.boundary)
    assert geometry is not None
    return geometry


@pytest.fixture
def city(built_city: Area, db: Any) -> Area:
    return built_city


def test_built_communities_are_tiled_by_their_grids(city: Area) -> None:
    committees = Area.objects.filter(level__in=[AreaLevel.COMMUNITY, AreaLevel.VILLAGE])
    assert committees.count() > 30
    for committee in committees:
        coverage = community_coverage(committee)
        assert coverage.has_boundary
        assert coverage.share_uncovered is not None
        assert coverage.share_uncovered < 1e-6, committee.name
        assert coverage.overlap_m2 == 0.0, committee.name
        assert coverage.outside_m2 == 0.0, committee.name
        assert coverage.grids_without_boundary == []
    # Streets with committees are tiled by them too.
    for street in Area.objects.filter(pk__in=committees.values("parent_id")):
        coverage = community_coverage(street)
        assert coverage.share_uncovered is not None
        assert coverage.share_uncovered < 1e-6, street.name


def test_every_level_has_a_boundary_and_siblings_do_not_overlap(city: Area) -> None:
    assert not Area.objects.filter(level=AreaLevel.DISTRICT, boundary__isnull=True).exists()
    assert not Area.objects.filter(
        level__in=[AreaLevel.STREET, AreaLevel.TOWN], boundary__isnull=True
    ).exists()
    assert not Area.objects.filter(level=AreaLevel.GRID, boundary__isnull=True).exists()
    for district in Area.objects.filter(level=AreaLevel.DISTRICT):
        geometry = to_shape(district.boundary)
        assert geometry is not None
        assert find_overlaps(geometry, sibling_boundaries(district)) == []
    gulou = Area.objects.get(code="320106")
    centre = shape_of(gulou).centroid
    assert abs(centre.x - 118.77) < 0.01
    assert abs(centre.y - 32.07) < 0.01


def test_a_sample_passes_the_boundary_validation(city: Area) -> None:
    sample: list[Area] = []
    for level in (
        AreaLevel.DISTRICT,
        AreaLevel.STREET,
        AreaLevel.COMMUNITY,
        AreaLevel.VILLAGE,
        AreaLevel.GRID,
    ):
        sample.extend(Area.objects.filter(level=level, boundary__isnull=False).select_related("parent")[:6])
    sample.extend(Area.objects.filter(level=AreaLevel.GRID).order_by("-pk").select_related("parent")[:6])
    assert len(sample) > 25
    for area in sample:
        geometry = to_shape(area.boundary)
        assert geometry is not None
        assert geometry.is_valid
        check_area_boundary(area, geometry)  # raises BoundaryError on any broken rule


def test_place_point_finds_the_grid_of_its_centroid(city: Area) -> None:
    reset_index()
    grids = list(Area.objects.filter(level=AreaLevel.GRID).order_by("pk"))
    for grid in grids[:: max(1, len(grids) // 25)]:
        centre = shape_of(grid).centroid
        assert place_point(centre.x, centre.y) == grid
    assert place_point(100.0, 20.0) is None


def test_every_household_lies_in_a_grid_with_its_room(city: Area) -> None:
    households = Household.objects.select_related("grid", "room__building", "head")
    assert households.count() > 1000
    kinds = dict.fromkeys(HouseholdKind.values, 0)
    for household in households:
        assert household.grid.level == AreaLevel.GRID
        assert household.grid.is_demo
        assert household.room is not None
        assert household.room.building.grid_id == household.grid_id
        assert household.head is not None
        assert household.head.grid_id == household.grid_id
        address = household.address.plaintext_for_processing()
        assert address.startswith(household.room.building.address)
        assert address.endswith("室")
        kinds[household.kind] += 1
    assert kinds[HouseholdKind.RESIDENT] > kinds[HouseholdKind.REGISTERED] > 0
    assert kinds[HouseholdKind.FLOATING] > 0
    assert Building.objects.filter(latitude__isnull=True).count() == 0
    assert Room.objects.count() >= households.count()
    # Every grid has a few buildings; building points lie inside their grid.
    for building in Building.objects.select_related("grid")[::50]:
        assert building.longitude is not None
        assert building.latitude is not None
        point = Point(float(building.longitude), float(building.latitude))
        assert shape_of(building.grid).contains(point)


def test_people_have_valid_unique_ids_from_their_district(city: Area) -> None:
    persons = list(Person.objects.select_related("grid__parent"))
    seen: set[str] = set()
    for person in persons:
        id_number = person.id_number.plaintext_for_processing()
        parsed = parse_citizen_id(id_number)  # raises on a bad check digit or date
        assert parsed.birth_date == person.birth_date
        assert parsed.sex == person.sex
        committee = person.grid.parent
        assert committee is not None
        assert id_number[:6] == (committee.code or "")[:6]
        assert id_number not in seen
        seen.add(id_number)
        assert person.id_number_digest
    with_phone = [p for p in persons if p.phone]
    assert len(with_phone) > len(persons) // 2
    assert all(p.phone_digest for p in with_phone)
    assert str(with_phone[0].phone).count("*") == 4  # printed masked


def test_memberships_relations_and_tags(city: Area) -> None:
    assert Membership.objects.count() == Person.objects.count()
    assert Membership.objects.filter(relation=Relation.HEAD).count() == Household.objects.count()
    assert Membership.objects.filter(relation=Relation.SPOUSE).exists()
    assert Membership.objects.filter(relation=Relation.CHILD).exists()
    assert Person.objects.filter(residence_status=ResidenceStatus.FLOATING).exists()
    codes = set(PersonTag.objects.values_list("tag__code", flat=True))
    assert {"elderly_alone", "empty_nest", "disabled", "dibao"} <= codes
    assert PersonTag.objects.filter(tag__sensitive=True).exists()
    for tag in PersonTag.objects.filter(tag__code="elderly_alone").select_related("person")[:20]:
        assert tag.person.memberships.get().household.memberships.count() == 1


def test_grid_worker_finds_households_of_the_grid(city: Area, client: Client) -> None:
    worker = User.objects.get(username="wanggeyuan")
    grid = worker.posts.get().area
    assert grid is not None
    assert grid.name == "竹苑社区第一网格"
    client.force_login(worker)
    response = client.get(reverse("registry:households"))
    assert response.status_code == 200
    household = Household.objects.filter(grid=grid).select_related("head").first()
    assert household is not None
    assert household.head is not None
    text = response.content.decode()
    assert household.head.name in text
    other = Household.objects.exclude(grid=grid).select_related("head").first()
    assert other is not None
    response = client.get(reverse("registry:household", args=[household.pk]))
    assert response.status_code == 200
    assert client.get(reverse("registry:household", args=[other.pk])).status_code == 404
    response = client.get(reverse("registry:person", args=[household.head.pk]))
    assert response.status_code == 200


def test_map_page_shows_the_community_and_its_grids(city: Area, client: Client) -> None:
    worker = User.objects.get(username="shegong")
    community = worker.posts.get().area
    assert community is not None
    client.force_login(worker)
    response = client.get(reverse("areas:map", args=[community.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    grid = Area.objects.filter(parent=community).order_by("pk").first()
    assert grid is not None
    assert grid.name in text
    assert '"geometry": {"type": "Polygon"' in text or '"geometry":{"type":"Polygon"' in text
    assert response.context["coverage"]["share_uncovered"] < 1e-6
