"""Who reaches the registry: staff on area posts, over the areas of those posts.

The kernel's :func:`shequ.core.access.scope` also covers the areas an organisation serves
(a department sees the cases dispatched to it there); the population registry is not
theirs to browse, so here only *area* posts count.  Writing needs a writable post
(the supervision committee only reads).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from shequ.accounts.roles import ORGANISATION_ROLES, READ_ONLY_ROLES, Role
from shequ.core.access import scope_of, subtree_q
from shequ.core.models import Area

#: Roles whose posts reach the registry (organisation posts do not).
REGISTRY_ROLES = frozenset(r for r in Role.values if r not in ORGANISATION_ROLES)

SENSITIVE_TAG_PERMISSION = "core.reveal_sensitive_pii"


def _paths(user: Any, *, write: bool) -> list[str] | None:
    """Area paths the user reaches (``None``: everything); empty for residents and anonymous."""
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or getattr(user, "kind", "staff") != "staff"
    ):
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


def registry_q(user: Any, field: str = "grid", *, write: bool = False) -> Q:
    """Rows whose ``field`` (an Area foreign key) lies in the areas ``user`` reaches."""
    paths = _paths(user, write=write)
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q(path, field)
    return q


def reaches(user: Any, area: Area | None, *, write: bool = False) -> bool:
    if area is None:
        return False
    paths = _paths(user, write=write)
    return paths is None or any(area.path.startswith(p) for p in paths)


def sees_sensitive_tags(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(SENSITIVE_TAG_PERMISSION))
