"""The shipped category catalogue (``data/categories.csv``), read for the seeding migration and tests."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
CATEGORIES_CSV = DATA_DIR / "categories.csv"


@dataclass(frozen=True)
class CatalogueRow:
    code: str
    name: str
    name_en: str
    responsible_unit: str
    unit_level: str
    urgency: str
    response_hours: int
    resolve_hours: int
    emergency_line: str
    order: int

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "name_en": self.name_en,
            "responsible_unit": self.responsible_unit,
            "unit_level": self.unit_level,
            "urgency": self.urgency,
            "response_hours": self.response_hours,
            "resolve_hours": self.resolve_hours,
            "emergency_line": self.emergency_line,
            "order": self.order,
        }


def read_catalogue(path: Path = CATEGORIES_CSV) -> list[CatalogueRow]:
    """The rows of the catalogue file, in file order (``order`` counts in tens)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            CatalogueRow(
                code=row["code"].strip(),
                name=row["name_zh"].strip(),
                name_en=row["name_en"].strip(),
                responsible_unit=row["responsible_unit"].strip(),
                unit_level=row["unit_level"].strip(),
                urgency=row["urgency"].strip(),
                response_hours=int(row["response_hours"]),
                resolve_hours=int(row["resolve_hours"]),
                emergency_line=(row.get("emergency_transfer") or "").strip(),
                order=10 * (index + 1),
            )
            for index, row in enumerate(csv.DictReader(handle))
        ]


def seed_categories(model: Any) -> int:
    """Create the catalogue's categories that are missing (existing ones, maybe edited, are kept)."""
    created = 0
    for row in read_catalogue():
        _obj, was_created = model.objects.get_or_create(code=row.code, defaults=row.fields())
        created += int(was_created)
    return created


def ensure_categories() -> int:
    """Restore the catalogue (tests after a database flush, the demo)."""
    from .models import Category

    return seed_categories(Category)
