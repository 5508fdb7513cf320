"""Django's admin answers only to active superusers and system administrators."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from shequ.accounts.models import Post
from shequ.accounts.roles import Role
from shequ.console.admin_access import is_system_admin, restrict_admin_site
from shequ.demo.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_admin() -> Iterator[admin.AdminSite]:
    site = admin.site
    names = ("has_permission", "login_form", "login_template")
    saved = {name: site.__dict__[name] for name in names if name in site.__dict__}
    restrict_admin_site(site)
    yield site
    for name in names:
        site.__dict__.pop(name, None)
    site.__dict__.update(saved)


def test_superuser_and_system_admin_get_in(
    client: Any, restricted_admin: Any, personas: dict[str, Any]
) -> None:
    index = reverse("admin:index")
    superuser = make_staff("root", None, is_superuser=True)
    for user in (superuser, personas[Role.SYSTEM_ADMIN]):
        client.force_login(user)
        response = client.get(index)
        assert response.status_code == 200, user
        client.logout()


@pytest.mark.parametrize(
    "role", [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.COMMUNITY_HEAD, Role.GRID_WORKER]
)
def test_other_staff_are_refused_even_with_is_staff(
    client: Any, restricted_admin: Any, personas: dict[str, Any], role: str
) -> None:
    user = personas[role]
    user.is_staff = True  # Django's own flag is not enough
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    refusal = client.get(response.url).content.decode()
    assert 'id="admin-refused"' in refusal
    assert 'type="password"' not in refusal
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_resident_and_visitor_are_refused(
    client: Any, restricted_admin: Any, personas: dict[str, Any]
) -> None:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    # The admin's login page takes no password: it sends people to the platform's login
    # (with its throttling and second factor).
    login = client.get(response.url).content.decode()
    assert 'type="password"' not in login
    assert f'href="{reverse("accounts:login")}?next=/system/django-admin/"' in login
    # A password posted to it anyway is refused, even a superuser's.
    make_staff("root2", None, is_superuser=True, password="Root-password-2026")
    posted = client.post(response.url, {"username": "root2", "password": "Root-password-2026"})
    assert posted.status_code == 200
    assert "请通过平台登录页登录" in posted.content.decode()
    assert "_auth_user_id" not in client.session
    client.force_login(personas["resident"])
    assert client.get(reverse("admin:index")).status_code == 302


def test_ended_system_admin_post_and_inactive_superuser_are_refused(
    client: Any, restricted_admin: Any, mini: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    former = make_staff("former_admin", None)
    Post.objects.create(
        user=former, role=Role.SYSTEM_ADMIN, valid_to=timezone.localdate() - timedelta(days=1)
    )
    assert not is_system_admin(former)
    client.force_login(former)
    assert client.get(reverse("admin:index")).status_code == 302

    inactive = make_staff("inactive_root", None, is_superuser=True)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert not is_system_admin(inactive)


def test_admin_login_page_sends_system_admin_on(
    client: Any, restricted_admin: Any, personas: dict[str, Any]
) -> None:
    client.force_login(personas[Role.SYSTEM_ADMIN])
    response = client.get(reverse("admin:login") + "?next=/system/django-admin/")
    assert response.status_code == 302
    assert response.url == "/system/django-admin/"
