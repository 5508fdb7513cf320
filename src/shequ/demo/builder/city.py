"""Building the city: the tree, committees, organisations, accounts and people."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker

from shequ.accounts.models import Post, User
from shequ.accounts.roles import Role
from shequ.core.audit import record, record_batch
from shequ.core.models import (
    Area,
    AreaLevel,
    CommitteeType,
    HeavyLoadKind,
    Organisation,
    OrganisationKind,
    PlatformFlag,
)
from shequ.core.rules import seed_area_rules

from ..divisions import JIANGBEI_NAME, CityDivisions, city_divisions, jiangbei_street_codes
from ..factories import (
    DEMO_PASSWORD,
    make_area,
    make_birth,
    make_citizen_id,
    make_organisation,
    make_resident,
    make_staff,
    new_totp_secret,
    resident_user,
    staff_user,
)
from .accounts import ACCOUNT_SPECS, RESIDENT_PHONE, TOTP_ROLES, DemoAccount, demo_accounts
from .bulk import BuilderBase, _bulk_create_areas, _chunks, _street_unit_name, _unit_name
from .geometry import Box
from .guard import DemoRefused, check_database_is_demo, demo_state
from .modules import build_modules
from .people import build_map_and_registry
from .plan import (
    BATCH,
    CITY_UNITS,
    COMMUNITY_FIRST,
    COMMUNITY_SECOND,
    DISTRICT_PROFILE,
    DISTRICT_UNITS,
    FLAG_KEY,
    HOME_STREET,
    PROFILES,
    PROVIDER_DISTRICTS,
    SCALES,
    SEED,
    SMALL_STREETS,
    STREET_UNITS,
    VILLAGE_FIRST,
    VILLAGE_SECOND,
    cn_number,
)


@dataclass
class BuildResult:
    scale: str
    seed: int
    city: Area
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)


class _Builder(BuilderBase):
    def __init__(self, *, scale: str, seed: int, today: date) -> None:
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}")
        self.scale = scale
        self.seed = seed
        self.today = today
        self.divisions: CityDivisions = city_divisions()
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.rng = random.Random(f"{seed}:{scale}:people")  # noqa: S311 - reproducible demo data
        self.password_hash = make_password(DEMO_PASSWORD, salt=f"demo{seed}")
        self.used_phones: set[str] = {RESIDENT_PHONE}
        self.id_seq = 0
        self.counts: dict[str, int] = {}
        self.districts: dict[str, Area] = {}
        self.streets: dict[str, Area] = {}
        self.committees: list[Area] = []
        self.grids_of: dict[int, list[Area]] = {}
        self.grid_counts: dict[str, int] = {}
        self.providers: dict[str, Organisation] = {}
        self.grid_boxes: dict[int, Box] = {}

    def _citizen_id(self, district_code: str, *, min_age: int = 18, max_age: int = 90) -> str:
        self.id_seq += 1
        birth = make_birth(self.rng, min_age=min_age, max_age=max_age, today=self.today)
        return make_citizen_id(district_code, birth, self.id_seq)

    def _district_code_of(self, area: Area) -> str:
        code = area.code or ""
        return code[:6] if len(code) >= 6 else "320102"

    # -- tree
    def build_tree(self) -> Area:
        d = self.divisions
        # The city's code is set once its districts exist: a prefix check on the full
        # six-digit code (320100) would refuse the districts (320102 …).
        city = make_area(d.city.name, AreaLevel.CITY, None, is_demo=True)
        ids = [city.pk]
        for division in d.districts:
            self.districts[division.code] = make_area(
                division.name, AreaLevel.DISTRICT, city, code=division.code, is_demo=True
            )
            ids.append(self.districts[division.code].pk)
        Area.objects.filter(pk=city.pk).update(code=d.city.code)
        city.code = d.city.code
        zone = make_area(JIANGBEI_NAME, AreaLevel.ZONE, city, is_demo=True)
        self.zone = zone
        ids.append(zone.pk)
        managed = jiangbei_street_codes(d)
        for division in d.streets:
            level = AreaLevel.TOWN if division.name.endswith("镇") else AreaLevel.STREET
            district = self.districts[division.parent_code]
            if division.code in managed:
                street = make_area(
                    division.name, level, zone, code=division.code, stat_parent=district, is_demo=True
                )
            else:
                street = make_area(division.name, level, district, code=division.code, is_demo=True)
            self.streets[division.code] = street
            ids.append(street.pk)
        record_batch(
            actor=None,
            action="demo.areas.create",
            object_type="core.area",
            object_ids=ids,
            area=city,
            reason=_("生成演示城市：市、区、功能区、街道（镇）"),
        )
        self._count("areas_city_district_street", len(ids))
        self.city = city
        return city

    def _committee_specs(self, street: Area) -> list[Area]:
        code = street.code or ""
        rng = random.Random(f"{self.seed}:{self.scale}:{code}")  # noqa: S311 - reproducible demo data
        district_code = code[:6]
        profile_key = "town" if street.level == AreaLevel.TOWN else DISTRICT_PROFILE[district_code]
        profile = PROFILES[self.scale][profile_key]
        n_comm = rng.randint(*profile.communities)
        n_vill = rng.randint(*profile.villages)
        used: set[str] = set()
        areas: list[Area] = []
        tail = 0
        for _i in range(n_comm):
            tail += rng.choice((1, 1, 1, 2))
            while True:
                stem = rng.choice(COMMUNITY_FIRST) + rng.choice(COMMUNITY_SECOND)
                if stem not in used:
                    used.add(stem)
                    break
            if profile_key == "urban":
                urc = "111" if rng.random() < 0.85 else "112"
            elif profile_key == "suburban":
                urc = "111" if rng.random() < 0.6 else "112"
            else:
                urc = "121" if rng.random() < 0.6 else "122"
            heavy = ""
            if rng.random() < 0.18:
                heavy = rng.choice(
                    (HeavyLoadKind.OLD_ESTATE,) * 3
                    if profile_key == "urban"
                    else (HeavyLoadKind.RESETTLEMENT, HeavyLoadKind.AFFORDABLE, HeavyLoadKind.OLD_ESTATE)
                )
            areas.append(
                Area(
                    name=f"{stem}社区",
                    level=AreaLevel.COMMUNITY,
                    parent=street,
                    code=f"{code}{tail:03d}",
                    committee_type=CommitteeType.RESIDENTS,
                    urban_rural_code=urc,
                    heavy_load=heavy,
                    is_demo=True,
                )
            )
        tail = 200
        for _i in range(n_vill):
            tail += rng.choice((1, 1, 1, 2))
            while True:
                stem = rng.choice(VILLAGE_FIRST) + rng.choice(VILLAGE_SECOND)
                if stem not in used:
                    used.add(stem)
                    break
            urc = "220" if rng.random() < 0.8 else "210"
            areas.append(
                Area(
                    name=f"{stem}村",
                    level=AreaLevel.VILLAGE,
                    parent=street,
                    code=f"{code}{tail:03d}",
                    committee_type=CommitteeType.VILLAGERS,
                    urban_rural_code=urc,
                    is_demo=True,
                )
            )
        for area in areas:
            span = profile.community_grids if area.level == AreaLevel.COMMUNITY else profile.village_grids
            self.grid_counts[area.code or ""] = rng.randint(*span)
        return areas

    def build_committees(self) -> None:
        codes = SMALL_STREETS if self.scale == "small" else tuple(sorted(self.streets))
        pending: list[Area] = []
        for code in codes:
            pending.extend(self._committee_specs(self.streets[code]))
        self.committees = _bulk_create_areas(pending, action="demo.committees.create", area=self.city)
        self._count("committees", len(self.committees))
        grids: list[Area] = []
        for committee in self.committees:
            stem = committee.name
            for i in range(1, self.grid_counts[committee.code or ""] + 1):
                grids.append(
                    Area(
                        name=f"{stem}第{cn_number(i)}网格",
                        level=AreaLevel.GRID,
                        parent=committee,
                        is_demo=True,
                    )
                )
        created = _bulk_create_areas(grids, action="demo.grids.create", area=self.city)
        for grid in created:
            self.grids_of.setdefault(grid.parent_id or 0, []).append(grid)
        self._count("grids", len(created))

    # -- organisations
    def build_organisations(self) -> None:
        orgs: list[Organisation] = []
        if self.scale == "small":
            district_codes = sorted({c[:6] for c in SMALL_STREETS})
            street_codes: Sequence[str] = SMALL_STREETS
        else:
            district_codes = sorted(self.districts)
            street_codes = sorted(self.streets)
        homes: list[Area] = [self.districts[c] for c in district_codes]
        homes.append(self.zone)
        for home in homes:
            for unit in DISTRICT_UNITS:
                orgs.append(
                    make_organisation(
                        _unit_name(home.name, unit),
                        home_area=home,
                        generic_unit=unit,
                        is_demo=True,
                    )
                )
        for unit in CITY_UNITS:
            orgs.append(
                make_organisation(
                    f"{self.city.name}{unit}",
                    home_area=self.city,
                    generic_unit=unit,
                    is_demo=True,
                )
            )
        for code in street_codes:
            street = self.streets[code]
            for unit in STREET_UNITS:
                orgs.append(
                    make_organisation(
                        _street_unit_name(street, unit),
                        home_area=street,
                        generic_unit=unit,
                        kind=OrganisationKind.STREET_OFFICE,
                        is_demo=True,
                    )
                )
        for district_code in PROVIDER_DISTRICTS:
            district = self.districts[district_code]
            served = [
                s
                for c, s in self.streets.items()
                if c.startswith(district_code) and s.parent_id == district.pk
            ]
            provider = make_organisation(
                f"{district.name[:-1]}乐龄居家养老服务中心",
                home_area=district,
                kind=OrganisationKind.PROVIDER,
                served=served,
                is_demo=True,
            )
            self.providers[district_code] = provider
            orgs.append(provider)
        record_batch(
            actor=None,
            action="demo.organisations.create",
            object_type="core.organisation",
            object_ids=[o.pk for o in orgs],
            area=self.city,
            reason=_("生成演示城市：职能部门与服务商"),
        )
        self._count("organisations", len(orgs))

    # -- accounts
    def build_accounts(self) -> None:
        street = self.streets[HOME_STREET]
        community = next(
            c for c in self.committees if c.parent_id == street.pk and c.level == AreaLevel.COMMUNITY
        )
        grid = self.grids_of[community.pk][0]
        district = self.districts[HOME_STREET[:6]]
        department = Organisation.objects.get(home_area=district, generic_unit="城市管理局")
        provider = self.providers[HOME_STREET[:6]]
        places: dict[str, Area | Organisation | None] = {
            Role.GRID_WORKER: grid,
            Role.GRID_LEADER: grid,
            Role.COMMUNITY_WORKER: community,
            Role.COMMUNITY_HEAD: community,
            Role.STREET_STAFF: street,
            Role.DEPARTMENT_HANDLER: department,
            Role.DISTRICT_ADMIN: district,
            Role.CITY_ADMIN: self.city,
            Role.SUPERVISION_MEMBER: community,
            Role.PROVIDER_STAFF: provider,
            Role.SYSTEM_ADMIN: None,
        }
        district_code = district.code or ""
        for spec in ACCOUNT_SPECS:
            place = places[spec.role]
            kwargs: dict[str, Any] = {}
            if isinstance(place, Organisation):
                kwargs["organisation"] = place
            elif place is not None:
                kwargs["area"] = place
            secret = (
                new_totp_secret(random.Random(f"{self.seed}:totp:{spec.username}"))  # noqa: S311 - demo only
                if spec.role in TOTP_ROLES
                else None
            )
            make_staff(
                spec.username,
                spec.role,
                display_name=self.faker.name(),
                password_hash=self.password_hash,
                totp_secret=secret,
                phone=self._phone(),
                id_number=self._citizen_id(district_code, max_age=60),
                is_demo=True,
                is_superuser=spec.role == Role.SYSTEM_ADMIN,
                **kwargs,
            )
        make_resident(
            RESIDENT_PHONE,
            home_area=community,
            display_name=self.faker.name(),
            id_number=self._citizen_id(district_code),
            is_demo=True,
        )
        self._count("accounts", len(ACCOUNT_SPECS) + 1)

    # -- generated people
    def build_people(self) -> None:
        users: list[User] = []
        posts: list[tuple[int, str, Area]] = []

        def staff(username: str, role: str, area: Area, district_code: str) -> None:
            users.append(
                staff_user(
                    username,
                    display_name=self.faker.name(),
                    password_hash=self.password_hash,
                    phone=self._phone(),
                    id_number=self._citizen_id(district_code, max_age=60),
                    is_demo=True,
                )
            )
            posts.append((len(users) - 1, role, area))

        street_ids = {c.parent_id for c in self.committees}
        for code, street in sorted(self.streets.items()):
            if street.pk in street_ids:
                for k in (1, 2):
                    staff(f"j{code}{k}", Role.STREET_STAFF, street, code[:6])
        for committee in self.committees:
            code = committee.code or ""
            district_code = code[:6]
            staff(f"s{code}0", Role.COMMUNITY_HEAD, committee, district_code)
            for k in range(1, self.rng.randint(2, 4)):
                staff(f"s{code}{k}", Role.COMMUNITY_WORKER, committee, district_code)
            for g, grid in enumerate(self.grids_of.get(committee.pk, []), start=1):
                staff(f"g{code}{g:02d}1", Role.GRID_WORKER, grid, district_code)
                if self.rng.random() < 0.2:
                    staff(f"g{code}{g:02d}2", Role.GRID_WORKER, grid, district_code)
                    posts.append((len(users) - 1, Role.GRID_LEADER, grid))
        n_staff = len(users)
        for committee in self.committees:
            district_code = (committee.code or "")[:6]
            for _k in range(self.rng.randint(3, 6)):
                users.append(
                    resident_user(
                        self._phone(),
                        home_area=committee,
                        display_name=self.faker.name(),
                        id_number=self._citizen_id(district_code),
                        is_demo=True,
                    )
                )
        created: list[User] = []
        for chunk in _chunks(users, BATCH):
            batch = User.objects.bulk_create(chunk)
            record_batch(
                actor=None,
                action="demo.users.create",
                object_type="accounts.user",
                object_ids=[u.pk for u in batch],
                area=self.city,
                reason=_("生成演示城市：工作人员与居民"),
            )
            created.extend(batch)
        post_rows = [Post(user=created[i], role=role, area=area) for i, role, area in posts]
        for chunk in _chunks(post_rows, BATCH):
            batch_posts = Post.objects.bulk_create(chunk)
            record_batch(
                actor=None,
                action="demo.posts.create",
                object_type="accounts.post",
                object_ids=[p.pk for p in batch_posts],
                area=self.city,
                reason=_("生成演示城市：岗位"),
            )
        self._count("staff", n_staff)
        self._count("residents", len(users) - n_staff)
        self._count("posts", len(post_rows))

    # -- map and registry (boundaries, then buildings, households and people in every grid)
    def build_map_and_registry(self, people_per_grid: int | None) -> None:
        for key, n in build_map_and_registry(self, people_per_grid).items():
            self._count(key, n)

    # -- the service modules' own demo content
    def build_modules(self) -> None:
        for key, n in build_modules(
            self.committees, home_street=self.streets[HOME_STREET], seed=self.seed, today=self.today
        ).items():
            self._count(key, n)


def build_demo_city(
    *, scale: str = "small", seed: int = SEED, today: date | None = None, people_per_grid: int | None = None
) -> BuildResult:
    """Build the demo city into an empty (or demo-only, already wiped) database.

    ``people_per_grid`` overrides the scale's number of registry people per grid (0: none).
    """
    check_database_is_demo()
    if demo_state() is not None or Area.objects.exists():
        raise DemoRefused(_("演示城市已经存在；如需重建请使用 --rebuild。"))
    builder = _Builder(scale=scale, seed=seed, today=today or timezone.localdate())
    with transaction.atomic():
        city = builder.build_tree()
        builder.build_committees()
        seed_area_rules(city)  # district-level policy numbers (e.g. pay floors per district group)
        builder.build_organisations()
        builder.build_accounts()
        builder.build_people()
        builder.build_map_and_registry(people_per_grid)
        builder.build_modules()
        built_at = timezone.now()
        PlatformFlag.objects.update_or_create(
            key=FLAG_KEY,
            defaults={
                "value": {"scale": scale, "seed": seed, "built_at": built_at.isoformat()},
                "set_at": built_at,
            },
        )
        record(
            actor=None,
            action="demo.build",
            area=city,
            object_repr=str(city),
            changes={"scale": scale, "seed": seed, "counts": builder.counts},
            reason=_("生成演示城市"),
        )
    return BuildResult(scale=scale, seed=seed, city=city, counts=builder.counts, accounts=demo_accounts())


# --------------------------------------------------------------------------- wiping
