"""Division adjustments: move, merge, split, rename, abolish — and records keep pointing right."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shequ.accounts.models import Post, User
from shequ.accounts.roles import Role
from shequ.core.access import scope
from shequ.core.area_changes import area_abolish, area_merge, area_move, area_rename, area_split
from shequ.core.areas import area_create
from shequ.core.models import Area, AreaChange, AreaChangeKind, AreaLevel, AuditEntry
from shequ.demo.factories import make_area, make_resident, make_staff
from tests.access_registry import make_jiangbei

pytestmark = pytest.mark.django_db


@pytest.fixture
def past() -> Any:
    return timezone.localdate() - timedelta(days=30)


@pytest.fixture
def city_admin(personas: dict[str, Any]) -> User:
    return personas[Role.CITY_ADMIN]


def _walk_path(area: Area) -> str:
    """The path an area should have, found by walking its parents one by one."""
    ids: list[int] = []
    node: Area | None = area
    while node is not None:
        ids.append(node.pk)
        node = Area.objects.get(pk=node.parent_id) if node.parent_id else None
    return "/" + "/".join(str(i) for i in reversed(ids)) + "/"


def _assert_paths_consistent() -> None:
    for area in Area.objects.all():
        assert area.path == _walk_path(area), area.name
        assert area.depth == area.path.count("/") - 2, area.name


def _visible_ids(model: Any, user: Any, field: str) -> set[int]:
    return set(scope(model.objects.all(), user, field=field).values_list("pk", flat=True))


# --------------------------------------------------------------------------- move


def test_move_street_under_the_zone_moves_the_whole_subtree(
    mini: Any, personas: dict[str, Any], past: Any
) -> None:
    jb = make_jiangbei(mini)
    street = make_area("沿江街道", AreaLevel.STREET, jb.pukou, code="320111003")
    community = make_area("沿江社区", AreaLevel.COMMUNITY, street, code="320111003001")
    grid = make_area("沿江第一网格", AreaLevel.GRID, community)
    zone_admin = make_staff("jb_admin", Role.DISTRICT_ADMIN, area=jb.zone)
    pukou_admin = make_staff("pk_admin", Role.DISTRICT_ADMIN, area=jb.pukou)
    resident = make_resident("13900000001", home_area=community)
    assert resident.pk in _visible_ids(User, pukou_admin, "home_area")
    assert resident.pk not in _visible_ids(User, zone_admin, "home_area")

    audit_before = AuditEntry.objects.filter(action="area.move").count()
    change = area_move(
        actor=personas[Role.CITY_ADMIN],
        area=street,
        new_parent=jb.zone,
        effective_on=past,
        document="宁政复〔2026〕1号",
    )

    street.refresh_from_db()
    community.refresh_from_db()
    grid.refresh_from_db()
    assert street.parent_id == jb.zone.pk
    assert street.path == f"{jb.zone.path}{street.pk}/"
    assert community.path == f"{street.path}{community.pk}/"
    assert grid.path == f"{community.path}{grid.pk}/"
    assert (street.depth, community.depth, grid.depth) == (2, 3, 4)
    # the statistical parent stays 浦口区 although 江北新区 manages the street now
    assert street.stat_parent_id == jb.pukou.pk
    _assert_paths_consistent()

    assert resident.pk in _visible_ids(User, zone_admin, "home_area")
    assert resident.pk not in _visible_ids(User, pukou_admin, "home_area")
    assert change.kind == AreaChangeKind.MOVE
    assert list(change.sources.all()) == [street]
    assert change.details["from_parent"]["id"] == jb.pukou.pk
    assert AuditEntry.objects.filter(action="area.move").count() == audit_before + 1


def test_move_with_a_new_statistical_parent(mini: Any, city_admin: User, past: Any) -> None:
    jb = make_jiangbei(mini)
    area_move(
        actor=city_admin,
        area=jb.managed_street_pukou,
        new_parent=jb.liuhe,
        effective_on=past,
        stat_parent=jb.liuhe,
    )
    jb.managed_street_pukou.refresh_from_db()
    assert jb.managed_street_pukou.parent_id == jb.liuhe.pk
    assert jb.managed_street_pukou.stat_parent_id is None  # the same as the managing parent


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("into_own_subtree", "new_parent"),
        ("wrong_level", "new_parent"),
        ("same_parent", "new_parent"),
        ("before_valid_from", "effective_on"),
    ],
)
def test_move_refuses_bad_input(mini: Any, city_admin: User, past: Any, case: str, field: str) -> None:
    area, new_parent, on = mini.street_a, mini.district_b, past
    if case == "into_own_subtree":
        area, new_parent = mini.street_a, mini.community_a
    elif case == "wrong_level":
        new_parent = mini.street_b
    elif case == "same_parent":
        new_parent = mini.district_a
    elif case == "before_valid_from":
        on = area.valid_from - timedelta(days=1)
    paths = dict(Area.objects.values_list("pk", "path"))
    with pytest.raises(ValidationError) as exc:
        area_move(actor=city_admin, area=area, new_parent=new_parent, effective_on=on)
    assert field in exc.value.message_dict
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message_dict[field][0])  # Chinese
    assert dict(Area.objects.values_list("pk", "path")) == paths
    assert not AreaChange.objects.filter(kind=AreaChangeKind.MOVE).exists()


def test_move_needs_scope_over_both_ends_and_the_permission(
    mini: Any, personas: dict[str, Any], past: Any
) -> None:
    admin_a = personas[Role.DISTRICT_ADMIN]
    with pytest.raises(Http404):  # the new parent lies in another district
        area_move(actor=admin_a, area=mini.street_a, new_parent=mini.district_b, effective_on=past)
    with pytest.raises(Http404):  # the area itself lies in another district
        area_move(actor=admin_a, area=mini.street_b, new_parent=mini.district_a, effective_on=past)
    with pytest.raises(PermissionDenied):
        area_move(
            actor=personas[Role.STREET_STAFF],
            area=mini.community_a,
            new_parent=mini.street_a,
            effective_on=past,
        )
    assert mini.street_b.parent_id == mini.district_b.pk


# --------------------------------------------------------------------------- merge


def _old_community_with_records(mini: Any) -> tuple[Area, Area, User, Post]:
    """A second community on side A with a grid, a resident and a grid worker's post."""
    old = make_area(
        "丹凤街社区", AreaLevel.COMMUNITY, mini.street_a, code="320102002002", urban_rural_code="111"
    )
    grid = make_area("丹凤街第一网格", AreaLevel.GRID, old)
    resident = make_resident("13900000002", home_area=old)
    worker = make_staff("dfj_grid", Role.GRID_WORKER, area=grid)
    return old, grid, resident, worker.posts.get()


