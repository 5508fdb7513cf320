"""Factories shared by the demo city generator and the tests.

Everything they make is fictional: names from Faker's zh_CN provider, ID numbers built
from a real district code, a birth date and a sequence with the GB 11643 check digit, and
phones in valid mobile ranges.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pyotp
from django.utils import timezone

from shequ.accounts.auth_services import resident_username
from shequ.accounts.models import Post, User, UserKind
from shequ.accounts.roles import Role
from shequ.core.areas import area_create
from shequ.core.models import Area, AreaLevel, Organisation, OrganisationKind
from shequ.core.pii import citizen_id_check_char

#: The password every demo and test account gets (it satisfies the password policy).
DEMO_PASSWORD = "Shequ-demo-2026"  # noqa: S105 - printed by the demo on purpose

MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "189",
    "199",
)


def make_citizen_id(region_code: str, birth: date, seq: int, *, female: bool | None = None) -> str:
    seq = seq % 1000
    if female is not None and (seq % 2 == 0) != female:
        seq = (seq + 1) % 1000
    first17 = f"{region_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + citizen_id_check_char(first17)


def make_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def make_birth(
    rng: random.Random, *, min_age: int = 18, max_age: int = 90, today: date | None = None
) -> date:
    today = today or timezone.localdate()
    days = rng.randrange(min_age * 365, max_age * 365)
    return today - timedelta(days=days)


def make_area(name: str, level: str, parent: Area | None, code: str | None = None, **kwargs: Any) -> Area:
    return area_create(actor=None, name=name, level=level, parent=parent, code=code, audit=False, **kwargs)


def make_organisation(
    name: str,
    *,
    home_area: Area,
    kind: str = OrganisationKind.DEPARTMENT,
    generic_unit: str = "",
    served: list[Area] | None = None,
    is_demo: bool = False,
) -> Organisation:
    org = Organisation.objects.create(
        name=name, kind=kind, home_area=home_area, generic_unit=generic_unit, is_demo=is_demo
    )
    org.served_areas.set(served if served is not None else [home_area])
    return org


def staff_user(
    username: str,
    *,
    display_name: str = "",
    password: str | None = DEMO_PASSWORD,
    totp_secret: str | None = None,
    phone: str | None = None,
    id_number: str | None = None,
    is_demo: bool = False,
    is_superuser: bool = False,
    password_hash: str | None = None,
) -> User:
    """An unsaved staff user (for ``bulk_create``); ``password=None`` makes an account that cannot log in.

    ``password_hash`` is an already hashed password, so that many generated accounts do not
    each pay for a slow hash.
    """
    user = User(
        username=username,
        display_name=display_name or username,
        kind=UserKind.STAFF,
        is_demo=is_demo,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if phone:
        user.phone = phone
    if id_number:
        user.id_number = id_number
    if totp_secret:
        user.totp_secret = totp_secret
        user.totp_confirmed_at = timezone.now()
    if password_hash is not None:
        user.password = password_hash
    elif password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    return user


def make_staff(
    username: str,
    role: str | None,
    *,
    area: Area | None = None,
    organisation: Organisation | None = None,
    display_name: str = "",
    password: str | None = DEMO_PASSWORD,
    totp_secret: str | None = None,
    phone: str | None = None,
    id_number: str | None = None,
    is_demo: bool = False,
    is_superuser: bool = False,
    password_hash: str | None = None,
) -> User:
    user = staff_user(
        username,
        display_name=display_name,
        password=password,
        totp_secret=totp_secret,
        phone=phone,
        id_number=id_number,
        is_demo=is_demo,
        is_superuser=is_superuser,
        password_hash=password_hash,
    )
    user.save()
    if role is not None:
        Post.objects.create(user=user, role=role, area=area, organisation=organisation)
    return user


def resident_user(
    phone: str,
    *,
    home_area: Area | None,
    display_name: str = "",
    id_number: str | None = None,
    is_demo: bool = False,
) -> User:
    """An unsaved resident (for ``bulk_create``); residents log in by SMS code, not by password."""
    user = User(
        username=resident_username(phone),
        display_name=display_name,
        kind=UserKind.RESIDENT,
        home_area=home_area,
        is_demo=is_demo,
    )
    user.phone = phone
    if id_number:
        user.id_number = id_number
    user.set_unusable_password()
    return user


def make_resident(
    phone: str,
    *,
    home_area: Area | None,
    display_name: str = "",
    id_number: str | None = None,
    is_demo: bool = False,
) -> User:
    user = resident_user(
        phone, home_area=home_area, display_name=display_name, id_number=id_number, is_demo=is_demo
    )
    user.save()
    return user


def new_totp_secret(rng: random.Random | None = None) -> str:
    if rng is None:
        return pyotp.random_base32()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return "".join(rng.choice(alphabet) for _ in range(32))


@dataclass
class MiniCity:
    """A small two-branch tree, enough for every access test: side A and its sibling side B."""

    city: Area
    district_a: Area
    district_b: Area
    street_a: Area
    street_b: Area
    community_a: Area
    community_b: Area
    village_a: Area
    grid_a: Area
    grid_b: Area
    dept_a: Organisation
    dept_b: Organisation
    provider_a: Organisation
    extra: dict[str, Any] = field(default_factory=dict)


def make_mini_city(*, is_demo: bool = False) -> MiniCity:
    city = make_area("南京市", AreaLevel.CITY, None, code="320100", is_demo=is_demo)
    district_a = make_area("玄武区", AreaLevel.DISTRICT, city, code="320102", is_demo=is_demo)
    district_b = make_area("秦淮区", AreaLevel.DISTRICT, city, code="320104", is_demo=is_demo)
    street_a = make_area("梅园新村街道", AreaLevel.STREET, district_a, code="320102002", is_demo=is_demo)
    street_b = make_area("夫子庙街道", AreaLevel.STREET, district_b, code="320104007", is_demo=is_demo)
    community_a = make_area(
        "大悲巷社区",
        AreaLevel.COMMUNITY,
        street_a,
        code="320102002001",
        urban_rural_code="111",
        is_demo=is_demo,
    )
    community_b = make_area(
        "钓鱼台社区",
        AreaLevel.COMMUNITY,
        street_b,
        code="320104007001",
        urban_rural_code="111",
        is_demo=is_demo,
    )
    village_a = make_area(
        "东湖村", AreaLevel.VILLAGE, street_a, code="320102002201", urban_rural_code="220", is_demo=is_demo
    )
    grid_a = make_area("大悲巷第一网格", AreaLevel.GRID, community_a, is_demo=is_demo)
    grid_b = make_area("钓鱼台第一网格", AreaLevel.GRID, community_b, is_demo=is_demo)
    dept_a = make_organisation(
        "玄武区城市管理局", home_area=district_a, generic_unit="城市管理局", is_demo=is_demo
    )
    dept_b = make_organisation(
        "秦淮区城市管理局", home_area=district_b, generic_unit="城市管理局", is_demo=is_demo
    )
    provider_a = make_organisation(
        "玄武区颐养服务中心",
        home_area=district_a,
        kind=OrganisationKind.PROVIDER,
        served=[street_a],
        is_demo=is_demo,
    )
    return MiniCity(
        city=city,
        district_a=district_a,
        district_b=district_b,
        street_a=street_a,
        street_b=street_b,
        community_a=community_a,
        community_b=community_b,
        village_a=village_a,
        grid_a=grid_a,
        grid_b=grid_b,
        dept_a=dept_a,
        dept_b=dept_b,
        provider_a=provider_a,
    )


#: For each role, where its side-A persona sits in a MiniCity, and its sibling on side B.
PERSONA_PLACES: dict[str, tuple[str, str]] = {
    Role.GRID_WORKER: ("grid_a", "grid_b"),
    Role.GRID_LEADER: ("grid_a", "grid_b"),
    Role.COMMUNITY_WORKER: ("community_a", "community_b"),
    Role.COMMUNITY_HEAD: ("community_a", "community_b"),
    Role.SUPERVISION_MEMBER: ("community_a", "community_b"),
    Role.STREET_STAFF: ("street_a", "street_b"),
    Role.DISTRICT_ADMIN: ("district_a", "district_b"),
    Role.DEPARTMENT_HANDLER: ("dept_a", "dept_b"),
    Role.PROVIDER_STAFF: ("provider_a", "provider_a"),
    Role.CITY_ADMIN: ("city", "city"),
}


def make_persona(mini: MiniCity, role: str, *, side: str = "a", totp_secret: str | None = None) -> User:
    place_a, place_b = PERSONA_PLACES[role]
    place = getattr(mini, place_a if side == "a" else place_b)
    kwargs: dict[str, Any] = {}
    if isinstance(place, Organisation):
        kwargs["organisation"] = place
    else:
        kwargs["area"] = place
    return make_staff(
        f"{role}_{side}", role, totp_secret=totp_secret, display_name=f"{role}-{side}", **kwargs
    )


# --------------------------------------------------------------------------- registry (C1)


def ensure_registry_tags() -> None:
    """The tag catalogue the registry's data migration seeds (a flushed test database lacks it)."""
    from shequ.registry.migrations_data import TAG_CATALOGUE
    from shequ.registry.models import Tag

    for code, name, sensitive, order in TAG_CATALOGUE:
        Tag.objects.get_or_create(code=code, defaults={"name": name, "sensitive": sensitive, "order": order})


