"""The console frame: access, the area switcher, navigation by capability, the to-do list."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shequ.accounts.models import Post
from shequ.accounts.roles import Role
from shequ.console import nav, todo
from shequ.core.middleware import ACTIVE_POST_SESSION_KEY
from shequ.demo.factories import make_staff

pytestmark = pytest.mark.django_db

HOME = "/console/"
SWITCH = "/console/switch-post/"


def _options(html: str) -> list[str]:
    """The labels of ``#area-switcher``'s options, in order."""
    import re

    select = re.search(r'<select id="area-switcher"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, "no area switcher on the page"
    return [
        re.sub(r"\s+", " ", label).strip()
        for label in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)
    ]


def _scope_label(html: str) -> str:
    import re

    match = re.search(r'<strong id="scope-label">(.*?)</strong>', html, re.S)
    assert match is not None
    return match.group(1).strip()


@pytest.fixture
def two_post_worker(mini: Any) -> Any:
    """A community worker serving 大悲巷社区 and 东湖村 (both on side A)."""
    user = make_staff("two_posts", Role.COMMUNITY_WORKER, area=mini.community_a, display_name="双岗社工")
    Post.objects.create(user=user, role=Role.COMMUNITY_WORKER, area=mini.village_a)
    return user


# ------------------------------------------------------------------ who gets in


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "next=/console/" in response.url


def test_resident_is_sent_to_portal(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas["resident"])
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_staff_sees_frame_and_empty_todo_list(client: Any, personas: dict[str, Any]) -> None:
    user = personas[Role.GRID_WORKER]
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "社区综合服务管理平台" in html or response.context["deployment_name"] in html
    assert str(user) in html
    assert "暂无待办事项" in html
    assert _options(html) == ["网格员 · 大悲巷第一网格"]
    assert _scope_label(html) == "大悲巷第一网格"
    # Logout is a POST form, never a link.
    assert f'<form method="post" action="{reverse("accounts:logout")}"' in html


# ------------------------------------------------------------------ area switcher


def test_switcher_lists_exactly_own_posts_with_all_option(
    client: Any, mini: Any, two_post_worker: Any
) -> None:
    client.force_login(two_post_worker)
    html = client.get(HOME).content.decode()
    assert _options(html) == ["全部岗位", "社区工作者 · 大悲巷社区", "社区工作者 · 东湖村"]
    assert "钓鱼台" not in html
    assert _scope_label(html) == "大悲巷社区、东湖村"


def test_switch_to_own_post_changes_scope_label(client: Any, mini: Any, two_post_worker: Any) -> None:
    client.force_login(two_post_worker)
    village_post = Post.objects.get(user=two_post_worker, area=mini.village_a)
    response = client.post(SWITCH, {"post": village_post.pk, "next": HOME})
    assert response.status_code == 302
    assert response.url == HOME
    assert client.session[ACTIVE_POST_SESSION_KEY] == village_post.pk
    html = client.get(HOME).content.decode()
    assert _scope_label(html) == "东湖村"
    assert f'<option value="{village_post.pk}" selected>' in html
    # Back to all posts.
    client.post(SWITCH, {"post": ""})
    assert ACTIVE_POST_SESSION_KEY not in client.session
    assert _scope_label(client.get(HOME).content.decode()) == "大悲巷社区、东湖村"


def test_switch_to_someone_elses_post_is_404(client: Any, mini: Any, two_post_worker: Any) -> None:
    other = make_staff("sibling", Role.COMMUNITY_WORKER, area=mini.community_b)
    foreign_post = other.posts.get()
    client.force_login(two_post_worker)
    before = client.get(HOME).content.decode()
    assert client.post(SWITCH, {"post": foreign_post.pk}).status_code == 404
    assert client.post(SWITCH, {"post": "not-a-number"}).status_code == 404
    assert client.post(SWITCH, {"post": 10**9}).status_code == 404
    assert ACTIVE_POST_SESSION_KEY not in client.session
    assert _scope_label(client.get(HOME).content.decode()) == _scope_label(before)