def test_merge_into_an_existing_community(mini: Any, personas: dict[str, Any], past: Any) -> None:
    old, grid, resident, post = _old_community_with_records(mini)
    worker_a = personas[Role.COMMUNITY_WORKER]  # serves community_a
    sibling = make_staff("cw_b", Role.COMMUNITY_WORKER, area=mini.community_b)
    assert post.pk not in _visible_ids(Post, worker_a, "area")

    change = area_merge(
        actor=personas[Role.DISTRICT_ADMIN],
        sources=[old],
        target=mini.community_a,
        effective_on=past,
        document="玄政复〔2026〕3号",
    )

    old.refresh_from_db()
    assert old.valid_to == past - timedelta(days=1)
    assert old.successor_id == mini.community_a.pk
    assert old.path.startswith(mini.community_a.path)
    assert Area.objects.get(pk=grid.pk).path.startswith(mini.community_a.path)
    _assert_paths_consistent()
    # the new community's staff see the old community's records; the sibling still does not
    assert resident.pk in _visible_ids(User, worker_a, "home_area")
    assert post.pk in _visible_ids(Post, worker_a, "area")
    assert resident.pk not in _visible_ids(User, sibling, "home_area")
    assert post.pk not in _visible_ids(Post, sibling, "area")
    # the old community's code is free again, and it is no longer current
    assert not Area.objects.current().filter(pk=old.pk).exists()
    assert change.kind == AreaChangeKind.MERGE
    assert set(change.sources.all()) == {old}
    assert list(change.results.all()) == [mini.community_a]
    assert change in AreaChange.objects.filter(results=mini.community_a)
    assert AuditEntry.objects.filter(action="area.merge", object_id=str(mini.community_a.pk)).count() == 1


