"""A new row and the rows that point at it, inserted in one round trip.

Intake writes a case, its first timeline event, its audit entry and, for some channels, a record
beside it; each ``save()`` is a round trip and a compiled INSERT, which together were a fifth of an
intake's CPU.  :func:`insert_linked` sends them as one PostgreSQL statement (data-modifying CTEs:
the later rows read the first row's id from the first INSERT's ``RETURNING``), so they succeed or
fail together even outside a transaction.  Elsewhere (SQLite has no data-modifying CTEs) each row
is saved in turn, which the caller's transaction makes just as atomic.

Values go through each field's own ``pre_save`` and ``get_db_prep_save`` (so encrypted and JSON
fields are stored exactly as ``save()`` stores them).  Model signals are not sent: the models
written this way have no receivers, and a test checks that they still have none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


@dataclass
class Link:
    """A row to insert with the first row's id in ``column`` (as text when ``as_text``).

    ``copies`` maps more of its fields to computed fields of the first row (e.g. an audit entry's
    ``object_repr`` to a case number the database computes).
    """

    obj: Model
    column: str
    as_text: bool = False
    copies: dict[str, str] = field(default_factory=dict)


@dataclass
class Computed:
    """A value of the first row that the database computes in the same statement.

    ``expression`` (with ``params``) takes the place of the field's value and may read the CTEs
    in ``before`` (name, SQL, parameters), which run first; the stored value is set back on the
    instance.  Only with :func:`one_statement` (the caller computes the value itself otherwise).
    """

    field: str
    expression: str
    params: Sequence[Any] = ()
    before: Sequence[tuple[str, str, Sequence[Any]]] = ()


def one_statement(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether :func:`insert_linked` writes everything in one statement here (PostgreSQL)."""
    return connections[using].vendor == "postgresql"


def insert_linked(
    first: Model,
    links: Sequence[Link] = (),
    *,
    computed: Sequence[Computed] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Insert ``first`` and every linked row; each gets its id and is marked saved."""
    connection = connections[using]
    if not one_statement(using):
        if computed:
            raise ValueError("computed values need one_statement(); compute them first")
        first.save(force_insert=True, using=using)
        for link in links:
            setattr(link.obj, link.column, str(first.pk) if link.as_text else first.pk)
            for name, source in link.copies.items():
                setattr(link.obj, name, getattr(first, source))
            link.obj.save(force_insert=True, using=using)
        return
    parts: list[str] = []
    params: list[Any] = []
    for value in computed:
        for name, sql, values in value.before:
            parts.append(name + " AS (" + sql + ")")
            params.extend(values)
    rows: list[tuple[Model, Link | None]] = [(first, None), *((x.obj, x) for x in links)]
    for i, (obj, linked) in enumerate(rows):
        part, values = _insert_part(connection, i, obj, linked, first, computed)
        parts.append(part)
        params.extend(values)
    # identifiers only from the models' meta, quoted; every value is a parameter
    selects = ", ".join(["r0.*", *("(SELECT * FROM r%d)" % i for i in range(1, len(rows)))])  # noqa: S608, UP031
    with connection.cursor() as cursor:
        cursor.execute("WITH " + ", ".join(parts) + " SELECT " + selects + " FROM r0", params)  # noqa: S608
        got = cursor.fetchone()
    assert got is not None
    for value, stored in zip(computed, got[1 : 1 + len(computed)], strict=True):
        setattr(first, value.field, stored)
    ids = [got[0], *got[1 + len(computed) :]]
    for (obj, _link), pk_value in zip(rows, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = using
    for link in links:
        setattr(link.obj, link.column, str(first.pk) if link.as_text else first.pk)
        for name, source in link.copies.items():
            setattr(link.obj, name, getattr(first, source))


def _insert_part(
    connection: Any, i: int, obj: Model, link: Link | None, first: Model, computed: Sequence[Computed]
) -> tuple[str, list[Any]]:
    """``r<i> AS (INSERT … RETURNING <pk>[, computed columns])`` and its parameters.

    ``computed`` is the first row's: its own values when ``i`` is 0, what ``link.copies`` may read
    otherwise.
    """
    quote = connection.ops.quote_name
    meta = obj._meta
    auto = meta.auto_field
    first_columns = {f.attname: f.column for f in first._meta.concrete_fields}
    own = {value.field: value for value in computed} if link is None else {}
    columns: list[str] = []
    placeholders: list[str] = []
    values: list[Any] = []
    for model_field in meta.concrete_fields:
        name = model_field.attname
        if model_field is auto and getattr(obj, name) is None:
            continue
        columns.append(quote(model_field.column))
        if name in own:
            placeholders.append(own[name].expression)
            values.extend(own[name].params)
        elif link is not None and name in link.copies and link.copies[name] in {v.field for v in computed}:
            placeholders.append("(SELECT " + quote(first_columns[link.copies[name]]) + " FROM r0)")  # noqa: S608
        elif link is not None and name in link.copies:  # known already: a plain value
            values.append(model_field.get_db_prep_save(getattr(first, link.copies[name]), connection))
            placeholders.append("%s")
        elif link is not None and name == link.column:
            cast = "::text" if link.as_text else ""
            placeholders.append("(SELECT " + quote(first._meta.pk.column) + cast + " FROM r0)")  # noqa: S608
        else:
            values.append(model_field.get_db_prep_save(model_field.pre_save(obj, True), connection))
            placeholders.append("%s")
    head = "r%d AS (INSERT INTO %s (%s) " % (i, quote(meta.db_table), ", ".join(columns))  # noqa: UP031
    returning = [quote(meta.pk.column), *(quote(first_columns[v.field]) for v in own.values())]
    return head + "VALUES (" + ", ".join(placeholders) + ") RETURNING " + ", ".join(returning) + ")", values
