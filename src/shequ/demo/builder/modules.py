"""Demo content of the service modules, each through its own ``seed_demo``.

Modules seed a bounded number of committees (the ones with the most demo residents first),
so the city scale stays quick; every committee still has its areas, grids and registry.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.accounts.models import Post, User
from shequ.accounts.roles import Role
from shequ.core.access import subtree_q
from shequ.core.models import Area, AreaLevel

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


def _grid_work(home_street: Area, *, seed: int, today: date) -> dict[str, int]:
    """Patrols, visits and hazard checks by the grid workers of the home street's grids."""
    from shequ.gridwork.demo import seed_demo as seed_gridwork

    grids = list(Area.objects.filter(subtree_q(home_street.path), level=AreaLevel.GRID).order_by("path"))
    workers: dict[int, Any] = {
        int(post.area_id or 0): post.user
        for post in Post.objects.filter(role=Role.GRID_WORKER, area__in=grids)
        .select_related("user")
        .order_by("-pk")
    }
    grids = [g for g in grids if g.pk in workers]
    rng = random.Random(f"{seed}:gridwork")  # noqa: S311 - reproducible demo data
    return seed_gridwork(grids=grids, workers=workers, rng=rng, today=today)


def build_modules(committees: list[Area], *, home_street: Area, seed: int, today: date) -> dict[str, int]:
    """Run every module's demo seeding; returns the counts to print."""
    from shequ.commons.demo import seed_demo as seed_commons

    chosen, residents = _committees_with_residents(committees)
    counts: dict[str, int] = {}
    rng = random.Random(f"{seed}:commons")  # noqa: S311 - reproducible demo data
    counts.update(seed_commons(communities=chosen, residents=residents, rng=rng))
    counts.update(_grid_work(home_street, seed=seed, today=today))
    counts.update(_classifier())
    counts.update(_appeals(home_street, seed=seed, now=timezone.now()))
    counts.update(_one_window())
    return counts


def _appeals(home_street: Area, *, seed: int, now: datetime) -> dict[str, int]:
    """About forty appeal cases in the home street's grids (after the classifier has a version)."""
    from shequ.appeals.demo import seed_demo as seed_appeals

    rng = random.Random(f"{seed}:appeals")  # noqa: S311 - reproducible demo data
    return seed_appeals(home_street=home_street, rng=rng, now=now)


def _one_window() -> dict[str, int]:
    """The service catalogue, and a few applications and certificates at the demo window."""
    from shequ.onewindow.demo import seed_demo as seed_onewindow

    from .accounts import RESIDENT_PHONE

    return {f"onewindow_{k}": n for k, n in seed_onewindow(resident_phone=RESIDENT_PHONE).items()}


def _classifier() -> dict[str, int]:
    """A first trained version of the smart-dispatch model, so its accuracy shows from the start."""
    from shequ.appeals.models import ClassifierVersion
    from shequ.appeals.services import classifier_retrain

    if ClassifierVersion.objects.exists():
        return {}
    classifier_retrain(actor=None, activate=True, reason=_("演示城市：初始分拨模型"))
    return {"classifier_versions": 1}


def wipe_modules() -> int:
    """Remove the modules' demo rows (they hold protected references to areas, people and users)."""
    from shequ.appeals.demo import wipe_demo as wipe_appeals
    from shequ.commons.demo import wipe_demo as wipe_commons
    from shequ.gridwork.demo import wipe_demo as wipe_gridwork

    return wipe_appeals() + wipe_gridwork() + wipe_commons()
