"""The resident portal: entry for visitors, a resident's home and “我的”, the elder-mode switch."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.portal.services import elder_mode_set

pytestmark = pytest.mark.django_db

ELDER = "/elder-mode/"


def test_visitor_sees_phone_login_entry(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "手机号登录" in html
    assert f'href="{reverse("accounts:resident_login")}?next=/"' in html
    assert 'id="elder-toggle"' in html
    assert 'action="/i18n/setlang/"' in html
    assert "简体中文" in html
    assert "English" in html


def test_resident_home_shows_greeting_community_and_masked_phone(
    client: Any, personas: dict[str, Any]
) -> None:
    resident = personas["resident"]
    client.force_login(resident)
    html = client.get("/").content.decode()
    assert "居民甲，您好" in html
    assert "大悲巷社区" in html
    assert "138****8000" in html
    assert "13800138000" not in html
    assert 'id="console-link"' not in html
    assert "手机号登录" not in html


def test_me_page_for_resident_and_visitor(client: Any, personas: dict[str, Any]) -> None:
    anonymous = client.get("/me/").content.decode()
    assert "登录后可查看账户信息" in anonymous
    assert 'id="elder-switch"' in anonymous
    client.force_login(personas["resident"])
    html = client.get("/me/").content.decode()
    assert "账户信息" in html
    assert "居民" in html
    assert "138****8000" in html
    assert "13800138000" not in html
    assert "大悲巷社区" in html
    assert 'id="elder-switch"' in html
    assert f'action="{reverse("accounts:logout")}"' in html


def test_staff_get_a_link_to_the_console(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    html = client.get("/").content.decode()
    assert f'id="console-link" href="{reverse("console:home")}"' in html


def test_portal_links_all_resolve(client: Any, personas: dict[str, Any]) -> None:
    """No dead links: every same-site link on the portal pages answers (200 or a redirect)."""
    import re

    for user in (None, personas["resident"], personas[Role.COMMUNITY_WORKER]):
        if user is not None:
            client.force_login(user)
        for page in ("/", "/me/"):
            html = client.get(page).content.decode()
            for href in set(re.findall(r'href="(/[^"]*)"', html)):
                if href.startswith("/static/"):
                    continue
                assert client.get(href).status_code in (200, 302), (user, page, href)
        client.logout()


def test_visitor_elder_toggle_sets_long_lived_cookie(client: Any) -> None:
    response = client.post(ELDER, {"enabled": "1", "next": "/me/"})
    assert response.status_code == 302
    assert response.url == "/me/"
    cookie = response.cookies["elder"]
    assert cookie.value == "1"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    assert 'class="portal elder"' in client.get("/").content.decode()
    client.post(ELDER, {"enabled": "0"})
    assert 'class="portal"' in client.get("/").content.decode()


def test_resident_elder_toggle_saves_account_with_audit(client: Any, personas: dict[str, Any]) -> None:
    resident = personas["resident"]
    client.force_login(resident)
    before = AuditEntry.objects.filter(action="user.elder_mode_set").count()
    client.post(ELDER, {"enabled": "1", "next": "/"})
    resident.refresh_from_db()
    assert resident.elder_mode is True
    entries = AuditEntry.objects.filter(action="user.elder_mode_set")
    assert entries.count() == before + 1
    entry = entries.first()
    assert entry is not None
    assert entry.actor_id == resident.pk
    assert entry.changes == {"elder_mode": [False, True]}
    # Another device without the cookie follows the account's setting.
    client.cookies.pop("elder")
    assert " elder" in client.get("/me/").content.decode().split("<body", 1)[1].split(">", 1)[0]


def test_bad_toggle_value_is_a_400_with_a_message(client: Any, personas: dict[str, Any]) -> None:
    resident = personas["resident"]
    client.force_login(resident)
    response = client.post(ELDER, {"enabled": "maybe"})
    assert response.status_code == 400
    assert "请选择开启或关闭长辈模式" in response.content.decode()
    resident.refresh_from_db()
    assert resident.elder_mode is False
    assert "elder" not in response.cookies
    assert client.get(ELDER).status_code == 405


def test_offsite_next_is_ignored(client: Any) -> None:
    response = client.post(ELDER, {"enabled": "1", "next": "https://evil.example/"})
    assert response.url == "/"


def test_service_validates_and_audits_only_changes(personas: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    resident = personas["resident"]
    with pytest.raises(ValidationError) as excinfo:
        elder_mode_set(actor=AnonymousUser(), enabled=True)
    assert "elder_mode" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        elder_mode_set(actor=resident, enabled="yes")  # type: ignore[arg-type]
    count = AuditEntry.objects.count()
    elder_mode_set(actor=resident, enabled=False)  # unchanged: nothing written
    assert AuditEntry.objects.count() == count
    elder_mode_set(actor=resident, enabled=True)
    assert AuditEntry.objects.count() == count + 1


def test_html_lang_follows_active_language(client: Any) -> None:
    assert '<html lang="zh-Hans"' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en"' in client.get("/").content.decode()


def test_home_query_count(client: Any, personas: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    client.force_login(personas["resident"])
    client.get("/me/")  # the first request of a session also records when it was last seen
    with django_assert_max_num_queries(4):  # session, user, community, and one spare
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/me/").status_code == 200
