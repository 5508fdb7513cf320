"""Demo content of the service modules, each through its own ``seed_demo``.

Modules seed a bounded number of committees (the ones with the most demo residents first),
so the city scale stays quick; every committee still has its areas, grids and registry.
"""

from __future__ import annotations

import random
from typing import Any

from shequ.accounts.models import User
from shequ.core.models import Area

#: How many committees get the modules' demo content (spaces, bookings, mutual aid…).
MODULE_COMMITTEES = 24


def _committees_with_residents(committees: list[Area]) -> tuple[list[Area], list[Any]]:
    ids = [c.pk for c in committees]
    residents = list(User.objects.filter(kind="resident", home_area_id__in=ids).order_by("pk"))
    with_people = {r.home_area_id for r in residents}
    ordered = [c for c in committees if c.pk in with_people] + [
        c for c in committees if c.pk not in with_people
    ]
    chosen = ordered[:MODULE_COMMITTEES]
    chosen_ids = {c.pk for c in chosen}
    return chosen, [r for r in residents if r.home_area_id in chosen_ids]


def build_modules(committees: list[Area], *, seed: int) -> dict[str, int]:
    """Run every module's demo seeding; returns the counts to print."""
    from shequ.commons.demo import seed_demo as seed_commons

    chosen, residents = _committees_with_residents(committees)
    counts: dict[str, int] = {}
    counts.update(seed_commons(communities=chosen, residents=residents, rng=random.Random(seed + 1)))  # noqa: S311
    return counts
