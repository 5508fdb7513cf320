"""PostgreSQL only: no two bookings that hold their slot may overlap in time in one space.

The unique index on ``(space, starts_at)`` (migration 0001) already makes a second booking
of the same fixed slot impossible on every database; this exclusion constraint also
refuses overlapping slots of different lengths (a space whose slot length was changed).
``btree_gist`` is a trusted extension (PostgreSQL 13+), so the database owner may create it.
SQLite has no exclusion constraints: there the service's overlap check under the write
lock covers that case.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE commons_booking ADD CONSTRAINT commons_booking_no_overlap
  EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
  WHERE (status IN ('pending', 'approved'));
"""
DROP = "ALTER TABLE commons_booking DROP CONSTRAINT IF EXISTS commons_booking_no_overlap;"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("commons", "0001_spaces_bookings_mutual_aid")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
