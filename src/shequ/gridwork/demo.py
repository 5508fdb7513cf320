"""Demo content for grid work: a few patrols, visits, checks and open findings per grid worker.

Called by the demo city builder after the registry is filled (see the lead's wiring)::

    from shequ.gridwork.demo import seed_demo

    counts = seed_demo(
        grids=chosen_grids,                       # grids with households
        workers={grid.pk: worker for ...},        # a grid worker of each grid
        rng=random.Random(f"{seed}:gridwork"),
        today=self.today,
    )

Deterministic for a given ``rng`` seed and ``today``; dates are relative to ``today``.
Rows are written through the shared factories (no per-row audit); one audit entry per kind
names every row written, as the demo's other bulk writes do.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record_batch
from shequ.core.models import Area
from shequ.registry.models import Household

from .checklists import ensure_checklist_templates
from .factories import make_check, make_patrol, make_visit
from .models import NeedKind

SUMMARIES = (
    "入户走访，了解家庭成员和居住情况，住户无特殊诉求。",
    "老人独居，身体状况一般，已告知社区助餐点位置。",
    "宣传电动自行车安全充电知识，发放告知书。",
    "住户反映楼道灯不亮，已记录并转物业。",
    "走访了解就业情况，家中一人待业，有求职意向。",
)
NEEDS = (
    (NeedKind.ELDERLY_CARE, "希望社区提供助餐服务"),
    (NeedKind.FACILITY, "楼道照明损坏，需维修"),
    (NeedKind.EMPLOYMENT, "家庭成员待业，希望推荐岗位"),
    (NeedKind.HEALTH, "老人行动不便，希望家庭医生上门"),
)
OBJECT_TYPES = {
    "gridwork_visits": "gridwork.visit",
    "gridwork_checks": "gridwork.hazardcheck",
    "gridwork_patrols": "gridwork.patrol",
}
PLACES = ("1栋1单元楼道", "小区东门车棚", "2栋地下室", "沿街商铺", "3栋2单元楼道")


def _at(rng: random.Random, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)) + timedelta(minutes=rng.randint(0, 8 * 60)))


def seed_demo(
    *,
    grids: Sequence[Area],
    workers: Mapping[int, Any],
    rng: random.Random,
    today: date,
    visits_per_grid: int = 4,
    checks_per_grid: int = 2,
    patrols_per_grid: int = 2,
) -> dict[str, int]:
    """Seed grid work in ``grids`` (each done by ``workers[grid.pk]``); returns counts by kind."""
    ensure_checklist_templates()
    made: dict[str, list[int]] = {"gridwork_visits": [], "gridwork_checks": [], "gridwork_patrols": []}
    findings = 0
    for grid in grids:
        worker = workers.get(grid.pk)
        if worker is None:
            continue
        households = list(Household.objects.filter(grid=grid, moved_out_on__isnull=True).order_by("id")[:50])
        for k in range(min(visits_per_grid, len(households))):
            household = households[rng.randrange(len(households))]
            needs = [NEEDS[rng.randrange(len(NEEDS))]] if rng.random() < 0.4 else []
            visit = make_visit(
                grid,
                household,
                worker,
                visited_at=_at(rng, today - timedelta(days=rng.randint(0, 60) + k)),
                summary=SUMMARIES[rng.randrange(len(SUMMARIES))],
                needs=needs,
            )
            made["gridwork_visits"].append(visit.pk)
        for _k in range(checks_per_grid):
            failing = tuple(t for t in ("fire", "ebike", "escape", "gas") if rng.random() < 0.3)
            day = today - timedelta(days=rng.randint(0, 20))
            check = make_check(
                grid,
                worker,
                checked_at=_at(rng, day),
                failing=failing,
                location=PLACES[rng.randrange(len(PLACES))],
                due_on=day + timedelta(days=rng.choice((1, 7, 15))),
            )
            made["gridwork_checks"].append(check.pk)
            findings += len(failing)
        for k in range(patrols_per_grid):
            patrol = make_patrol(
                grid,
                worker,
                started_at=_at(rng, today - timedelta(days=k * 3 + 1)),
                minutes=rng.randint(30, 90),
                points=rng.randint(4, 12),
            )
            made["gridwork_patrols"].append(patrol.pk)
    for kind, ids in made.items():
        if ids:
            record_batch(
                actor=None,
                action=f"demo.{kind}.create",
                object_type=OBJECT_TYPES[kind],
                object_ids=ids,
                area=None,
                reason=_("生成演示城市：网格工作"),
            )
    counts = {kind: len(ids) for kind, ids in made.items()}
    counts["gridwork_findings"] = findings
    return counts


def wipe_demo() -> int:
    """Delete grid work in demo grids (before the registry and the areas are wiped); returns rows deleted.

    Visits, checks and patrols hold protected references to households, places and users, so
    the demo wipe must call this first.  Photo files are removed from storage too.
    """
    from .models import HazardCheck, Patrol, Photo, Visit

    deleted = 0
    for photo in Photo.objects.filter(grid__is_demo=True).only("file"):
        photo.file.delete(save=False)
    for model in (Visit, HazardCheck, Patrol):
        count, _by_model = model.objects.filter(grid__is_demo=True).delete()
        deleted += count
    return deleted
