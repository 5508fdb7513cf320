"""Transactional tests write audit entries, and the database is still emptied after them.

The tests in this module run in order (all of them transactional, so pytest-django keeps
them together and in file order): each test that writes leaves audit entries behind; the
test after it proves the flush removed them, that maintenance is off again, and that the
triggers still refuse raw deletes of young entries.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client

from shequ.core.audit import record
from shequ.core.models import AuditEntry
from shequ.core.testing import audit_maintenance_enabled, make_audit_entry

TABLE = AuditEntry._meta.db_table


def _assert_clean_and_guarded() -> None:
    assert AuditEntry.objects.count() == 0, "the flush after the previous test left audit entries"
    assert not audit_maintenance_enabled()
    entry = make_audit_entry()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_live_server_request_writes_audit_entries(live_server: Any) -> None:
    from shequ.accounts.roles import Role
    from shequ.demo.factories import make_mini_city, make_persona

    mini = make_mini_city()
    head = make_persona(mini, Role.COMMUNITY_HEAD)
    record(actor=head, action="test.before_request", area=mini.community_a)
    client = Client()
    client.force_login(head)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = requests.get(
        f"{live_server.url}/console/audit/export/?fmt=csv",
        cookies={settings.SESSION_COOKIE_NAME: cookie},
        timeout=30,
    )

    assert response.status_code == 200
    assert "test.before_request" in response.content.decode("utf-8-sig")
    exported = AuditEntry.objects.get(action="audit.export")
    assert exported.actor_id == head.pk
    assert exported.area_path == mini.community_a.path


@pytest.mark.django_db(transaction=True)
def test_after_live_server_the_table_was_flushed_and_is_guarded() -> None:
    _assert_clean_and_guarded()


def test_transactional_db_writes_an_entry(transactional_db: Any) -> None:
    make_audit_entry(action="test.transactional")
    assert AuditEntry.objects.filter(action="test.transactional").count() == 1


@pytest.mark.django_db(transaction=True)
def test_after_transactional_db_the_table_was_flushed_and_is_guarded() -> None:
    _assert_clean_and_guarded()


@pytest.mark.django_db(transaction=True)
def test_transaction_marker_writes_an_entry() -> None:
    make_audit_entry(action="test.marker")
    assert not audit_maintenance_enabled()


@pytest.mark.django_db(transaction=True)
def test_after_transaction_marker_the_table_was_flushed_and_is_guarded() -> None:
    _assert_clean_and_guarded()