def test_merge_two_communities_into_a_new_one(mini: Any, personas: dict[str, Any], past: Any) -> None:
    old, _grid, resident_old, post_old = _old_community_with_records(mini)
    resident_a = make_resident("13900000003", home_area=mini.community_a)
    admin = personas[Role.DISTRICT_ADMIN]
    new = area_create(
        actor=admin,
        name="梅园社区",
        level=AreaLevel.COMMUNITY,
        parent=mini.street_a,
        code="320102002003",
        urban_rural_code="111",
        valid_from=past,
    )
    area_merge(actor=admin, sources=[mini.community_a, old], target=new, effective_on=past)

    worker_new = make_staff("cw_new", Role.COMMUNITY_WORKER, area=new)
    sibling = make_staff("cw_b", Role.COMMUNITY_WORKER, area=mini.community_b)
    for record_id in (resident_a.pk, resident_old.pk):
        assert record_id in _visible_ids(User, worker_new, "home_area")
        assert record_id not in _visible_ids(User, sibling, "home_area")
    assert post_old.pk in _visible_ids(Post, worker_new, "area")
    assert Area.objects.get(pk=mini.grid_a.pk).path.startswith(new.path)
    kinds = [c.kind for c in AreaChange.objects.filter(results=new)]
    assert kinds == [AreaChangeKind.MERGE, AreaChangeKind.CREATE]  # newest first
    _assert_paths_consistent()


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("street_with_community", "sources"),
        ("target_in_sources", "sources"),
        ("before_valid_from", "effective_on"),
        ("already_closed", "sources"),
        ("empty", "sources"),
    ],
)
def test_merge_refuses_bad_input(
    mini: Any, personas: dict[str, Any], past: Any, case: str, field: str
) -> None:
    admin = personas[Role.CITY_ADMIN]
    sources, target, on = [mini.community_b], mini.community_a, past
    if case == "street_with_community":
        sources = [mini.street_b]
    elif case == "target_in_sources":
        sources = [mini.community_a]
    elif case == "before_valid_from":
        on = mini.community_b.valid_from
    elif case == "already_closed":
        Area.objects.filter(pk=mini.community_b.pk).update(valid_to=past - timedelta(days=100))
    elif case == "empty":
        sources = []
    before = list(Area.objects.order_by("pk").values_list("pk", "path", "valid_to", "successor_id"))
    with pytest.raises(ValidationError) as exc:
        area_merge(actor=admin, sources=sources, target=target, effective_on=on)
    assert field in exc.value.message_dict
    assert list(Area.objects.order_by("pk").values_list("pk", "path", "valid_to", "successor_id")) == before
    assert not AreaChange.objects.filter(kind=AreaChangeKind.MERGE).exists()


def test_merge_of_a_source_outside_the_actors_scope_is_not_found(
    mini: Any, personas: dict[str, Any], past: Any
) -> None:
    with pytest.raises(Http404):
        area_merge(
            actor=personas[Role.DISTRICT_ADMIN],
            sources=[mini.community_b],
            target=mini.community_a,
            effective_on=past,
        )
    mini.community_b.refresh_from_db()
    assert mini.community_b.valid_to is None
    assert not AreaChange.objects.exists()


# --------------------------------------------------------------------------- split