def make_building(grid: Area, name: str = "1栋", **kwargs: Any) -> Any:
    from shequ.registry.models import Building

    kwargs.setdefault("floors", 6)
    kwargs.setdefault("units", 2)
    return Building.objects.create(grid=grid, name=name, **kwargs)


def make_person(
    grid: Area,
    name: str = "张三",
    *,
    id_number: str | None = None,
    phone: str | None = None,
    birth: date | None = None,
    seq: int = 1,
    **kwargs: Any,
) -> Any:
    """A person (rows written directly, without audit entries, as the demo's bulk writes do)."""
    from shequ.core.pii import parse_citizen_id
    from shequ.registry.models import Person

    if id_number is None:
        id_number = make_citizen_id("320102", birth or date(1960, 5, 17), seq)
    parsed = parse_citizen_id(id_number)
    person = Person(grid=grid, name=name, sex=parsed.sex, birth_date=parsed.birth_date, **kwargs)
    person.id_number = id_number
    if phone:
        person.phone = phone
    person.save()
    return person


def make_household(
    grid: Area, *, head: Any | None = None, address: str = "丹凤街12号3栋2单元501室", **kwargs: Any
) -> Any:
    """A household at a free-text address; with ``head``, the head is its first member."""
    from shequ.registry.models import Household, Membership, Relation

    household = Household(grid=grid, **kwargs)
    household.address = address
    household.save()
    if head is not None:
        Membership.objects.create(
            household=household, person=head, relation=Relation.HEAD, valid_from=date(2020, 1, 1)
        )
        household.head = head
        household.save(update_fields=["head"])
    return household


def make_place(grid: Area, name: str = "便民超市", **kwargs: Any) -> Any:
    from shequ.registry.models import Place

    return Place.objects.create(grid=grid, name=name, **kwargs)
