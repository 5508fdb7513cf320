"""The demo city: 南京市 with its real districts and streets, generated communities, grids and people.

Deterministic: a fixed seed drives every choice, and dates are relative to today.  The
city, districts, 江北新区 and the streets go through :func:`shequ.core.areas.area_create`
(via the shared factories); communities, villages and grids are written with
``bulk_create`` (one audit entry per batch), so that the city scale builds in seconds.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker

from shequ.accounts.models import Post, User, UserKind
from shequ.accounts.roles import Role
from shequ.core.audit import record, record_batch
from shequ.core.models import (
    Area,
    AreaLevel,
    AuditEntry,
    CommitteeType,
    HeavyLoadKind,
    Organisation,
    OrganisationKind,
    PlatformFlag,
)
from shequ.core.pii import PIIKind, lookup_candidates
from shequ.core.rules import seed_area_rules

from .divisions import JIANGBEI_NAME, CityDivisions, city_divisions, jiangbei_street_codes
from .factories import (
    DEMO_PASSWORD,
    make_area,
    make_birth,
    make_citizen_id,
    make_mobile,
    make_organisation,
    make_resident,
    make_staff,
    new_totp_secret,
    resident_user,
    staff_user,
)

SEED = 20260522
FLAG_KEY = "demo_city"
SCALES = ("small", "city")
BATCH = 2000

# --------------------------------------------------------------------------- profiles

#: How a district's streets look: "urban" 主城, "suburban" 新城, "outer" 远郊.
DISTRICT_PROFILE: dict[str, str] = {
    "320102": "urban",
    "320104": "urban",
    "320105": "urban",
    "320106": "urban",
    "320111": "suburban",
    "320113": "suburban",
    "320114": "suburban",
    "320115": "suburban",
    "320116": "outer",
    "320117": "outer",
    "320118": "outer",
}


@dataclass(frozen=True)
class Profile:
    communities: tuple[int, int]
    villages: tuple[int, int]
    community_grids: tuple[int, int]
    village_grids: tuple[int, int]


PROFILES: dict[str, dict[str, Profile]] = {
    "small": {
        "urban": Profile((5, 7), (0, 0), (3, 6), (3, 5)),
        "suburban": Profile((4, 6), (1, 3), (3, 6), (3, 5)),
        "outer": Profile((2, 3), (3, 5), (3, 5), (3, 5)),
        "town": Profile((1, 2), (4, 6), (3, 5), (3, 4)),
    },
    "city": {
        "urban": Profile((9, 15), (0, 0), (8, 12), (6, 10)),
        "suburban": Profile((8, 13), (2, 5), (8, 12), (6, 10)),
        "outer": Profile((3, 5), (5, 10), (8, 12), (6, 10)),
        "town": Profile((1, 2), (7, 12), (8, 12), (6, 10)),
    },
}

#: Small scale: the streets that get communities, across urban, suburban, 江北新区 and rural towns.
SMALL_STREETS = (
    "320102002",  # 玄武区 梅园新村街道
    "320104002",  # 秦淮区 夫子庙街道
    "320106003",  # 鼓楼区 湖南路街道 (the accounts live here)
    "320111001",  # 浦口区 泰山街道, managed by 江北新区
    "320116010",  # 六合区 大厂街道, managed by 江北新区
    "320115001",  # 江宁区 东山街道
    "320116110",  # 六合区 竹镇镇
    "320117101",  # 溧水区 白马镇
)
HOME_STREET = "320106003"
PROVIDER_DISTRICTS = ("320106", "320102", "320116")

#: Generic units that cases are dispatched to (after the appeal categories' responsible units).
DISTRICT_UNITS = (
    "城市管理局",
    "生态环境局",
    "农业农村局",
    "绿化园林局",
    "住房和城乡建设局",
    "水务局",
    "房产局",
    "市场监督管理局",
    "公安分局",
    "消防救援大队",
    "公安交通管理大队",
    "民政局",
    "卫生健康委员会",
    "人力资源和社会保障局",
    "教育局",
    "文化和旅游局",
)
CITY_UNITS = ("水务局",)
STREET_UNITS = ("街道综合行政执法队", "司法所")

COMMUNITY_FIRST = "金银翠桃梅兰竹松龙凤长新青锦华安康和平宁泰丰文德明东西南春秋"
COMMUNITY_SECOND = "园苑山河湖桥港塘林庄湾城门岗坊里营洲岭泉"
VILLAGE_FIRST = "王张李刘陈杨赵黄周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
VILLAGE_SECOND = ("庄", "圩", "岗", "桥", "湾", "店", "集", "坝", "营", "塘", "家", "墩")
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


# --------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class AccountSpec:
    role: str
    username: str


ACCOUNT_SPECS: tuple[AccountSpec, ...] = (
    AccountSpec(Role.GRID_WORKER, "wanggeyuan"),
    AccountSpec(Role.GRID_LEADER, "wanggezhang"),
    AccountSpec(Role.COMMUNITY_WORKER, "shegong"),
    AccountSpec(Role.COMMUNITY_HEAD, "shequ"),
    AccountSpec(Role.STREET_STAFF, "jiedao"),
    AccountSpec(Role.DEPARTMENT_HANDLER, "bumen"),
    AccountSpec(Role.DISTRICT_ADMIN, "quji"),
    AccountSpec(Role.CITY_ADMIN, "shiji"),
    AccountSpec(Role.SUPERVISION_MEMBER, "jiandu"),
    AccountSpec(Role.PROVIDER_STAFF, "fuwushang"),
    AccountSpec(Role.SYSTEM_ADMIN, "admin"),
)
TOTP_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN})
RESIDENT_PHONE = "13951000001"


@dataclass
class DemoAccount:
    role: str
    username: str
    password: str
    place: str
    totp_secret: str = ""
    note: str = ""


# --------------------------------------------------------------------------- errors and state


class DemoRefused(Exception):
    """The database is not one the demo may write to."""


def demo_state() -> dict[str, Any] | None:
    flag = PlatformFlag.objects.filter(key=FLAG_KEY).first()
    return dict(flag.value) if flag is not None else None


def non_demo_counts() -> dict[str, int]:
    counts = {
        "areas": Area.objects.filter(is_demo=False).count(),
        "organisations": Organisation.objects.filter(is_demo=False).count(),
        "users": User.objects.filter(is_demo=False).count(),
    }
    return {k: v for k, v in counts.items() if v}


def check_database_is_demo() -> None:
    """Refuse production settings and any database that holds data not made by the demo."""
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    if module.endswith(".prod"):
        raise DemoRefused(_("演示城市不能在生产配置（%(module)s）下生成。") % {"module": module})
    found = non_demo_counts()
    if found:
        detail = "、".join(f"{k} {v}" for k, v in found.items())
        raise DemoRefused(
            _("数据库中已有非演示数据（%(detail)s），演示城市拒绝写入。请使用一个空数据库。")
            % {"detail": detail}
        )


# --------------------------------------------------------------------------- the build


@dataclass
class BuildResult:
    scale: str
    seed: int
    city: Area
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)


class _Builder:
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

    # -- helpers
    def _count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def _phone(self) -> str:
        while True:
            phone = make_mobile(self.rng)
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

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


def _unit_name(home: str, unit: str) -> str:
    if unit == "公安分局":
        short = home[:-1] if home.endswith("区") else home
        return f"南京市公安局{short}分局"
    return f"{home}{unit}"


def _street_unit_name(street: Area, unit: str) -> str:
    short = street.name
    for suffix in ("街道", "镇"):
        if short.endswith(suffix):
            short = short[: -len(suffix)]
            break
    kind = "镇" if street.level == AreaLevel.TOWN else "街道"
    if unit.startswith("街道"):
        return f"{short}{kind}{unit[2:]}"
    return f"{short}{unit}"


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_paths(areas: Sequence[Area]) -> None:
    """Store computed paths with one prepared UPDATE run over many rows (faster than bulk_update)."""
    qn = connection.ops.quote_name
    sql = (
        f"UPDATE {qn(Area._meta.db_table)} SET {qn('path')} = %s, {qn('depth')} = %s "  # noqa: S608
        f"WHERE {qn('id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(a.path, a.depth, a.pk) for a in areas])


def _bulk_create_areas(pending: list[Area], *, action: str, area: Area) -> list[Area]:
    """Insert areas whose parents exist, then set ``path`` and ``depth`` from the new ids."""
    created: list[Area] = []
    for chunk in _chunks(pending, BATCH):
        batch = Area.objects.bulk_create(chunk)
        for row in batch:
            parent = row.parent
            assert parent is not None
            assert row.pk is not None
            row.path = f"{parent.path}{row.pk}/"
            row.depth = parent.depth + 1
        _write_paths(batch)
        record_batch(
            actor=None,
            action=action,
            object_type="core.area",
            object_ids=[a.pk for a in batch],
            area=area,
            reason=_("生成演示城市：社区、村与网格"),
        )
        created.extend(batch)
    return created


def build_demo_city(*, scale: str = "small", seed: int = SEED, today: date | None = None) -> BuildResult:
    """Build the demo city into an empty (or demo-only, already wiped) database."""
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


def _delete_all(queryset: models.QuerySet[Any], *, depth: int = 0) -> int:
    """Delete rows, first deleting whatever protects them (never audit entries)."""
    if depth > 8:
        raise DemoRefused(_("演示数据之间的依赖过深，无法清除。"))
    deleted = 0
    for _attempt in range(10):
        try:
            return deleted + queryset.delete()[0]
        except (ProtectedError, RestrictedError) as exc:
            blockers: Iterable[Any] = (
                exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            )
            by_model: dict[type[models.Model], list[Any]] = {}
            for obj in blockers:
                by_model.setdefault(type(obj), []).append(obj.pk)
            for model, pks in by_model.items():
                if model is AuditEntry:
                    raise
                deleted += _delete_all(model._default_manager.filter(pk__in=pks), depth=depth + 1)
    return deleted + queryset.delete()[0]


def wipe_demo_data() -> int:
    """Remove everything the demo made (audit entries stay: they are append-only)."""
    check_database_is_demo()
    with transaction.atomic():
        deleted = _delete_all(User.objects.filter(is_demo=True))
        deleted += _delete_all(Organisation.objects.filter(is_demo=True))
        max_depth = Area.objects.filter(is_demo=True).aggregate(m=models.Max("depth"))["m"]
        for depth in range(max_depth if max_depth is not None else -1, -1, -1):
            deleted += _delete_all(Area.objects.filter(is_demo=True, depth=depth))
        PlatformFlag.objects.filter(key=FLAG_KEY).delete()
        record(actor=None, action="demo.wipe", changes={"rows": deleted}, reason=_("清除演示城市"))
    return deleted


# --------------------------------------------------------------------------- the accounts table


def demo_accounts() -> list[DemoAccount]:
    """One account per role, read back from the database (so a rerun prints the same table)."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[s.username for s in ACCOUNT_SPECS], is_demo=True
        ).prefetch_related("posts__area", "posts__organisation")
    }
    accounts: list[DemoAccount] = []
    for spec in ACCOUNT_SPECS:
        user = users.get(spec.username)
        if user is None:
            continue
        post = next(iter(user.posts.all()), None)
        place = post.scope_label if post is not None else str(_("全平台"))
        if post is not None and post.area is not None:
            place = area_label(post.area)
        if spec.role == Role.SYSTEM_ADMIN:
            place = str(_("全平台"))
        secret = user.totp_secret.plaintext_for_processing() if user.totp_secret else ""
        accounts.append(
            DemoAccount(
                role=str(Role(spec.role).label),
                username=spec.username,
                password=DEMO_PASSWORD,
                place=place,
                totp_secret=secret,
                note=_("当前动态口令：python manage.py totp_code %(user)s") % {"user": spec.username}
                if secret
                else "",
            )
        )
    resident = (
        User.objects.filter(
            kind=UserKind.RESIDENT,
            is_demo=True,
            phone_digest__in=lookup_candidates(PIIKind.PHONE, RESIDENT_PHONE),
        )
        .select_related("home_area")
        .first()
    )
    if resident is not None:
        accounts.append(
            DemoAccount(
                role=str(_("居民")),
                username=RESIDENT_PHONE,
                password=str(_("（短信验证码）")),
                place=area_label(resident.home_area) if resident.home_area else "",
                note=_("用短信验证码登录；验证码显示在演示控制台"),
            )
        )
    return accounts


def area_label(area: Area) -> str:
    """ "鼓楼区 / 湖南路街道 / 竹苑社区": the managing chain below the city."""
    chain = [a.name for a in area.ancestors() if a.level != AreaLevel.CITY]
    return " / ".join([*chain, area.name])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_accounts(accounts: Sequence[DemoAccount]) -> str:
    headers = [_("角色"), _("用户名"), _("密码"), _("区域/单位"), _("动态口令密钥 / 说明")]
    rows = [
        [a.role, a.username, a.password, a.place, "  ".join(x for x in (a.totp_secret, a.note) if x)]
        for a in accounts
    ]
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers) - 1)]
    lines: list[str] = []

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_pad(str(c), w) for c, w in zip(cells, widths, strict=False)) + "  " + str(cells[-1])

    lines.append(line(headers))
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 20)
    lines.extend(line(r) for r in rows)
    return "\n".join(lines)


def print_accounts(write: Callable[[str], Any]) -> None:
    accounts = demo_accounts()
    write(str(_("演示账户（密码均为 %(pw)s）：")) % {"pw": DEMO_PASSWORD})
    write(format_accounts(accounts))