def test_split_moves_each_grid_to_its_part(mini: Any, personas: dict[str, Any], past: Any) -> None:
    grid_2 = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    worker_2 = make_staff("g2", Role.GRID_WORKER, area=grid_2)
    change = area_split(
        actor=personas[Role.DISTRICT_ADMIN],
        source=mini.community_a,
        parts=[
            {"name": "大悲巷东社区", "code": "320102002001", "urban_rural_code": "111"},  # keeps the old code
            {"name": "大悲巷西社区", "code": "320102002004", "urban_rural_code": "111"},
        ],
        assignments={mini.grid_a.pk: 0, str(grid_2.pk): 1},
        effective_on=past,
        document="玄政复〔2026〕5号",
    )
    east, west = change.results.order_by("pk")
    assert (east.parent_id, west.parent_id) == (mini.street_a.pk, mini.street_a.pk)
    assert east.valid_from == past
    assert Area.objects.get(pk=mini.grid_a.pk).parent_id == east.pk
    assert Area.objects.get(pk=grid_2.pk).parent_id == west.pk
    mini.community_a.refresh_from_db()
    assert mini.community_a.valid_to == past - timedelta(days=1)
    _assert_paths_consistent()
    head_west = make_staff("head_w", Role.COMMUNITY_HEAD, area=west)
    assert worker_2.posts.get().pk in _visible_ids(Post, head_west, "area")
    assert change.kind == AreaChangeKind.SPLIT
    assert AuditEntry.objects.filter(action="area.split").count() == 1
    assert AuditEntry.objects.filter(action="area.create").count() == 0


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("unassigned_child", "assignments"),
        ("foreign_child", "assignments"),
        ("part_out_of_range", "assignments"),
        ("duplicate_codes", "parts"),
        ("code_clash", "parts"),
        ("one_part", "parts"),
        ("before_valid_from", "effective_on"),
    ],
)
def test_split_refuses_bad_input(
    mini: Any, personas: dict[str, Any], past: Any, case: str, field: str
) -> None:
    grid_2 = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    parts = [{"name": "东社区", "code": "320102002005"}, {"name": "西社区", "code": "320102002006"}]
    assignments: dict[Any, Any] = {mini.grid_a.pk: 0, grid_2.pk: 1}
    on = past
    if case == "unassigned_child":
        del assignments[grid_2.pk]
    elif case == "foreign_child":
        assignments[mini.grid_b.pk] = 0
    elif case == "part_out_of_range":
        assignments[grid_2.pk] = 5
    elif case == "duplicate_codes":
        parts[1]["code"] = parts[0]["code"]
    elif case == "code_clash":
        parts[1]["code"] = "320102002007"
        make_area("另一社区", AreaLevel.COMMUNITY, mini.street_a, code=parts[1]["code"])
    elif case == "one_part":
        parts = parts[:1]
        assignments = {mini.grid_a.pk: 0, grid_2.pk: 0}
    elif case == "before_valid_from":
        on = mini.community_a.valid_from
    areas_before = Area.objects.count()
    with pytest.raises(ValidationError) as exc:
        area_split(
            actor=personas[Role.DISTRICT_ADMIN],
            source=mini.community_a,
            parts=parts,
            assignments=assignments,
            effective_on=on,
        )
    assert field in exc.value.message_dict, exc.value.message_dict
    if case == "unassigned_child":
        assert "大悲巷第二网格" in exc.value.message_dict["assignments"][0]
    assert Area.objects.count() == areas_before
    mini.community_a.refresh_from_db()
    assert mini.community_a.valid_to is None
    assert Area.objects.get(pk=grid_2.pk).parent_id == mini.community_a.pk


# --------------------------------------------------------------------------- rename, abolish


def test_rename_is_recorded_in_history(mini: Any, personas: dict[str, Any], past: Any) -> None:
    change = area_rename(
        actor=personas[Role.DISTRICT_ADMIN], area=mini.community_a, name="大悲巷新社区", effective_on=past
    )
    mini.community_a.refresh_from_db()
    assert mini.community_a.name == "大悲巷新社区"
    assert change.kind == AreaChangeKind.RENAME
    assert change.details == {"from": "大悲巷社区", "to": "大悲巷新社区"}
    assert AuditEntry.objects.filter(action="area.rename").count() == 1
    with pytest.raises(ValidationError) as exc:
        area_rename(actor=personas[Role.DISTRICT_ADMIN], area=mini.community_a, name="  ", effective_on=past)
    assert "name" in exc.value.message_dict


def test_abolish_is_refused_while_children_are_current(
    mini: Any, personas: dict[str, Any], past: Any
) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    with pytest.raises(ValidationError) as exc:
        area_abolish(actor=admin, area=mini.community_a, effective_on=past)
    assert "大悲巷第一网格" in exc.value.message_dict["area"][0]
    change = area_abolish(actor=admin, area=mini.grid_a, effective_on=past)
    assert change.kind == AreaChangeKind.ABOLISH
    change = area_abolish(actor=admin, area=mini.community_a, effective_on=past)
    mini.community_a.refresh_from_db()
    assert mini.community_a.valid_to == past - timedelta(days=1)
    assert not mini.community_a.is_current
    with pytest.raises(ValidationError):
        area_abolish(actor=admin, area=mini.community_a, effective_on=past)


def test_supervision_member_cannot_adjust(mini: Any, personas: dict[str, Any], past: Any) -> None:
    with pytest.raises(PermissionDenied):
        area_rename(
            actor=personas[Role.SUPERVISION_MEMBER], area=mini.community_a, name="x", effective_on=past
        )
