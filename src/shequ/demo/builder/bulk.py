"""Bulk writes for the city scale: unit names, batched inserts and materialized paths."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from shequ.core.audit import record_batch
from shequ.core.models import (
    Area,
    AreaLevel,
)

from ..factories import make_mobile
from .plan import (
    BATCH,
)


def _unit_name(home: str, unit: str) -> str:
    if unit == "公安分局":
        short = home[:-1] if home.endswith("区") else home
        return f"南京市公安局{short}分局"
    return f"{home}{unit}"


def _street_unit_name(street: Area, unit: str) -> str:
    short = street.name
    for suffix in ("街道", "镇"):
        if short.endswith(suffix):
            short = short[: -len(suffix)]
            break
    kind = "镇" if street.level == AreaLevel.TOWN else "街道"
    if unit.startswith("街道"):
        return f"{short}{kind}{unit[2:]}"
    return f"{short}{unit}"


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_paths(areas: Sequence[Area]) -> None:
    """Store computed paths with one prepared UPDATE run over many rows (faster than bulk_update)."""
    qn = connection.ops.quote_name
    sql = (
        f"UPDATE {qn(Area._meta.db_table)} SET {qn('path')} = %s, {qn('depth')} = %s "  # noqa: S608
        f"WHERE {qn('id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(a.path, a.depth, a.pk) for a in areas])


def _bulk_create_areas(pending: list[Area], *, action: str, area: Area) -> list[Area]:
    """Insert areas whose parents exist, then set ``path`` and ``depth`` from the new ids."""
    created: list[Area] = []
    for chunk in _chunks(pending, BATCH):
        batch = Area.objects.bulk_create(chunk)
        for row in batch:
            parent = row.parent
            assert parent is not None
            assert row.pk is not None
            row.path = f"{parent.path}{row.pk}/"
            row.depth = parent.depth + 1
        _write_paths(batch)
        record_batch(
            actor=None,
            action=action,
            object_type="core.area",
            object_ids=[a.pk for a in batch],
            area=area,
            reason=_("生成演示城市：社区、村与网格"),
        )
        created.extend(batch)
    return created


class BuilderBase:
    """What the demo's builders share: counts of what they wrote, and unused phone numbers."""

    rng: random.Random
    counts: dict[str, int]
    used_phones: set[str]

    def _count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def _phone(self) -> str:
        while True:
            phone = make_mobile(self.rng)
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone
