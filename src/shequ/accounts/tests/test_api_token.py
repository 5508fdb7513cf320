"""``manage.py api_token``: the printed token works as a bearer token until revoked or expired."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from shequ.accounts.models import ApiToken
from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import make_persona

ME = "/api/v1/me"


def create(username: str, *args: str) -> str:
    out = StringIO()
    call_command("api_token", "create", username, *args, stdout=out)
    return out.getvalue()


def bearer(client: Any, token: str) -> Any:
    return client.get(ME, headers={"Authorization": f"Bearer {token}"})


def test_created_token_authenticates(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    printed = create(worker.username, "--name", "巡查终端", "--days", "30")
    token = printed.strip()
    assert printed == token + "\n"  # nothing but the token on stdout
    assert token.startswith("sq_")
    response = bearer(client, token)
    assert response.status_code == 200
    assert response.json()["username"] == worker.username
    stored = ApiToken.objects.get()
    assert stored.name == "巡查终端"
    assert token not in stored.key_digest
    assert stored.expires_at is not None
    assert timedelta(days=29) < stored.expires_at - timezone.now() <= timedelta(days=30)
    assert AuditEntry.objects.filter(action="api_token.create").count() == 1


def test_revoked_token_is_refused(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    token = create(worker.username).strip()
    assert bearer(client, token).status_code == 200
    out = StringIO()
    call_command("api_token", "revoke", token[:10], stdout=out)
    assert token[:10] in out.getvalue()
    assert bearer(client, token).status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1
    with pytest.raises(CommandError, match="没有找到"):
        call_command("api_token", "revoke", token[:10], stdout=StringIO())


def test_expired_token_is_refused(client: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    token = create(worker.username, "--days", "1").strip()
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(client, token).status_code == 401


def test_garbage_tokens_are_refused(client: Any, db: Any) -> None:
    for value in ("sq_nonsense", "abc", "sq_" + "x" * 500):
        assert bearer(client, value).status_code == 401
    assert client.get(ME).status_code == 401


def test_list_shows_state(mini: Any) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    first = create(worker.username, "--name", "one").strip()
    create(worker.username, "--name", "two")
    call_command("api_token", "revoke", first[:10], stdout=StringIO())
    out = StringIO()
    call_command("api_token", "list", worker.username, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert any(first[:10] in line and "已吊销" in line for line in lines)
    assert any("two" in line and "有效" in line for line in lines)
    assert first not in out.getvalue()


def test_unknown_user_is_a_clear_error(db: Any) -> None:
    with pytest.raises(CommandError, match="用户不存在：ghost"):
        call_command("api_token", "create", "ghost", stdout=StringIO())
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("api_token", "list", "ghost", stdout=StringIO())


@pytest.mark.parametrize("days", ["0", "-3", "99999"])
def test_bad_days_is_an_error(mini: Any, days: str) -> None:
    worker = make_persona(mini, Role.GRID_WORKER)
    with pytest.raises(CommandError, match="有效天数"):
        call_command("api_token", "create", worker.username, "--days", days, stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_short_prefix_is_refused(db: Any) -> None:
    with pytest.raises(CommandError, match="至少6个字符"):
        call_command("api_token", "revoke", "sq_", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_unknown_user_exits_non_zero_from_the_shell() -> None:
    env_db = settings.DATABASES["default"]
    if env_db["ENGINE"].endswith("sqlite3"):
        database_url = "sqlite:////" + str(env_db["NAME"]).lstrip("/")
    else:
        database_url = (
            f"postgres://{env_db['USER']}@{env_db['HOST']}:{env_db['PORT'] or 5432}/{env_db['NAME']}"
        )
    result = subprocess.run(
        [sys.executable, "manage.py", "api_token", "create", "ghost"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
        },
        cwd=str(settings.BASE_DIR),
        check=False,
    )
    assert result.returncode != 0
    assert "用户不存在" in result.stderr
    assert result.stdout == ""
