"""PostgreSQL's COPY for the bulk write path: ids drawn from the table's sequence, rows streamed in.

``bulk_create`` spends most of its time building one large INSERT; COPY takes the same
values (each converted by its model field, so sealed values go in as their tokens and the
digests as computed) several times faster.  Only where the database is PostgreSQL and the
setting ``SHEQU_IMPORT_COPY`` is on (the default); elsewhere ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


def copy_enabled() -> bool:
    return connection.vendor == "postgresql" and bool(getattr(settings, "SHEQU_IMPORT_COPY", True))


def bulk_insert(model: type[M], objs: Sequence[M]) -> list[M]:
    """Insert ``objs`` and give each its primary key (COPY on PostgreSQL, else ``bulk_create``)."""
    if not objs:
        return []
    if not copy_enabled():
        return model._default_manager.bulk_create(objs)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = list(meta.concrete_fields)
    now = timezone.now()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(qn(f.column) for f in fields)
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, new_id in zip(objs, ids, strict=True):
                obj.pk = new_id
                copy.write_row([_value(f, obj, now) for f in fields])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return list(objs)


def _value(field: Any, obj: Any, now: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        setattr(obj, field.attname, now)
    return field.get_db_prep_save(getattr(obj, field.attname), connection)
