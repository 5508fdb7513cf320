"""Sessions end after idle time; the password page applies the password policy."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from shequ.accounts.middleware import LAST_SEEN_KEY
from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import DEMO_PASSWORD, make_persona, make_resident

PASSWORD = "/accounts/password/"


def go_idle(client: Any, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_idle_staff_session_ends_on_the_login_page(client: Any, mini: Any, settings: Any) -> None:
    settings.SHEQU_SESSION_IDLE_SECONDS = 1800
    worker = make_persona(mini, Role.GRID_WORKER)
    client.post(reverse("accounts:login"), {"username": worker.username, "password": DEMO_PASSWORD})
    assert client.get(reverse("console:home")).status_code == 200
    go_idle(client, 1801)
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"])
    assert "由于长时间未操作，您已自动退出" in page.content.decode()
    # The message shows once.
    assert "自动退出" not in client.get(reverse("accounts:login")).content.decode()


def test_active_session_stays(client: Any, mini: Any, settings: Any) -> None:
    settings.SHEQU_SESSION_IDLE_SECONDS = 1800
    client.force_login(make_persona(mini, Role.GRID_WORKER))
    client.get(reverse("console:home"))
    go_idle(client, 1700)
    assert client.get(reverse("console:home")).status_code == 200
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 5  # refreshed


def test_idle_resident_goes_to_resident_login(client: Any, mini: Any) -> None:
    resident = make_resident("13800138000", home_area=mini.community_a)
    client.force_login(resident)
    client.get(reverse("portal:home"))
    go_idle(client, 10**6)
    response = client.get(reverse("portal:home"))
    assert response["Location"].startswith(reverse("accounts:resident_login"))
    assert "自动退出" in client.get(response["Location"]).content.decode()


def test_idle_htmx_request_redirects_the_whole_page(client: Any, mini: Any) -> None:
    client.force_login(make_persona(mini, Role.GRID_WORKER))
    client.get(reverse("console:home"))
    go_idle(client, 10**6)
    response = client.get(reverse("console:home"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login")


def test_idle_api_call_is_simply_unauthenticated(client: Any, mini: Any) -> None:
    client.force_login(make_persona(mini, Role.GRID_WORKER))
    client.get(reverse("console:home"))
    go_idle(client, 10**6)
    assert client.get("/api/v1/me").status_code == 401


def test_password_page_needs_login(client: Any, db: Any) -> None:
    response = client.get(PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "message"),
    [
        ("wrong-old-Pass1", "Better-Pass-2027", "Better-Pass-2027", "old_password", "当前密码不正确。"),
        (DEMO_PASSWORD, "Ab1!", "Ab1!", "new_password1", "密码"),
        (DEMO_PASSWORD, "alllowercaseletters", "alllowercaseletters", "new_password1", "至少三类"),
        (DEMO_PASSWORD, "Better-Pass-2027", "Better-Pass-2028", "new_password2", "两次输入的新密码不一致。"),
        (DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD, "new_password1", "新密码不能与当前密码相同。"),
        ("", "", "", "old_password", "请输入当前密码。"),
    ],
)
def test_password_change_field_errors(
    client: Any, mini: Any, old: str, new1: str, new2: str, field: str, message: str
) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    client.force_login(worker)
    response = client.post(PASSWORD, {"old_password": old, "new_password1": new1, "new_password2": new2})
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    worker.refresh_from_db()
    assert worker.check_password(DEMO_PASSWORD)


def test_password_change_succeeds_and_keeps_session(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    client.force_login(worker)
    page = client.get(PASSWORD)
    assert "至少三类" in page.content.decode()
    response = client.post(
        PASSWORD,
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Better-Pass-2027",
            "new_password2": "Better-Pass-2027",
        },
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(worker.pk)
    assert "密码已修改。" in client.get(PASSWORD).content.decode()
    worker.refresh_from_db()
    assert worker.check_password("Better-Pass-2027")
    assert AuditEntry.objects.filter(action="auth.password_change", actor=worker).count() == 1


def test_resident_has_no_password_page(client: Any, mini: Any) -> None:
    client.force_login(make_resident("13800138000", home_area=mini.community_a))
    assert client.get(PASSWORD)["Location"] == reverse("portal:home")
