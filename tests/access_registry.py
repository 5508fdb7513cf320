"""What the access matrix needs to know about each scoped model, and the places the tests share.

For every model label a route declares (``@scoped_object(label, kwarg)`` on a page,
``openapi_extra={"x-scoped-model": label}`` on an API operation) this registry says how to
make an object of side A (the personas' own area) and of side B (the sibling area), which
roles may read such objects and which may change them.  ``tests/test_access_matrix.py``
walks every route and holds each role to that.

Adding a scoped model: add one :class:`ModelAccess` to ``REGISTRY`` below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shequ.accounts.roles import Role
from shequ.core.models import Area, AreaLevel

# --------------------------------------------------------------------------- places


@dataclass
class Jiangbei:
    """江北新区: a functional zone managing streets whose codes sit under 浦口区 and 六合区."""

    pukou: Area
    liuhe: Area
    zone: Area
    pukou_own_street: Area
    managed_street_pukou: Area
    managed_street_liuhe: Area
    managed_community: Area
    managed_grid: Area
    pukou_community: Area


def make_jiangbei(mini: Any) -> Jiangbei:
    from shequ.demo.factories import make_area

    pukou = make_area("浦口区", AreaLevel.DISTRICT, mini.city, code="320111")
    liuhe = make_area("六合区", AreaLevel.DISTRICT, mini.city, code="320116")
    zone = make_area("江北新区", AreaLevel.ZONE, mini.city)
    pukou_own = make_area("江浦街道", AreaLevel.STREET, pukou, code="320111001")
    managed_pukou = make_area("泰山街道", AreaLevel.STREET, zone, code="320111002", stat_parent=pukou)
    managed_liuhe = make_area("葛塘街道", AreaLevel.STREET, zone, code="320116004", stat_parent=liuhe)
    managed_community = make_area(
        "桥北社区", AreaLevel.COMMUNITY, managed_pukou, code="320111002001", urban_rural_code="111"
    )
    managed_grid = make_area("桥北第一网格", AreaLevel.GRID, managed_community)
    pukou_community = make_area(
        "求雨山社区", AreaLevel.COMMUNITY, pukou_own, code="320111001001", urban_rural_code="111"
    )
    return Jiangbei(
        pukou=pukou,
        liuhe=liuhe,
        zone=zone,
        pukou_own_street=pukou_own,
        managed_street_pukou=managed_pukou,
        managed_street_liuhe=managed_liuhe,
        managed_community=managed_community,
        managed_grid=managed_grid,
        pukou_community=pukou_community,
    )


# --------------------------------------------------------------------------- roles

#: Every persona the ``personas`` fixture makes, in a stable order.
STAFF_ROLES: tuple[str, ...] = (
    Role.GRID_WORKER,
    Role.GRID_LEADER,
    Role.COMMUNITY_WORKER,
    Role.COMMUNITY_HEAD,
    Role.SUPERVISION_MEMBER,
    Role.STREET_STAFF,
    Role.DISTRICT_ADMIN,
    Role.DEPARTMENT_HANDLER,
    Role.PROVIDER_STAFF,
    Role.CITY_ADMIN,
    Role.SYSTEM_ADMIN,
)
RESIDENT = "resident"
ALL_PERSONAS: tuple[str, ...] = (*STAFF_ROLES, RESIDENT)

#: Roles whose area covers both sides of the mini city (the city admin sits on the city).
SEES_BOTH_SIDES = frozenset({Role.CITY_ADMIN, Role.SYSTEM_ADMIN})

GRID_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
#: Staff whose scope includes community_a (everyone but the grid posts below it).
COVER_COMMUNITY_A = frozenset(STAFF_ROLES) - GRID_ROLES
VIEW_AUDIT = frozenset(
    {Role.COMMUNITY_HEAD, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN}
)
MANAGE_AREAS = frozenset({Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN})
MANAGE_CALENDAR = frozenset({Role.CITY_ADMIN, Role.SYSTEM_ADMIN})
MANAGE_RULES = frozenset({Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN})
MANAGE_STAFF = frozenset({Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN})
REVEAL_PII = frozenset(
    {Role.COMMUNITY_WORKER, Role.COMMUNITY_HEAD, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.CITY_ADMIN}
)


# --------------------------------------------------------------------------- objects of each side


def _once(mini: Any, key: str, build: Callable[[], Any]) -> Any:
    """Make an object once per mini city (the matrix asks for the same one many times)."""
    if key not in mini.extra:
        mini.extra[key] = build()
    return mini.extra[key]


def _community(mini: Any, side: str) -> Area:
    return mini.community_a if side == "a" else mini.community_b


def area_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Area:
    """The area a persona works on (for a department, provider, system admin or resident: the community)."""
    from shequ.demo.factories import PERSONA_PLACES

    places = PERSONA_PLACES.get(role)
    if places is not None:
        place = getattr(mini, places[0] if side == "a" else places[1])
        if isinstance(place, Area):
            return place
    return _community(mini, side)


def resident_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.demo.factories import make_resident

    phone = "13700000001" if side == "a" else "13700000002"
    return _once(
        mini,
        f"resident_{side}",
        lambda: make_resident(phone, home_area=_community(mini, side), display_name=f"居民{side.upper()}"),
    )


def post_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    """A community worker's post on the community of ``side``."""
    from shequ.accounts.models import Post
    from shequ.demo.factories import make_staff

    def build() -> Post:
        worker = make_staff(f"matrix_worker_{side}", Role.COMMUNITY_WORKER, area=_community(mini, side))
        return Post.objects.get(user=worker)

    return _once(mini, f"post_{side}", build)


