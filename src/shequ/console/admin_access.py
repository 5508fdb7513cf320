"""Django's admin is a system administrator's tool, not a second console.

``restrict_admin_site(admin.site)`` lets in only active superusers and users who hold a
current ``system_admin`` post.  The admin's own login page no longer takes passwords (the
platform's login has the throttling and the second factor): it says who may use the admin
and links to the platform's login.  Both changes are read at request time, so the function
may be called before or after the admin's URLs are built.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shequ.core.access import SYSTEM_ADMIN_ROLE


def is_system_admin(user: Any) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if getattr(user, "kind", "") != "staff":
        return False
    return any(post.role == SYSTEM_ADMIN_ROLE for post in user.active_posts())


class PlatformLoginOnlyForm(AdminAuthenticationForm):
    """Refuses every password typed into the admin's login page."""

    def clean(self) -> dict[str, Any]:
        raise ValidationError(_("请通过平台登录页登录。"), code="use_platform_login")


def restrict_admin_site(site: AdminSite) -> AdminSite:
    def has_permission(request: HttpRequest) -> bool:
        return is_system_admin(request.user)

    site.has_permission = has_permission  # type: ignore[method-assign]
    site.login_form = PlatformLoginOnlyForm
    site.login_template = "console/admin_login.html"
    return site
