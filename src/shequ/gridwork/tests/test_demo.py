"""The demo hook: a few patrols, visits, checks and open findings per grid worker, reproducibly."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.utils import timezone

from shequ.gridwork.demo import seed_demo
from shequ.gridwork.models import Finding, HazardCheck, Patrol, Visit

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_each_grid_of_a_worker(
    personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    worker = personas["grid_worker"]
    counts = seed_demo(
        grids=[mini.grid_a, mini.grid_b],
        workers={mini.grid_a.pk: worker},
        rng=random.Random(7),
        today=timezone.localdate(),
    )
    assert counts["gridwork_visits"] == Visit.objects.count() == 1  # one household in grid A
    assert counts["gridwork_checks"] == HazardCheck.objects.count() == 2
    assert counts["gridwork_patrols"] == Patrol.objects.filter(ended_at__isnull=False).count() == 2
    assert counts["gridwork_findings"] == Finding.objects.filter(status="open").count()
    assert not Visit.objects.filter(grid=mini.grid_b).exists()


def test_wipe_demo_removes_grid_work_of_demo_grids(personas: dict[str, Any], homes: dict[str, Any]) -> None:
    from shequ.core.models import Area
    from shequ.demo.factories import make_area
    from shequ.gridwork.demo import wipe_demo
    from shequ.gridwork.models import Need, TrackPoint

    demo_grid = make_area("演示网格", "grid", homes["a"].grid.parent, is_demo=True)
    assert Area.objects.filter(pk=demo_grid.pk, is_demo=True).exists()
    worker = personas["grid_worker"]
    seed_demo(
        grids=[demo_grid], workers={demo_grid.pk: worker}, rng=random.Random(1), today=timezone.localdate()
    )
    kept = Visit.objects.create(
        key="00000000-0000-4000-8000-000000000001",
        grid=homes["a"].grid,
        household=homes["a"],
        worker=worker,
        visited_at=timezone.now(),
        summary="真实网格的走访",
    )
    assert wipe_demo() > 0
    assert not Patrol.objects.filter(grid=demo_grid).exists()
    assert not HazardCheck.objects.filter(grid=demo_grid).exists()
    assert not TrackPoint.objects.filter(patrol__grid=demo_grid).exists()
    assert list(Visit.objects.all()) == [kept]
    assert not Need.objects.exists()
