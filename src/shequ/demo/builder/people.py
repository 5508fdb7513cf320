"""Registry content for the demo city: buildings with rooms, households and the people in them.

Everything hangs under a demo grid (the registry tables have no ``is_demo`` column), is
written with ``bulk_create`` in batches (encrypted values and digests come from the model
field machinery: assigning plaintext seals it, ``pre_save`` settles the digest) and gets
one audit entry per batch.  Grids are processed in chunks so that the city scale (about a
million people) never holds more than a chunk in memory.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from shequ.core.audit import record_batch
from shequ.core.models import Area, AreaLevel
from shequ.registry.models import (
    Building,
    BuildingKind,
    Household,
    HouseholdKind,
    Membership,
    Person,
    PersonTag,
    Relation,
    ResidenceStatus,
    Room,
    Sex,
    Tag,
)

from ..factories import ensure_registry_tags, make_citizen_id
from .bulk import BuilderBase, _chunks
from .geometry import Box, assign_boundaries
from .plan import BATCH, PEOPLE_PER_GRID

#: Grids handled per round of inserts.
GRID_CHUNK = 40

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢钟姜崔谭陆汪范"
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林建国志文海东亮成峰"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美娅玲婷雪琳晶颖倩洁燕梅兰红云莉萍琴丹蓉璐婕"
ROAD_SUFFIX = ("路", "街", "巷", "大道")

#: (tag code, share of adults) for tags given at random; the age-driven ones are set by rule.
RANDOM_TAGS = (
    ("disabled", 0.02),
    ("dibao", 0.03),
    ("tekun", 0.004),
    ("veteran", 0.02),
    ("community_correction", 0.003),
    ("key_attention", 0.003),
    ("drug_user", 0.001),
)


@dataclass
class _Member:
    person: Person
    relation: str


@dataclass
class _Home:
    household: Household
    members: list[_Member] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)  # (member index, tag code)


class RegistryBuilder(BuilderBase):
    """Generates the registry rows of every built grid, deterministically from ``seed``."""

    def __init__(
        self,
        *,
        seed: int,
        scale: str,
        today: date,
        city: Area,
        used_phones: set[str],
        people_per_grid: int,
    ) -> None:
        self.rng = random.Random(f"{seed}:{scale}:registry")  # noqa: S311 - reproducible demo data
        self.today = today
        self.city = city
        self.used_phones = used_phones
        self.people_per_grid = people_per_grid
        self.id_seq: dict[tuple[str, date, bool], int] = {}
        self.counts: dict[str, int] = {}
        self.tag_ids: dict[str, int] = {}

    def _name(self, female: bool, surname: str | None = None) -> str:
        given = GIVEN_FEMALE if female else GIVEN_MALE
        length = 1 if self.rng.random() < 0.35 else 2
        return (surname or self.rng.choice(SURNAMES)) + "".join(
            self.rng.choice(given) for _i in range(length)
        )

    def _citizen_id(self, region: str, birth: date, female: bool) -> str:
        """A valid, unique ID: the sequence counts per district, birth date and sex (odd = male)."""
        key = (region, birth, female)
        n = self.id_seq.get(key, 0)
        self.id_seq[key] = n + 1
        if n >= 500:  # 500 people of one sex born on one day in one district: shift a day
            return self._citizen_id(region, birth - timedelta(days=1), female)
        return make_citizen_id(region, birth, 2 * n + (0 if female else 1))

    def _birth(self, age: int) -> date:
        return self.today - timedelta(days=age * 365 + self.rng.randrange(365))

    def _person(
        self,
        grid: Area,
        region: str,
        *,
        age: int,
        female: bool,
        status: str,
        address: str,
        surname: str | None,
    ) -> Person:
        age = max(0, min(age, 99))
        birth = self._birth(age)
        person = Person(
            grid=grid,
            name=self._name(female, surname),
            sex=Sex.FEMALE if female else Sex.MALE,
            birth_date=birth,
            residence_status=status,
        )
        person.id_number = self._citizen_id(region, birth, female)
        if age >= 16 and self.rng.random() < 0.95:
            person.phone = self._phone()
        person.resident_address = address
        if status != ResidenceStatus.FLOATING:
            person.registered_address = address
        return person

    # -- one grid
    def _grid_rows(self, grid: Area, box: Box | None) -> tuple[list[Building], list[list[Room]], list[_Home]]:
        rng = self.rng
        committee_name = grid.parent.name if grid.parent is not None else grid.name
        village = grid.parent is not None and grid.parent.level == AreaLevel.VILLAGE
        stem = committee_name[:-2] if committee_name.endswith("社区") else committee_name[:-1]
        road = stem + rng.choice(ROAD_SUFFIX)
        region = (grid.parent.code or "320102")[:6] if grid.parent is not None else "320102"
        sizes = self._household_sizes()
        n_households = len(sizes)
        buildings: list[Building] = []
        rooms: list[list[Room]] = []
        free: list[tuple[int, Room, str]] = []
        number = rng.randint(1, 60)
        need = max(4, math.ceil(n_households * 1.15))  # some rooms stay vacant
        while len(free) < need or len(buildings) < 2:
            # Buildings no bigger than the rooms still needed (the first takes about half).
            wanted = max(4, need // 2 if not buildings else need - len(free))
            units = 1 if village else rng.choice((1, 2, 2, 3))
            floors = rng.choice((2, 3)) if village else rng.choice((5, 6, 6, 7, 11, 18))
            per_floor = 2 if floors < 11 else 4
            if units * floors * per_floor > wanted:
                units = max(1, min(units, wanted // (floors * per_floor)))
                floors = max(2, min(floors, math.ceil(wanted / (units * per_floor))))
            b_index = len(buildings)
            name = f"{len(buildings) + 1}栋"
            address = f"{road}{number}号"
            lng = lat = None
            if box is not None:
                w, s, e, n = box
                lng = Decimal(f"{w + (e - w) * rng.uniform(0.1, 0.9):.6f}")
                lat = Decimal(f"{s + (n - s) * rng.uniform(0.1, 0.9):.6f}")
            buildings.append(
                Building(
                    grid=grid,
                    name=name,
                    number=str(len(buildings) + 1),
                    address=address,
                    units=units,
                    floors=floors,
                    kind=BuildingKind.RESIDENTIAL if rng.random() < 0.9 else BuildingKind.MIXED,
                    latitude=lat,
                    longitude=lng,
                )
            )
            these: list[Room] = []
            for unit in range(1, units + 1):
                for floor in range(1, floors + 1):
                    for k in range(1, per_floor + 1):
                        room = Room(unit=str(unit), floor=floor, number=f"{floor}{k:02d}")
                        these.append(room)
                        free.append((b_index, room, f"{address}{name}{unit}单元{floor}{k:02d}室"))
            rooms.append(these)
            number += rng.randint(1, 6)
        picked = rng.sample(range(len(free)), n_households)
        homes = [
            self._home(grid, region, size, free[i][1], free[i][2])
            for size, i in zip(sizes, picked, strict=True)
        ]
        return buildings, rooms, homes

    def _household_sizes(self) -> list[int]:
        sizes: list[int] = []
        total = 0
        while total < self.people_per_grid:
            size = self.rng.choices((1, 2, 3, 4, 5), weights=(20, 30, 28, 15, 7))[0]
            sizes.append(size)
            total += size
        return sizes

    def _home(self, grid: Area, region: str, size: int, room: Room, address: str) -> _Home:
        rng = self.rng
        roll = rng.random()
        kind = (
            HouseholdKind.RESIDENT
            if roll < 0.75
            else HouseholdKind.REGISTERED
            if roll < 0.9
            else HouseholdKind.FLOATING
        )
        status = ResidenceStatus.FLOATING if kind == HouseholdKind.FLOATING else ResidenceStatus.RESIDENT
        household = Household(
            grid=grid, kind=kind, room=room, moved_in_on=self.today - timedelta(days=rng.randrange(30, 9000))
        )
        household.address = address
        home = _Home(household)
        head_female = rng.random() < 0.4
        head_age = rng.randint(60, 92) if size == 1 and rng.random() < 0.6 else rng.randint(24, 80)
        head = self._person(
            grid, region, age=head_age, female=head_female, status=status, address=address, surname=None
        )
        surname = head.name[0]
        home.members.append(_Member(head, Relation.HEAD))
        if size >= 2:
            spouse_age = head_age + rng.randint(-4, 4)
            home.members.append(
                _Member(
                    self._person(
                        grid,
                        region,
                        age=spouse_age,
                        female=not head_female,
                        status=status,
                        address=address,
                        surname=None,
                    ),
                    Relation.SPOUSE,
                )
            )
        for k in range(size - 2):
            if k == 2 and head_age < 55:
                relation, age, sur = Relation.PARENT, head_age + rng.randint(22, 32), None
            elif head_age >= 55 and k >= 1:
                relation, age, sur = Relation.GRANDCHILD, rng.randint(0, 15), surname
            else:
                relation, age, sur = Relation.CHILD, max(0, head_age - rng.randint(22, 34)), surname
            home.members.append(
                _Member(
                    self._person(
                        grid,
                        region,
                        age=age,
                        female=rng.random() < 0.5,
                        status=status,
                        address=address,
                        surname=sur,
                    ),
                    relation,
                )
            )
        ages = [m.person.age_on(self.today) or 0 for m in home.members]
        if size == 1 and ages[0] >= 60:
            home.tags.append((0, "elderly_alone"))
        if size == 2 and min(ages) >= 60:
            home.tags.extend([(0, "empty_nest"), (1, "empty_nest")])
        for i, age in enumerate(ages):
            if age >= 80:
                home.tags.append((i, "elderly_80"))
            if status == ResidenceStatus.FLOATING:
                home.tags.append((i, "floating"))
            if age >= 18:
                for code, share in RANDOM_TAGS:
                    if rng.random() < share:
                        home.tags.append((i, code))
        return home

    # -- writing
    def _insert(
        self, model: type[models.Model], rows: Sequence[models.Model], action: str, reason: str
    ) -> None:
        for chunk in _chunks(rows, BATCH):
            created = model._default_manager.bulk_create(chunk)
            record_batch(
                actor=None,
                action=action,
                object_type=model._meta.label_lower,
                object_ids=[r.pk for r in created],
                area=self.city,
                reason=reason,
            )
        self._count(model._meta.model_name or "", len(rows))

    def build(self, grids: Sequence[Area], boxes: dict[int, Box]) -> dict[str, int]:
        ensure_registry_tags()
        self.tag_ids = dict(Tag.objects.values_list("code", "pk"))
        reason = _("生成演示城市：楼栋、住户与人员")
        since = self.today - timedelta(days=365)
        for chunk in _chunks(grids, GRID_CHUNK):
            buildings: list[Building] = []
            rooms: list[Room] = []
            homes: list[_Home] = []
            for grid in chunk:
                b, r, h = self._grid_rows(grid, boxes.get(grid.pk))
                for building, its_rooms in zip(b, r, strict=True):
                    for room in its_rooms:
                        room.building = building
                buildings.extend(b)
                rooms.extend(room for its_rooms in r for room in its_rooms)
                homes.extend(h)
            self._insert(Building, buildings, "demo.buildings.create", reason)
            for room in rooms:
                room.building = room.building  # re-read the id the insert set
            self._insert(Room, rooms, "demo.rooms.create", reason)
            persons = [m.person for home in homes for m in home.members]
            self._insert(Person, persons, "demo.persons.create", reason)
            households = []
            for home in homes:
                home.household.room = home.household.room
                home.household.head = home.members[0].person
                households.append(home.household)
            self._insert(Household, households, "demo.households.create", reason)
            memberships = [
                Membership(
                    household=home.household,
                    person=m.person,
                    relation=m.relation,
                    valid_from=home.household.moved_in_on or since,
                )
                for home in homes
                for m in home.members
            ]
            self._insert(Membership, memberships, "demo.memberships.create", reason)
            tags = [
                PersonTag(person=home.members[i].person, tag_id=self.tag_ids[code], since=since)
                for home in homes
                for i, code in home.tags
            ]
            self._insert(PersonTag, tags, "demo.person_tags.create", reason)
        return self.counts


def build_map_and_registry(builder: Any, people_per_grid: int | None) -> dict[str, int]:
    """Boundaries for the whole tree, then the registry rows of every built grid (none for 0)."""
    builder.grid_boxes = assign_boundaries(
        city=builder.city,
        districts=builder.districts,
        streets=builder.streets,
        street_codes_of={
            c: sorted(s.code for s in builder.divisions.streets_of(c)) for c in builder.districts
        },
        committees=builder.committees,
        grids_of=builder.grids_of,
    )
    counts = {"boundaries": len(builder.grid_boxes)}
    if people_per_grid is None:
        people_per_grid = PEOPLE_PER_GRID[builder.scale]
    if people_per_grid <= 0:  # the map only
        return counts
    registry = RegistryBuilder(
        seed=builder.seed,
        scale=builder.scale,
        today=builder.today,
        city=builder.city,
        used_phones=builder.used_phones,
        people_per_grid=people_per_grid,
    )
    grids = [g for c in builder.committees for g in builder.grids_of.get(c.pk, [])]
    counts.update(registry.build(grids, builder.grid_boxes))
    return counts