def test_switch_to_an_ended_post_is_404(client: Any, mini: Any, two_post_worker: Any) -> None:
    ended = Post.objects.create(
        user=two_post_worker,
        role=Role.COMMUNITY_HEAD,
        area=mini.community_a,
        valid_to=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(two_post_worker)
    assert client.post(SWITCH, {"post": ended.pk}).status_code == 404
    assert "社区书记/主任" not in "".join(_options(client.get(HOME).content.decode()))


def test_switch_needs_post_method_and_login(client: Any, two_post_worker: Any) -> None:
    assert client.post(SWITCH, {"post": ""}).status_code == 302  # anonymous → login
    client.force_login(two_post_worker)
    assert client.get(SWITCH).status_code == 405


def test_switch_ignores_offsite_next(client: Any, mini: Any, two_post_worker: Any) -> None:
    client.force_login(two_post_worker)
    post = two_post_worker.posts.first()
    response = client.post(SWITCH, {"post": post.pk, "next": "https://evil.example/"})
    assert response.url == HOME


# ------------------------------------------------------------------ navigation by capability


ALL_STAFF = {
    "home",
    "areas",
    "users",
    "rules",
    "calendar",
    "portal",
    "appeal_categories",
    "appeal_queue",
    "appeal_rates",
    "commons_spaces",
    "commons_usage",
}
REGISTRY = {
    "registry",
    "registry_staffing",
    "registry_persons",
    "registry_buildings",
    "registry_courtyards",
    "registry_villages",
    "registry_places",
    "registry_imports",
}
GRID_WORK_LISTS = {"gridwork_visits", "gridwork_checks", "gridwork_findings", "gridwork_patrols"}
AREA_STAFF = ALL_STAFF | REGISTRY | GRID_WORK_LISTS | {"commons_aid"}
ONE_WINDOW_READ = {"onewindow_queue", "onewindow_reports"}
ONE_WINDOW = ONE_WINDOW_READ | {"onewindow_window", "onewindow_certificates"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.GRID_WORKER, AREA_STAFF | {"gridwork_day", "appeal_report"}),
        (Role.COMMUNITY_WORKER, AREA_STAFF | ONE_WINDOW | {"appeal_hotline"}),
        (Role.COMMUNITY_HEAD, AREA_STAFF | ONE_WINDOW | {"audit", "appeal_hotline"}),
        (Role.DEPARTMENT_HANDLER, ALL_STAFF | ONE_WINDOW_READ),
        (Role.DISTRICT_ADMIN, AREA_STAFF | ONE_WINDOW | {"audit", "appeal_hotline"}),
        (Role.CITY_ADMIN, AREA_STAFF | ONE_WINDOW | {"audit", "appeal_hotline"}),
        (
            Role.SYSTEM_ADMIN,
            AREA_STAFF | ONE_WINDOW | {"audit", "django_admin", "appeal_hotline", "appeal_report"},
        ),
    ],
)
def test_navigation_follows_capabilities(
    role: str, expected: set[str], personas: dict[str, Any], monkeypatch: Any
) -> None:
    # Pretend every page exists so that only the capability decides.
    monkeypatch.setattr(nav.NavEntry, "url", lambda self: f"/x/{self.key}/")
    assert set(nav.keys(nav.navigation_for(personas[role], "/x/home/"))) == expected


