"""Make the audit log append-only in the database itself.

* Every UPDATE of ``core_auditentry`` is refused.
* A DELETE of an entry younger than 183 days (the legal floor of six months,
  Cybersecurity Law Art. 21) is refused; older entries may be deleted by the purge.
* On PostgreSQL, TRUNCATE is refused too.

A maintenance switch lets the test framework empty the table between transactional tests
(``shequ.core.testing.audit_maintenance``): on PostgreSQL the session setting
``shequ.audit_maintenance = 'on'``, on SQLite the one row of ``core_audit_maintenance``
(a plain table, not a Django model, so ``flush`` leaves it alone). With maintenance on,
young entries may be deleted and the table truncated; UPDATE is still refused.

The floor is written out here on purpose: a migration is a frozen record of the schema.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FLOOR_DAYS = 183

PG_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION core_audit_guard_row() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'core_auditentry is append-only: UPDATE refused'
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD."at" > now() - interval '{FLOOR_DAYS} days'
           AND coalesce(current_setting('shequ.audit_maintenance', true), '') <> 'on' THEN
            RAISE EXCEPTION 'core_auditentry: entries younger than {FLOOR_DAYS} days cannot be deleted'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE OR REPLACE FUNCTION core_audit_guard_truncate() RETURNS trigger AS $$
    BEGIN
        IF coalesce(current_setting('shequ.audit_maintenance', true), '') <> 'on' THEN
            RAISE EXCEPTION 'core_auditentry is append-only: TRUNCATE refused'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER core_auditentry_guard_row
        BEFORE UPDATE OR DELETE ON core_auditentry
        FOR EACH ROW EXECUTE FUNCTION core_audit_guard_row();
    """,
    """
    CREATE TRIGGER core_auditentry_guard_truncate
        BEFORE TRUNCATE ON core_auditentry
        FOR EACH STATEMENT EXECUTE FUNCTION core_audit_guard_truncate();
    """,
]

PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditentry_guard_truncate ON core_auditentry;",
    "DROP TRIGGER IF EXISTS core_auditentry_guard_row ON core_auditentry;",
    "DROP FUNCTION IF EXISTS core_audit_guard_truncate();",
    "DROP FUNCTION IF EXISTS core_audit_guard_row();",
]

# SQLite stores aware datetimes as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]", which sorts
# like the value of strftime(...) below.
SQLITE_FORWARD = [
    """
    CREATE TABLE IF NOT EXISTS core_audit_maintenance (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1))
    );
    """,
    "INSERT OR IGNORE INTO core_audit_maintenance (id, enabled) VALUES (1, 0);",
    """
    CREATE TRIGGER core_auditentry_no_update
    BEFORE UPDATE ON core_auditentry
    BEGIN
        SELECT RAISE(ABORT, 'core_auditentry is append-only: UPDATE refused');
    END;
    """,
    """
    CREATE TRIGGER core_auditentry_no_young_delete
    BEFORE DELETE ON core_auditentry
    WHEN OLD."at" > strftime('%Y-%m-%d %H:%M:%f', 'now', '-183 days')
     AND coalesce((SELECT enabled FROM core_audit_maintenance WHERE id = 1), 0) = 0
    BEGIN
        SELECT RAISE(ABORT, 'core_auditentry: entries younger than 183 days cannot be deleted');
    END;
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_young_delete;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
    "DROP TABLE IF EXISTS core_audit_maintenance;",
]


def _run(schema_editor: Any, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    for sql in statements.get(vendor, []):
        schema_editor.execute(sql, params=None)


def forward(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD})


def backward(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_reference_data")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
