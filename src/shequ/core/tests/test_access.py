"""Access by area: every role covers exactly its areas; posts, switching and closing; 404 elsewhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shequ.accounts.models import Post, User
from shequ.accounts.roles import Role
from shequ.core.access import (
    area_q,
    areas_visible_to,
    can_write,
    get_or_404,
    require_area,
    scope,
    scope_of,
    top_areas,
)
from shequ.core.area_changes import _reparent
from shequ.core.areas import set_path
from shequ.core.middleware import ACTIVE_POST_SESSION_KEY
from shequ.core.models import Area, AreaLevel
from shequ.demo.factories import PERSONA_PLACES, make_area, make_resident, make_staff
from tests.access_registry import make_jiangbei

pytestmark = pytest.mark.django_db


def _descendants_by_walking(root_ids: set[int]) -> set[int]:
    """Every area whose chain of managing parents reaches one of ``root_ids`` (itself included)."""
    parents = dict(Area.objects.values_list("pk", "parent_id"))
    found: set[int] = set()
    for pk in parents:
        node: int | None = pk
        while node is not None:
            if node in root_ids:
                found.add(pk)
                break
            node = parents[node]
    return found


def _visible(user: Any) -> set[int]:
    return set(areas_visible_to(user).values_list("pk", flat=True))


def _place_ids(mini: Any, role: str) -> set[int]:
    place = getattr(mini, PERSONA_PLACES[role][0])
    if isinstance(place, Area):
        return {place.pk}
    return set(place.served_areas.values_list("pk", flat=True))


@pytest.mark.parametrize("role", list(PERSONA_PLACES))
def test_each_role_covers_exactly_its_subtree(mini: Any, personas: dict[str, Any], role: str) -> None:
    make_jiangbei(mini)  # more areas that nobody on side A should see (except city-wide roles)
    expected = _descendants_by_walking(_place_ids(mini, role))
    assert _visible(personas[role]) == expected
    assert expected  # every staff persona covers something


def test_expected_sets_in_words(mini: Any, personas: dict[str, Any]) -> None:
    """The same facts spelled out for the mini city, so a wrong helper cannot hide a wrong rule."""
    m = mini
    assert _visible(personas[Role.GRID_WORKER]) == {m.grid_a.pk}
    assert _visible(personas[Role.COMMUNITY_WORKER]) == {m.community_a.pk, m.grid_a.pk}
    assert _visible(personas[Role.STREET_STAFF]) == {
        m.street_a.pk,
        m.community_a.pk,
        m.village_a.pk,
        m.grid_a.pk,
    }
    assert _visible(personas[Role.DISTRICT_ADMIN]) == {
        m.district_a.pk,
        m.street_a.pk,
        m.community_a.pk,
        m.village_a.pk,
        m.grid_a.pk,
    }
    # a department sees the areas its organisation serves (玄武区城市管理局 serves 玄武区)
    assert _visible(personas[Role.DEPARTMENT_HANDLER]) == _visible(personas[Role.DISTRICT_ADMIN])
    assert _visible(personas[Role.PROVIDER_STAFF]) == _visible(personas[Role.STREET_STAFF])
    assert _visible(personas[Role.CITY_ADMIN]) == set(Area.objects.values_list("pk", flat=True))
    assert _visible(personas[Role.SYSTEM_ADMIN]) == set(Area.objects.values_list("pk", flat=True))
    assert scope_of(personas[Role.SYSTEM_ADMIN]).everything
    assert _visible(personas["resident"]) == set()
    assert scope_of(personas["resident"]).empty


def test_system_admin_sees_areas_outside_the_city(mini: Any, personas: dict[str, Any]) -> None:
    other = make_area("苏州市", AreaLevel.CITY, None, code="320500")
    assert other.pk in _visible(personas[Role.SYSTEM_ADMIN])
    assert other.pk not in _visible(personas[Role.CITY_ADMIN])


def test_jiangbei_admin_sees_managed_streets_not_pukous_own(mini: Any) -> None:
    jb = make_jiangbei(mini)
    zone_admin = make_staff("jb_admin", Role.DISTRICT_ADMIN, area=jb.zone)
    pukou_admin = make_staff("pk_admin", Role.DISTRICT_ADMIN, area=jb.pukou)
    zone_sees, pukou_sees = _visible(zone_admin), _visible(pukou_admin)
    managed = {
        jb.managed_street_pukou.pk,
        jb.managed_street_liuhe.pk,
        jb.managed_community.pk,
        jb.managed_grid.pk,
    }
    assert managed <= zone_sees
    assert jb.pukou_own_street.pk not in zone_sees
    assert jb.pukou_community.pk not in zone_sees
    assert jb.pukou.pk not in zone_sees
    # 浦口区 is the statistical parent of 泰山街道, but scoping follows management
    assert jb.managed_street_pukou.stat_parent_id == jb.pukou.pk
    assert not managed & pukou_sees
    assert {jb.pukou.pk, jb.pukou_own_street.pk, jb.pukou_community.pk} <= pukou_sees
    with pytest.raises(Http404):
        require_area(pukou_admin, jb.managed_street_pukou.pk)
    assert require_area(zone_admin, jb.managed_street_pukou.pk) == jb.managed_street_pukou


def test_supervision_member_reads_but_cannot_write(mini: Any, personas: dict[str, Any]) -> None:
    member = personas[Role.SUPERVISION_MEMBER]
    assert _visible(member) == {mini.community_a.pk, mini.grid_a.pk}
    assert not can_write(member, mini.community_a)
    assert not can_write(member, mini.grid_a)
    assert scope(Area.objects.all(), member, field="", write=True).count() == 0
    with pytest.raises(Http404):
        require_area(member, mini.community_a.pk, write=True)
    assert can_write(personas[Role.COMMUNITY_WORKER], mini.community_a)
    assert not can_write(personas[Role.COMMUNITY_WORKER], mini.community_b)
    assert not can_write(personas[Role.COMMUNITY_WORKER], None)


def test_department_handler_cannot_write_served_areas(mini: Any, personas: dict[str, Any]) -> None:
    handler = personas[Role.DEPARTMENT_HANDLER]
    assert scope_of(handler).organisation_ids == (mini.dept_a.pk,)
    assert not can_write(handler, mini.community_a)


def test_resident_covers_no_area(mini: Any, personas: dict[str, Any]) -> None:
    resident = personas["resident"]
    assert scope_of(resident).resident_id == resident.pk
    assert not can_write(resident, mini.community_a)
    with pytest.raises(Http404):
        require_area(resident, mini.community_a.pk)
    assert list(top_areas(resident)) == []


def test_anonymous_covers_nothing(mini: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert scope_of(AnonymousUser()).empty
    assert scope_of(None).empty
    assert Area.objects.filter(area_q(AnonymousUser(), field="")).count() == 0


def test_switching_the_active_post_narrows_the_scope(mini: Any) -> None:
    user = make_staff("two_posts", Role.COMMUNITY_WORKER, area=mini.community_a)
    second = Post.objects.create(user=user, role=Role.STREET_STAFF, area=mini.street_b)
    user = User.objects.get(pk=user.pk)
    both = _visible(user)
    assert {mini.community_a.pk, mini.street_b.pk, mini.community_b.pk} <= both
    first = user.posts.get(role=Role.COMMUNITY_WORKER)
    user.active_post = first  # type: ignore[attr-defined]
    assert _visible(user) == {mini.community_a.pk, mini.grid_a.pk}
    user.active_post = second  # type: ignore[attr-defined]
    assert _visible(user) == {mini.street_b.pk, mini.community_b.pk, mini.grid_b.pk}
    assert top_areas(user).get() == mini.street_b


def test_switching_post_over_http(client: Any, mini: Any) -> None:
    user = make_staff("two_posts", Role.COMMUNITY_WORKER, area=mini.community_a)
    second = Post.objects.create(user=user, role=Role.STREET_STAFF, area=mini.street_b)
    client.force_login(user)
    ids = {a["id"] for a in client.get("/api/v1/areas?limit=500").json()["items"]}
    assert {mini.community_a.pk, mini.community_b.pk} <= ids
    session = client.session
    session[ACTIVE_POST_SESSION_KEY] = second.pk
    session.save()
    ids = {a["id"] for a in client.get("/api/v1/areas?limit=500").json()["items"]}
    assert ids == {mini.street_b.pk, mini.community_b.pk, mini.grid_b.pk}
    assert client.get(f"/api/v1/areas/{mini.community_a.pk}").status_code == 404


@pytest.mark.parametrize("how", ["ended", "inactive", "not_started"])
def test_closed_posts_grant_nothing(mini: Any, how: str) -> None:
    today = timezone.localdate()
    user = make_staff("former", None)
    post = Post(user=user, role=Role.STREET_STAFF, area=mini.street_a)
    if how == "ended":
        post.valid_to = today - timedelta(days=1)
    elif how == "inactive":
        post.is_active = False
    else:
        post.valid_from = today + timedelta(days=1)
    post.save()
    user = User.objects.get(pk=user.pk)
    assert _visible(user) == set()
    assert not can_write(user, mini.street_a)
    # a post that ends today still counts today
    Post.objects.filter(pk=post.pk).update(valid_to=today, is_active=True, valid_from=today)
    user = User.objects.get(pk=user.pk)
    assert mini.street_a.pk in _visible(user)


def test_superuser_without_posts_sees_everything_but_with_a_post_only_that(mini: Any) -> None:
    root = make_staff("root", None, is_superuser=True)
    assert scope_of(root).everything
    root = make_staff("root2", Role.COMMUNITY_WORKER, area=mini.community_b, is_superuser=True)
    assert _visible(root) == {mini.community_b.pk, mini.grid_b.pk}


def test_get_or_404_answers_404_for_other_areas(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.COMMUNITY_WORKER]
    qs = scope(Area.objects.all(), worker, field="")
    assert get_or_404(qs, pk=mini.community_a.pk) == mini.community_a
    for bad in (mini.community_b.pk, mini.street_a.pk, 10**9, 2**70, "abc", None):
        with pytest.raises(Http404):
            get_or_404(qs, pk=bad)
    resident = make_resident("13900000009", home_area=mini.community_b)
    users = scope(User.objects.all(), worker, field="home_area")
    with pytest.raises(Http404):
        get_or_404(users, pk=resident.pk)


def test_api_detail_is_404_outside_scope(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    assert client.get(f"/api/v1/areas/{mini.grid_a.pk}").status_code == 200
    for other in (mini.grid_b, mini.community_a, mini.city):
        response = client.get(f"/api/v1/areas/{other.pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "not found"}


# --------------------------------------------------------------------------- random trees


def _build_tree(parents: list[int], tag: str) -> list[Area]:
    nodes: list[Area] = []
    for index, parent_index in enumerate(parents):
        parent = nodes[parent_index] if index else None
        area = Area.objects.create(name=f"{tag}-{index}", level=AreaLevel.GRID, parent=parent)
        set_path(area)
        area.save(update_fields=["path", "depth"])
        nodes.append(area)
    return nodes


tree_shapes = st.integers(min_value=1, max_value=14).flatmap(
    lambda n: st.tuples(*[st.just(0)] + [st.integers(min_value=0, max_value=i - 1) for i in range(1, n)])
)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=tree_shapes, data=st.data())
def test_subtree_query_equals_descendants_by_walking_parents(
    db: Any, shape: tuple[int, ...], data: Any
) -> None:
    tag = f"t{Area.objects.count()}"
    nodes = _build_tree(list(shape), tag)
    ids = {n.pk for n in nodes}
    # a few random moves (never under the node's own subtree) must keep every path right
    for _ in range(data.draw(st.integers(min_value=0, max_value=3), label="moves")):
        if len(nodes) < 3:
            break
        mover = data.draw(st.sampled_from(nodes[1:]), label="mover")
        mover.refresh_from_db()
        candidates = [n for n in nodes if not Area.objects.get(pk=n.pk).path.startswith(mover.path)]
        if not candidates:
            continue
        target = data.draw(st.sampled_from(candidates), label="target")
        target.refresh_from_db()
        _reparent(mover, target)
    parents = dict(Area.objects.filter(pk__in=ids).values_list("pk", "parent_id"))
    for node in nodes:
        node.refresh_from_db()
        walked = set()
        for pk in ids:
            cursor: int | None = pk
            while cursor is not None:
                if cursor == node.pk:
                    walked.add(pk)
                    break
                cursor = parents[cursor]
        assert set(Area.objects.subtree_of(node).values_list("pk", flat=True)) == walked
        depth = 0
        cursor = parents[node.pk]
        while cursor is not None:
            depth += 1
            cursor = parents[cursor]
        assert node.depth == depth
        # and the scope of a post on that node is the same set
        user = make_staff(f"{tag}-u{node.pk}", Role.STREET_STAFF, area=node)
        assert _visible(user) == walked
