"""Who reaches what in the commons.

Spaces and bookings follow the kernel's scope (area posts, and the areas an organisation
serves, so a social organisation's staff can book there); managing a space needs a
writable area post over it or a post in the organisation that provides it.  Mutual-aid
posts are residents' own words: only staff on *area* posts read them.  Residents reach the
spaces of their own community and of the areas above it (a street's sports hall), and the
mutual-aid posts of their own community.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from shequ.accounts.roles import ORGANISATION_ROLES, READ_ONLY_ROLES
from shequ.core.access import area_q, can_write, scope_of, subtree_q
from shequ.core.models import Area


def is_resident(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "resident")


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "staff")


def ancestor_paths(area: Area | None) -> list[str]:
    """The paths of ``area`` and of every area above it (``/1/``, ``/1/5/``, …)."""
    if area is None:
        return []
    parts = [p for p in area.path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def resident_space_q(user: Any, field: str = "area") -> Q:
    """Spaces a resident may see: owned by their community or an area above it."""
    if not is_resident(user) or user.home_area_id is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__in": ancestor_paths(user.home_area)})


def staff_space_q(user: Any, field: str = "area", org_field: str = "organisation") -> Q:
    if not is_staff(user):
        return Q(pk__in=[])
    scope = scope_of(user)
    if scope.everything:
        return Q()
    q = area_q(user, field)
    if scope.organisation_ids:
        q |= Q(**{f"{org_field}__in": scope.organisation_ids})
    return q


def manages_space(user: Any, space: Any) -> bool:
    """May change the space and decide on its bookings."""
    if not is_staff(user):
        return False
    if can_write(user, space.area):
        return True
    if space.organisation_id is None:
        return False
    return any(
        p.organisation_id == space.organisation_id and p.role not in READ_ONLY_ROLES
        for p in user.current_posts()
    )


def _area_paths(user: Any, *, write: bool) -> list[str] | None:
    """Paths of the user's area posts (None: everything); organisation posts do not count."""
    if not is_staff(user):
        return []
    if scope_of(user).everything:
        return None
    paths = []
    for post in user.current_posts():
        if post.area is None or post.role in ORGANISATION_ROLES:
            continue
        if write and post.role in READ_ONLY_ROLES:
            continue
        paths.append(post.area.path)
    return sorted(set(paths))


def staff_aid_q(user: Any, field: str = "area", *, write: bool = False) -> Q:
    paths = _area_paths(user, write=write)
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q(path, field)
    return q


def moderates_area(user: Any, area: Area) -> bool:
    paths = _area_paths(user, write=True)
    return paths is None or any(area.path.startswith(p) for p in paths)
