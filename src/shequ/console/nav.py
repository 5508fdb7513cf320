"""The console's left navigation, by capability.

Each module adds its pages with :func:`register`.  An entry is shown to a user only when
the user has what it requires (a permission, or a post in one of a set of roles) *and* one
of its URL names reverses, so a module that is not installed simply does not appear.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shequ.core.access import SYSTEM_ADMIN_ROLE

#: Groups in the order the navigation shows them; unknown groups follow in registration order.
GROUP_ORDER: list[str] = [
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
GROUP_LABELS: dict[str, Promise] = {
    "工作台": _("工作台"),
    "区域与网格": _("区域与网格"),
    "人员与账户": _("人员与账户"),
    "网格工作": _("网格工作"),
    "诉求办理": _("诉求办理"),
    "公共服务": _("公共服务"),
    "政策规则": _("政策规则"),
    "工作日历": _("工作日历"),
    "审计日志": _("审计日志"),
    "系统管理": _("系统管理"),
}


@dataclass(frozen=True)
class NavEntry:
    """One link. ``url_names`` are tried in order; the first that reverses without arguments wins."""

    key: str
    label: str | Promise
    url_names: tuple[str, ...]
    group: str
    permission: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100

    def allowed(self, user: Any, roles: set[str]) -> bool:
        if self.permission and not user.has_perm(self.permission):
            return False
        return not self.roles or bool(user.is_superuser or (roles & self.roles))

    def url(self) -> str | None:
        for name in self.url_names:
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return None


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str | Promise
    url: str
    current: bool


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    links: tuple[NavLink, ...]


_registry: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> NavEntry:
    """Add (or replace, by key) a navigation entry."""
    _registry[entry.key] = entry
    return entry


def unregister(key: str) -> None:
    _registry.pop(key, None)


def entries() -> list[NavEntry]:
    return list(_registry.values())


# The list pages of areas, accounts, rules and the calendar are open to all staff (scoped to
# their areas; changing things needs the matching permission); the audit log needs
# ``core.view_audit``; Django's admin is for system administrators.
for _entry in (
    NavEntry("home", _("首页"), ("console:home",), "工作台", order=0),
    NavEntry("areas", _("区域树"), ("areas:list", "areas:tree", "areas:index"), "区域与网格"),
    NavEntry("users", _("账户与岗位"), ("users:list", "users:index"), "人员与账户"),
    NavEntry("rules", _("规则与参数"), ("rules:list", "rules:index"), "政策规则"),
    NavEntry("calendar", _("节假日与调休"), ("calendar:year", "calendar:list", "calendar:index"), "工作日历"),
    NavEntry("audit", _("操作记录"), ("audit:list", "audit:index"), "审计日志", permission="core.view_audit"),
    NavEntry("portal", _("居民门户"), ("portal:home",), "工作台", order=90),
    NavEntry(
        "django_admin", _("系统后台"), ("admin:index",), "系统管理", roles=frozenset({SYSTEM_ADMIN_ROLE})
    ),
):
    register(_entry)


def _matches(url: str, path: str, exact_only: set[str]) -> bool:
    if path == url:
        return True
    if url in exact_only or url == "/":
        return False
    return path.startswith(url if url.endswith("/") else url + "/")


def navigation_for(user: Any, path: str = "") -> list[NavGroup]:
    """The groups of links ``user`` may follow, in display order (no queries beyond the user's posts)."""
    if user is None or not user.is_authenticated or getattr(user, "kind", "staff") != "staff":
        return []
    roles = {p.role for p in user.current_posts()}
    home_url = _registry["home"].url() if "home" in _registry else None
    found: list[tuple[NavEntry, str]] = []
    for entry in _registry.values():
        if not entry.allowed(user, roles):
            continue
        url = entry.url()
        if url is not None:
            found.append((entry, url))
    # The current page is the entry with the longest URL that the path falls under.
    matching = [url for _entry, url in found if _matches(url, path, {home_url} if home_url else set())]
    current = max(matching, key=len) if matching else None
    grouped: dict[str, list[tuple[int, NavLink]]] = {}
    for entry, url in found:
        link = NavLink(entry.key, entry.label, url, url == current)
        grouped.setdefault(entry.group, []).append((entry.order, link))
    return [
        NavGroup(
            key,
            GROUP_LABELS.get(key, key),
            tuple(link for _order, link in sorted(links, key=lambda pair: pair[0])),
        )
        for key, links in sorted(grouped.items(), key=lambda kv: _group_rank(kv[0]))
    ]


def _group_rank(key: str) -> int:
    return GROUP_ORDER.index(key) if key in GROUP_ORDER else len(GROUP_ORDER)


def keys(groups: Iterable[NavGroup]) -> list[str]:
    """The entry keys of a navigation, flat (used by tests and the home page)."""
    return [link.key for group in groups for link in group.links]
