"""Services of courtyards, natural villages, rooms in bulk and membership changes: checks, audit, history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.core.models import AreaLevel, AuditEntry
from shequ.demo.factories import make_area, make_building, make_citizen_id, make_household, make_person
from shequ.registry import selectors, services
from shequ.registry.models import Courtyard, Membership, NaturalVillage, ResidenceStatus, Room

pytestmark = pytest.mark.django_db


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# --------------------------------------------------------------------------- courtyards and villages


def test_courtyard_create_update_and_history(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    courtyard = services.courtyard_create(actor=worker, grid=mini.grid_a, name="  大悲巷7号院 ")
    assert courtyard.name == "大悲巷7号院"
    [entry] = _entries("registry.courtyard.create")
    assert entry.object_id == str(courtyard.pk)
    assert entry.area_path == mini.grid_a.path
    services.courtyard_update(actor=worker, courtyard=courtyard, name="大悲巷七号院")
    # an update that changes nothing writes nothing
    services.courtyard_update(actor=worker, courtyard=courtyard, name="大悲巷七号院")
    assert len(_entries("registry.courtyard.update")) == 1
    rows = selectors.history_of(courtyard, personas[Role.COMMUNITY_WORKER])
    assert [r.action_label for r in rows] == ["修改", "登记"]
    assert ("院落名称", "大悲巷7号院 → 大悲巷七号院") in rows[0].changes
    assert rows[0].actor == worker.display_name


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "院" * 101}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"grid": None}, "grid"),
    ],
)
def test_bad_courtyard_input_is_a_field_error(
    mini: Any, personas: dict[str, Any], values: dict[str, Any], field: str
) -> None:
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.courtyard_create(
            actor=personas[Role.GRID_WORKER], **({"grid": mini.grid_a, "name": "甲院"} | values)
        )
    assert field in caught.value.message_dict
    assert Courtyard.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_courtyard_scope_duplicates_and_moving_grids(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    leader = personas[Role.COMMUNITY_WORKER]
    for grid in (mini.grid_b, mini.community_a):  # another area; not a grid
        with pytest.raises(ValidationError) as caught:
            services.courtyard_create(actor=worker, grid=grid, name="甲院")
        assert "grid" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.courtyard_create(actor=personas[Role.SUPERVISION_MEMBER], grid=mini.grid_a, name="甲院")
    courtyard = services.courtyard_create(actor=worker, grid=mini.grid_a, name="甲院")
    with pytest.raises(ValidationError) as caught:  # a repeated submission
        services.courtyard_create(actor=worker, grid=mini.grid_a, name="甲院")
    assert caught.value.message_dict["name"] == ["该网格已有同名院落。"]
    second = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    services.courtyard_create(actor=leader, grid=second, name="甲院")  # another grid may have one
    # the grid worker may not move it out of their grid; the community worker may, while nobody lives there
    with pytest.raises(ValidationError):
        services.courtyard_update(actor=worker, courtyard=courtyard, grid=second)
    household = services.household_create(actor=worker, grid=mini.grid_a, courtyard=courtyard)
    assert household.courtyard_id == courtyard.pk
    with pytest.raises(ValidationError) as caught:
        services.courtyard_update(actor=leader, courtyard=courtyard, grid=second, name="乙院")
    assert caught.value.message_dict == {"grid": ["院落内有住户，不能更换网格。"]}
    courtyard.refresh_from_db()
    assert (courtyard.grid_id, courtyard.name) == (mini.grid_a.pk, "甲院")
    with pytest.raises(ValidationError) as caught:
        services.courtyard_update(actor=leader, courtyard=courtyard, households=[])
    assert "households" in caught.value.message_dict


def test_natural_village_create_update(mini: Any, personas: dict[str, Any]) -> None:
    leader = personas[Role.COMMUNITY_WORKER]
    village_grid = make_area("东湖村第一网格", AreaLevel.GRID, mini.village_a)
    with pytest.raises(ValidationError):  # the village is not under the community
        services.natural_village_create(actor=leader, grid=village_grid, name="王家庄")
    street = personas[Role.STREET_STAFF]
    village = services.natural_village_create(actor=street, grid=village_grid, name="王家庄")
    with pytest.raises(ValidationError) as caught:
        services.natural_village_create(actor=street, grid=village_grid, name="王家庄")
    assert caught.value.message_dict["name"] == ["该网格已有同名自然村。"]
    services.natural_village_update(actor=street, village=village, name="王庄")
    assert NaturalVillage.objects.get().name == "王庄"
    rows = selectors.history_of(village, street)
    assert [r.action_label for r in rows] == ["修改", "登记"]
    assert selectors.history_of(village, leader) == []  # out of reach: no history


# --------------------------------------------------------------------------- rooms


def test_rooms_generate_numbers_rooms_and_writes_one_entry(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    building = make_building(mini.grid_a, "3栋", units=2, floors=12)
    services.room_create(actor=worker, building=building, unit="1", floor=1, number="101")
    before = AuditEntry.objects.count()
    created = services.rooms_generate(actor=worker, building=building, per_floor=3)
    assert len(created) == 2 * 12 * 3 - 1
    assert AuditEntry.objects.count() == before + 1
    [entry] = _entries("registry.building.rooms_generate")
    assert entry.object_id == str(building.pk)
    assert entry.changes["rooms_created"] == 71
    assert entry.changes["rooms_skipped"] == 1
    assert sorted(entry.changes["room_ids"]) == sorted(r.pk for r in created)
    numbers = set(Room.objects.filter(building=building, unit="2").values_list("number", flat=True))
    assert {"101", "102", "103", "201", "1201", "1203"} <= numbers
    assert "104" not in numbers
    assert Room.objects.get(building=building, unit="2", number="1203").floor == 12
    # a repeated submission adds nothing and records nothing
    assert services.rooms_generate(actor=worker, building=building, per_floor=3) == []
    assert AuditEntry.objects.count() == before + 1
    # the building's history shows the generation and the single room, not the id list
    rows = selectors.history_of(building, worker)
    assert [r.action_label for r in rows] == ["批量生成户室", "新增户室"]
    assert ("新增户室数", "71") in rows[0].changes
    assert all("room_ids" not in label for label, _ in rows[0].changes)


def test_rooms_generate_one_unit_building_and_bounds(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    building = make_building(mini.grid_a, "平房", units=1, floors=2)
    services.rooms_generate(actor=worker, building=building, per_floor=2)
    assert sorted(Room.objects.filter(building=building).values_list("unit", "number")) == [
        ("", "101"),
        ("", "102"),
        ("", "201"),
        ("", "202"),
    ]
    for kwargs, field in (
        ({"per_floor": 0}, "per_floor"),
        ({"per_floor": 31}, "per_floor"),
        ({"per_floor": 2, "floors": 3}, "floors"),
        ({"per_floor": 2, "units": 2}, "units"),
        ({"per_floor": "x"}, "per_floor"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.rooms_generate(actor=worker, building=building, **kwargs)
        assert field in caught.value.message_dict, kwargs
    other = make_building(mini.grid_b, "乙1栋")
    with pytest.raises(ValidationError) as caught:
        services.rooms_generate(actor=worker, building=other, per_floor=2)
    assert "building" in caught.value.message_dict
    assert not Room.objects.filter(building=other).exists()


# --------------------------------------------------------------------------- membership


def test_member_leaves_or_moves_away_and_the_household_history_says_which(
    mini: Any, personas: dict[str, Any]
) -> None:
    worker = personas[Role.GRID_WORKER]
    head = make_person(mini.grid_a, "户主", seq=31)
    household = make_household(mini.grid_a, head=head)
    son = make_person(mini.grid_a, "儿子", seq=33)
    daughter = make_person(mini.grid_a, "女儿", seq=34)
    for person in (son, daughter):
        services.membership_add(actor=worker, household=household, person=person, relation="child")
    today = timezone.localdate()
    son_m = Membership.objects.get(person=son, valid_to__isnull=True)
    with pytest.raises(ValidationError) as caught:
        services.membership_end(actor=worker, membership=son_m, reason="vanished")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.membership_end(actor=worker, membership=son_m, valid_to=today + timedelta(days=1))
    assert "valid_to" in caught.value.message_dict
    services.membership_end(actor=worker, membership=son_m, reason="left")
    son.refresh_from_db()
    assert son.residence_status == ResidenceStatus.RESIDENT
    daughter_m = Membership.objects.get(person=daughter, valid_to__isnull=True)
    services.membership_end(actor=worker, membership=daughter_m, valid_to=today, reason="moved_away")
    daughter.refresh_from_db()
    assert daughter.residence_status == ResidenceStatus.MOVED_OUT
    assert daughter.moved_out_on == today
    head_m = Membership.objects.get(person=head, valid_to__isnull=True)
    with pytest.raises(ValidationError) as caught:
        services.membership_end(actor=worker, membership=head_m)
    assert "person" in caught.value.message_dict
    rows = selectors.history_of(household, worker)
    assert [r.action_label for r in rows[:2]] == ["移出成员", "移出成员"]
    assert ("原因", "迁出本地") in rows[0].changes
    assert ("人员", "女儿") in rows[0].changes
    assert ("原因", "离开本户") in rows[1].changes
    assert ("与户主关系", "子女") in rows[1].changes
    assert selectors.history_of(daughter, worker)[0].action_label == "登记迁出"


def test_household_moved_out_ends_every_membership(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    head = make_person(mini.grid_a, "户主", seq=41)
    household = make_household(mini.grid_a, head=head)
    spouse = make_person(mini.grid_a, "配偶", id_number=make_citizen_id("320102", date(1962, 1, 2), 42))
    services.membership_add(actor=worker, household=household, person=spouse, relation="spouse")
    services.household_mark_moved_out(actor=worker, household=household, on=timezone.localdate())
    assert not Membership.objects.filter(household=household, valid_to__isnull=True).exists()
    rows = selectors.history_of(household, worker)
    assert rows[0].action_label == "整户迁出"
    assert [m.valid_to is not None for m in selectors.membership_history(household)] == [True, True]
