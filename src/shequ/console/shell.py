"""What the console frame shows around every page: posts, scope, navigation.

Built by the ``{% console_shell %}`` tag in ``console/base.html``, so that any view whose
template extends the console base gets the frame without passing anything itself.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from shequ.core.access import scope_of

from .nav import NavGroup, navigation_for


def reverse_or_none(*names: str) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def scope_label(user: Any) -> str:
    """A short label for the areas the user currently acts in, e.g. “大悲巷社区、东湖村”."""
    if user is None or not user.is_authenticated:
        return ""
    scope = scope_of(user)
    if scope.everything:
        return _("全平台")
    labels: list[str] = []
    for post in user.current_posts():
        label = post.scope_label
        if label not in labels:
            labels.append(label)
    return "、".join(labels) if labels else _("未分配岗位")


class ConsoleShell:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.user: Any = request.user

    @cached_property
    def posts(self) -> list[Any]:
        if not self.user.is_authenticated or getattr(self.user, "kind", "") != "staff":
            return []
        return list(self.user.active_posts())

    @property
    def active_post(self) -> Any:
        return getattr(self.user, "active_post", None)

    @property
    def active_post_id(self) -> int | None:
        post = self.active_post
        return post.pk if post is not None else None

    @property
    def show_all_option(self) -> bool:
        return len(self.posts) > 1

    @cached_property
    def scope_label(self) -> str:
        return scope_label(self.user)

    @cached_property
    def nav(self) -> list[NavGroup]:
        return navigation_for(self.user, self.request.path)

    @cached_property
    def logout_url(self) -> str | None:
        return reverse_or_none("accounts:logout")

    @cached_property
    def switch_url(self) -> str:
        return reverse("console:switch_post")
