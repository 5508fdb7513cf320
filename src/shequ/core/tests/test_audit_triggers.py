"""The audit log is append-only in the database, not only in the ORM."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from shequ.core.models import AuditEntry, AuditImmutableError
from shequ.core.testing import audit_maintenance, audit_maintenance_enabled, make_audit_entry

pytestmark = pytest.mark.django_db

TABLE = AuditEntry._meta.db_table


def _snapshot(pk: int) -> tuple[Any, ...]:
    return tuple(AuditEntry.objects.filter(pk=pk).values_list("action", "object_repr", "at", "reason").get())


def _raw(sql: str, params: list[Any] | None = None) -> int:
    """Run one statement inside a savepoint (a refused statement aborts a PostgreSQL transaction)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def test_orm_refuses_changes_and_the_row_survives() -> None:
    entry = make_audit_entry(action="area.update", object_repr="大悲巷社区")
    before = _snapshot(entry.pk)

    entry.object_repr = "改过"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="改过")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert _snapshot(entry.pk) == before


def test_raw_update_is_refused_by_the_database() -> None:
    entry = make_audit_entry(object_repr="原值")
    before = _snapshot(entry.pk)

    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET object_repr = %s WHERE id = %s", ["改过", entry.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET reason = 'x'")

    assert _snapshot(entry.pk) == before


def test_raw_update_of_an_old_row_is_refused_too() -> None:
    old = make_audit_entry(at=timezone.now() - timedelta(days=400))
    before = _snapshot(old.pk)
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET at = %s WHERE id = %s", [timezone.now(), old.pk])
    assert _snapshot(old.pk) == before


def test_raw_delete_of_a_young_row_is_refused() -> None:
    young = make_audit_entry(at=timezone.now() - timedelta(days=182))
    with pytest.raises(DatabaseError, match="183 days"):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [young.pk])
    with pytest.raises(DatabaseError, match="183 days"):
        _raw(f"DELETE FROM {TABLE}")
    assert AuditEntry.objects.filter(pk=young.pk).exists()


def test_a_statement_touching_young_and_old_rows_deletes_nothing() -> None:
    young = make_audit_entry(at=timezone.now() - timedelta(days=10))
    old = make_audit_entry(at=timezone.now() - timedelta(days=200))
    with pytest.raises(DatabaseError):
        _raw(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [young.pk, old.pk])
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {young.pk, old.pk}


def test_raw_delete_of_a_row_past_the_legal_floor_is_allowed() -> None:
    old = make_audit_entry(at=timezone.now() - timedelta(days=184))
    assert _raw(f"DELETE FROM {TABLE} WHERE id = %s", [old.pk]) == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql() -> None:
    entry = make_audit_entry()
    with pytest.raises(DatabaseError, match="TRUNCATE refused"):
        _raw(f"TRUNCATE {TABLE}")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_maintenance_lets_young_rows_go_but_never_allows_updates() -> None:
    young = make_audit_entry()
    assert not audit_maintenance_enabled()
    with audit_maintenance():
        assert audit_maintenance_enabled()
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s", [young.pk])
        assert _raw(f"DELETE FROM {TABLE} WHERE id = %s", [young.pk]) == 1
    assert not audit_maintenance_enabled()

    again = make_audit_entry()
    with pytest.raises(DatabaseError):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [again.pk])
    assert AuditEntry.objects.filter(pk=again.pk).exists()


def test_inserts_are_allowed_with_any_time() -> None:
    long_ago = timezone.now() - timedelta(days=3000)
    entry = make_audit_entry(at=long_ago)
    assert AuditEntry.objects.get(pk=entry.pk).at == long_ago


def test_the_migration_installs_the_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            names = {row[0] for row in cursor.fetchall()}
            assert names == {"core_auditentry_no_update", "core_auditentry_no_young_delete"}
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE]
            )
            names = {row[0] for row in cursor.fetchall()}
            assert names == {"core_auditentry_guard_row", "core_auditentry_guard_truncate"}


class _Editor:
    """Just enough of a schema editor for the migration's RunPython functions."""

    connection = connection

    def execute(self, sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_is_reversible() -> None:
    from importlib import import_module

    migration = import_module("shequ.core.migrations.0003_audit_append_only_triggers")
    entry = make_audit_entry(object_repr="原值")

    migration.backward(None, _Editor())
    _raw(f"UPDATE {TABLE} SET object_repr = %s WHERE id = %s", ["无保护时可改", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "无保护时可改"

    migration.forward(None, _Editor())
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET object_repr = %s WHERE id = %s", ["再改", entry.pk])
    with pytest.raises(DatabaseError, match="183 days"):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "无保护时可改"
