"""``python manage.py open311_keys``: create (the key printed once), list, revoke."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shequ.core.models import AuditEntry
from shequ.open311.models import ApiClient
from shequ.open311.selectors import api_client_by_key, digest_key

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("open311_keys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_list_revoke() -> None:
    out, _err = run("create", "市民随手拍")
    key = out.strip()
    assert key.startswith("o311_")
    assert len(key) > 30
    client = ApiClient.objects.get()
    assert client.key_digest == digest_key(key)
    assert key not in (client.prefix, client.key_digest)
    assert api_client_by_key(key) == client
    listing, _err = run("list")
    assert "市民随手拍" in listing
    assert client.prefix in listing
    assert key not in listing
    run("revoke", "市民随手拍")
    client.refresh_from_db()
    assert not client.is_active
    assert client.revoked_at is not None
    assert api_client_by_key(key) is None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"open311.client.create", "open311.client.revoke"} <= actions


def test_refusals() -> None:
    run("create", "应用甲")
    for args in (("create", "应用甲"), ("create", " "), ("revoke", "没有这个"), ("create", "长" * 61)):
        with pytest.raises(CommandError):
            run(*args)
    run("revoke", "应用甲")
    with pytest.raises(CommandError):
        run("revoke", "应用甲")


def test_list_when_empty(capsys: Any) -> None:
    _out, err = run("list")
    assert err.strip()
