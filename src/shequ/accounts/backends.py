"""Permissions that come with a post's role, on top of Django's per-user permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend


class RolePermissionBackend(BaseBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or getattr(user_obj, "kind", "") != "staff":
            return set()
        return set(user_obj.role_permissions())

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