def audit_entry_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.core.audit import record

    community = _community(mini, side)
    return _once(
        mini,
        f"audit_{side}",
        lambda: record(actor=None, action="area.inspect", obj=community, reason="access matrix"),
    )


def calendar_day_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.core.models import CalendarDay, DayKind

    day = date(2031, 10, 1) if side == "a" else date(2031, 10, 11)
    kind = DayKind.HOLIDAY if side == "a" else DayKind.WORKDAY
    return _once(
        mini,
        f"calendar_{side}",
        lambda: CalendarDay.objects.create(date=day, kind=kind, name="国庆节", source="国务院办公厅通知"),
    )


def rule_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.core.models import Rule
    from shequ.core.rule_catalog import CATALOG_LIST

    spec = CATALOG_LIST[0]
    community = _community(mini, side)
    return _once(
        mini,
        f"rule_{side}",
        lambda: Rule.objects.create(
            key=spec.key,
            area=community,
            value=1,
            valid_from=date(2026, 1, 1),
            version=1,
            source="区级文件（访问矩阵）",
        ),
    )


def _grid(mini: Any, side: str) -> Area:
    return mini.grid_a if side == "a" else mini.grid_b


def person_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.demo.factories import make_person

    return _once(
        mini,
        f"person_{side}",
        lambda: make_person(_grid(mini, side), f"居民{side.upper()}", seq=11 if side == "a" else 12),
    )


def household_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.demo.factories import make_household

    return _once(
        mini,
        f"household_{side}",
        lambda: make_household(_grid(mini, side), head=person_of_side(mini, personas, side, role)),
    )


def building_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.demo.factories import make_building

    return _once(mini, f"building_{side}", lambda: make_building(_grid(mini, side), f"{side.upper()}1栋"))


def place_of_side(mini: Any, personas: dict[str, Any], side: str, role: str) -> Any:
    from shequ.demo.factories import make_place

    return _once(mini, f"place_{side}", lambda: make_place(_grid(mini, side), f"便民超市{side.upper()}"))


#: The population registry is for staff on area posts (not departments or providers).
REGISTRY_READ = frozenset(STAFF_ROLES) - {Role.DEPARTMENT_HANDLER, Role.PROVIDER_STAFF}
REGISTRY_CHANGE = REGISTRY_READ - {Role.SUPERVISION_MEMBER}


# --------------------------------------------------------------------------- the registry