def test_entry_requirements_permission_and_roles(personas: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr(nav.NavEntry, "url", lambda self: f"/x/{self.key}/")
    nav.register(nav.NavEntry("rules_edit", "修改规则", ("x",), "政策规则", permission="core.manage_rules"))
    nav.register(
        nav.NavEntry("street_only", "街道事项", ("x",), "工作台", roles=frozenset({Role.STREET_STAFF}))
    )
    try:

        def keys(role: str) -> set[str]:
            return set(nav.keys(nav.navigation_for(personas[role], "/")))

        assert "rules_edit" in keys(Role.DISTRICT_ADMIN)
        assert "rules_edit" not in keys(Role.STREET_STAFF)
        assert "street_only" in keys(Role.STREET_STAFF)
        assert "street_only" not in keys(Role.COMMUNITY_HEAD)
        superuser = make_staff("root", None, is_superuser=True)
        assert {"rules_edit", "street_only"} <= set(nav.keys(nav.navigation_for(superuser, "/")))
    finally:
        nav.unregister("rules_edit")
        nav.unregister("street_only")


def test_groups_in_display_order(personas: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr(nav.NavEntry, "url", lambda self: f"/x/{self.key}/")
    groups = [g.key for g in nav.navigation_for(personas[Role.SYSTEM_ADMIN], "/")]
    assert groups == [
        "工作台",
        "区域与网格",
        "人员与账户",
        "网格工作",
        "诉求办理",
        "公共服务",
        "政策规则",
        "工作日历",
        "审计日志",
        "系统管理",
    ]


def test_navigation_skips_pages_that_do_not_reverse(personas: dict[str, Any]) -> None:
    nav.register(nav.NavEntry("nowhere", "不存在", ("no_such_app:list",), "工作台"))
    try:
        keys = nav.keys(nav.navigation_for(personas[Role.CITY_ADMIN], "/console/"))
    finally:
        nav.unregister("nowhere")
    assert "nowhere" not in keys
    assert "home" in keys


def test_navigation_marks_current_page(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    html = client.get(HOME).content.decode()
    assert 'data-nav="home" aria-current="page"' in html


def test_navigation_is_empty_for_residents_and_visitors(personas: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert nav.navigation_for(personas["resident"]) == []
    assert nav.navigation_for(AnonymousUser()) == []


# ------------------------------------------------------------------ to-do list


def _provider(*items: todo.TodoItem) -> todo.Provider:
    def provide(user: Any) -> list[todo.TodoItem]:
        return list(items)

    return provide


def test_todo_items_sorted_by_due(client: Any, personas: dict[str, Any]) -> None:
    today = timezone.localdate()
    later = todo.TodoItem(title="复核走访记录", url="/a/", due=today + timedelta(days=5))
    overdue = todo.TodoItem(
        title="逾期诉求", url="/b/", due=today - timedelta(days=1), urgency=todo.Urgency.OVERDUE
    )
    undated = todo.TodoItem(title="阅读通知", url="/c/")
    soon = todo.TodoItem(
        title="今日到期",
        url="/d/",
        due=timezone.make_aware(datetime.combine(today, datetime.min.time())) + timedelta(hours=17),
        urgency=todo.Urgency.SOON,
    )
    with todo.registered(_provider(later, undated), _provider(soon, overdue)):
        client.force_login(personas[Role.COMMUNITY_WORKER])
        html = client.get(HOME).content.decode()
    positions = [html.index(t) for t in ("逾期诉求", "今日到期", "复核走访记录", "阅读通知")]
    assert positions == sorted(positions)
    assert "暂无待办事项" not in html
    assert "已逾期" in html
    assert "即将到期" in html
    assert (today - timedelta(days=1)).strftime("%Y-%m-%d") in html


def test_failing_provider_does_not_break_home(client: Any, personas: dict[str, Any]) -> None:
    def broken(user: Any) -> list[todo.TodoItem]:
        raise RuntimeError("module down")

    with todo.registered(
        broken, _provider(todo.TodoItem(title="正常待办", url="/ok/", due=date(2030, 1, 1)))
    ):
        client.force_login(personas[Role.COMMUNITY_WORKER])
        response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "正常待办" in html
    assert "部分待办暂时无法加载" in html


def test_register_is_idempotent_and_registered_restores() -> None:
    provider = _provider()
    before = todo.providers()
    with todo.registered(provider, provider):
        assert todo.providers().count(provider) == 1
    assert todo.providers() == before


# ------------------------------------------------------------------ queries


def _home_queries(client: Any, user: Any) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(ctx)


def test_home_query_count_bounded_with_many_posts_and_providers(
    client: Any, mini: Any, django_assert_max_num_queries: Any
) -> None:
    from shequ.core.models import Area

    def counting_provider(user: Any) -> list[todo.TodoItem]:
        # One query per provider, whatever the number of items.
        names = list(Area.objects.filter(level="grid").values_list("name", flat=True))
        return [todo.TodoItem(title=f"巡查 {n}", url="/p/", due=date(2030, 1, 1)) for n in names]

    few = make_staff("two_posts_only", Role.COMMUNITY_WORKER, area=mini.community_a)
    Post.objects.create(user=few, role=Role.DEPARTMENT_HANDLER, organisation=mini.dept_b)
    many = make_staff("many_posts", Role.COMMUNITY_WORKER, area=mini.community_a)
    for area in (mini.village_a, mini.grid_a, mini.street_a):
        Post.objects.create(user=many, role=Role.COMMUNITY_WORKER, area=area)
    Post.objects.create(user=many, role=Role.DEPARTMENT_HANDLER, organisation=mini.dept_a)
    Post.objects.create(user=many, role=Role.PROVIDER_STAFF, organisation=mini.provider_a)

    with todo.registered(counting_provider, _provider(todo.TodoItem(title="x", url="/x/"))):
        baseline = _home_queries(client, few)
        client.logout()
        client.force_login(many)
        with django_assert_max_num_queries(12):
            client.get(HOME)
        client.logout()
        many_count = _home_queries(client, many)
    # Six posts cost no more queries than two (no query per post, organisation or nav entry).
    assert many_count == baseline


def test_switcher_labels_are_the_posts_themselves(client: Any, personas: dict[str, Any]) -> None:
    for role in (Role.DEPARTMENT_HANDLER, Role.PROVIDER_STAFF, Role.SYSTEM_ADMIN, Role.CITY_ADMIN):
        user = personas[role]
        client.force_login(user)
        html = client.get(HOME).content.decode()
        assert _options(html) == [str(p) for p in user.active_posts()]
        client.logout()


def test_only_the_best_matching_entry_is_current(personas: dict[str, Any], monkeypatch: Any) -> None:
    urls = {"home": "/console/", "portal": "/", "rules": "/console/rules/", "audit": "/console/audit/"}
    monkeypatch.setattr(nav.NavEntry, "url", lambda self: urls.get(self.key))
    user = personas[Role.CITY_ADMIN]

    def current(path: str) -> list[str]:
        return [link.key for group in nav.navigation_for(user, path) for link in group.links if link.current]

    assert current("/console/") == ["home"]
    assert current("/console/rules/12/edit/") == ["rules"]
    assert current("/") == ["portal"]
    assert current("/console/unknown/") == []
