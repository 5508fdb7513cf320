"""Staff login with a password: who may log in, where they land, what the audit log keeps."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import DEMO_PASSWORD, make_persona, make_resident, make_staff

LOGIN = "/accounts/login/"
WRONG = "用户名或密码错误。"


def post_login(client: Any, username: str, password: str = DEMO_PASSWORD, **extra: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_login_page_renders_accessible_form(client: Any, db: Any) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="viewport"' in html
    assert reverse("accounts:resident_login") in html


def test_grid_worker_logs_in_with_password_only(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    anonymous_key = client.session.session_key
    response = post_login(client, worker.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("console:home")
    assert client.session[SESSION_KEY] == str(worker.pk)
    assert client.session.session_key != anonymous_key
    entry = AuditEntry.objects.filter(action="auth.login").get()
    assert entry.actor_id == worker.pk
    assert entry.changes["method"] == "password"


def test_safe_next_is_followed_and_foreign_next_ignored(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    response = post_login(client, worker.username, next="/console/?tab=1")
    assert response["Location"] == "/console/?tab=1"
    client.logout()
    response = post_login(client, worker.username, next="https://evil.example/steal")
    assert response["Location"] == reverse("console:home")
    client.logout()
    response = post_login(client, worker.username, next="//evil.example/x")
    assert response["Location"] == reverse("console:home")


def test_login_page_carries_next_from_query(client: Any, db: Any) -> None:
    html = client.get(LOGIN + "?next=/console/areas/").content.decode()
    assert 'name="next" value="/console/areas/"' in html
    html = client.get(LOGIN + "?next=https://evil.example/").content.decode()
    assert 'name="next" value="https://evil.example/"' not in html


def test_wrong_password_and_unknown_user_give_the_same_answer(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    wrong = post_login(client, worker.username, "Not-the-password-1")
    unknown = post_login(client, "nobody_here", "Not-the-password-1")
    assert wrong.status_code == unknown.status_code == 200
    assert WRONG in wrong.content.decode()
    assert WRONG in unknown.content.decode()
    assert SESSION_KEY not in client.session


def test_resident_cannot_use_staff_login(client: Any, mini: Any) -> None:
    resident = make_resident("13800138000", home_area=mini.community_a)
    resident.set_password(DEMO_PASSWORD)
    resident.save()
    response = post_login(client, resident.username)
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert SESSION_KEY not in client.session


def test_inactive_staff_cannot_log_in(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    worker.is_active = False
    worker.save()
    response = post_login(client, worker.username)
    assert WRONG in response.content.decode()
    assert SESSION_KEY not in client.session


def test_failed_login_is_audited_with_masked_name_and_no_password(client: Any, mini: Any) -> None:
    make_staff("zhangsan_admin", Role.GRID_WORKER, area=mini.grid_a)
    post_login(client, "zhangsan_admin", "Secret-Guess-123")
    entry = AuditEntry.objects.get(action="auth.login_failed")
    text = str(entry.changes) + entry.object_repr + entry.reason
    assert "zhangsan_admin" not in text
    assert "Secret-Guess-123" not in text
    assert entry.changes["login"].startswith("zh")
    assert "*" in entry.changes["login"]
    assert entry.actor_id is None


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"username": "", "password": ""}, "请输入用户名。"),
        ({"username": "someone", "password": ""}, "请输入密码。"),
        ({"username": "x" * 151, "password": "a"}, "用户名不能超过150个字符。"),
        ({}, "请输入用户名。"),
    ],
)
def test_bad_input_gives_field_errors(client: Any, db: Any, data: dict[str, str], field_message: str) -> None:
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert field_message in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "username",
    [
        "'; DROP TABLE accounts_user; --<script>x",
        "管理员💥\u202e" + "ä" * 20 + "\\%_*?",
        "a" * 40,
        "   ",
        "\x00abc",
    ],
)
def test_garbage_usernames_never_error(client: Any, db: Any, username: str) -> None:
    response = client.post(LOGIN, {"username": username, "password": "whatever"})
    assert response.status_code in (200, 400)
    assert "<script>x" not in response.content.decode()


def test_logout_needs_post(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    client.force_login(worker)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 200
    assert SESSION_KEY in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert SESSION_KEY not in client.session
    assert AuditEntry.objects.filter(action="auth.logout", actor=worker).exists()


def test_signed_in_staff_visiting_login_goes_to_console(client: Any, mini: Any) -> None:
    client.force_login(make_persona(mini, Role.GRID_WORKER))
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("console:home")