@dataclass(frozen=True)
class ModelAccess:
    """How the access matrix treats routes naming one model.

    ``make(mini, personas, side, role)`` returns the object of side ``"a"`` (the persona's own
    area) or ``"b"`` (the sibling area); ``role`` matters only where the natural object
    depends on where the persona sits (areas).  ``read_roles`` must get 200 on side A and
    404 on side B (unless in ``sees_both``); every other persona must be refused (403 or
    404) on both sides.  ``change_roles`` may change such objects: pages declared with
    ``action="change"`` use them instead of ``read_roles``, and for write operations a
    change role gets exactly 404 on side B.  ``is_global`` objects (the calendar) have no
    sides: readers read both.  ``path_value`` turns an object into its URL id, and
    ``other_path_values`` gives the route's other ids (a post's user in
    ``/users/{user_id}/posts/{post_id}/end``).
    """

    label: str
    make: Callable[[Any, dict[str, Any], str, str], Any]
    read_roles: frozenset[str]
    change_roles: frozenset[str]
    is_global: bool = False
    sees_both: frozenset[str] = SEES_BOTH_SIDES
    path_value: Callable[[Any], str] = field(default=lambda obj: str(obj.pk))
    other_path_values: Callable[[Any], dict[str, str]] = field(default=lambda obj: {})


REGISTRY: dict[str, ModelAccess] = {
    m.label: m
    for m in (
        ModelAccess(
            "core.Area",
            make=area_of_side,
            read_roles=frozenset(STAFF_ROLES),
            change_roles=MANAGE_AREAS,
        ),
        ModelAccess(
            "accounts.User",
            make=resident_of_side,
            read_roles=COVER_COMMUNITY_A,
            change_roles=REVEAL_PII,
            # routes under a user that also name one of the user's posts: the user is the
            # scoped object (a post is only looked up among the user's own), any post id will do
            other_path_values=lambda user: {"post_id": "2147483647"},
        ),
        ModelAccess(
            "accounts.Post",
            make=post_of_side,
            read_roles=COVER_COMMUNITY_A,
            change_roles=MANAGE_STAFF,
            other_path_values=lambda post: {"user_id": str(post.user_id)},
        ),
        ModelAccess(
            "core.AuditEntry",
            make=audit_entry_of_side,
            read_roles=VIEW_AUDIT,
            change_roles=frozenset(),
        ),
        ModelAccess(
            "core.CalendarDay",
            make=calendar_day_of_side,
            read_roles=frozenset(STAFF_ROLES),
            change_roles=MANAGE_CALENDAR,
            is_global=True,
            path_value=lambda day: day.date.isoformat(),
        ),
        ModelAccess(
            "core.Rule",
            make=rule_of_side,
            # a rule applies to its area and below, so grid posts read their community's rules
            read_roles=frozenset(STAFF_ROLES),
            change_roles=MANAGE_RULES,
        ),
        ModelAccess(
            "registry.Person", make=person_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE
        ),
        ModelAccess(
            "registry.Household",
            make=household_of_side,
            read_roles=REGISTRY_READ,
            change_roles=REGISTRY_CHANGE,
        ),
        ModelAccess(
            "registry.Building", make=building_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE
        ),
        ModelAccess(
            "registry.Place", make=place_of_side, read_roles=REGISTRY_READ, change_roles=REGISTRY_CHANGE
        ),
    )
}

#: Routes with a path parameter that are not object pages, by the start of their route.
NOT_OBJECT_ROUTES: tuple[str, ...] = (
    "system/django-admin/",  # the Django admin: system administrators only, guarded by its own checks
    "i18n/",
    "static/",
    "media/",
    # Open311 GeoReport v2: public by the standard; a public GET shows only cases their requester
    # made public (redacted), a staff token sees its own scope — tested in shequ/open311/tests.
    "open311/",
    # a case opened by number after its access code or an SMS code: guarded by the session grant
    "appeals/track/",
)

#: Modules that add their own scoped models: each defines ``MODELS: list[ModelAccess]``.
EXTRA_MODULES: tuple[str, ...] = (
    "tests.access_registry_elements",
    "tests.access_registry_imports",
    "tests.access_registry_gridwork",
    "tests.access_registry_appeals",
    "tests.access_registry_onewindow",
    "tests.access_registry_commons",
    "tests.access_registry_outbox",
)


def _load_extra_models() -> None:
    import importlib

    for name in EXTRA_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for model in module.MODELS:
            REGISTRY[model.label] = model


_load_extra_models()
