"""Patrols: start, stop, and track points taken only while a patrol is on."""

from __future__ import annotations

import itertools
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.models import Area

from .. import policy
from ..models import Patrol, TrackPoint
from .common import (
    Errors,
    coordinate,
    create_once,
    moment,
    parse_key,
    raise_if,
    replay,
    require_staff,
    text,
    writable_grid,
)

EARTH_RADIUS_M = 6_371_000


@dataclass
class PointInput:
    key: uuid.UUID | str
    at: datetime
    lat: float | Decimal
    lng: float | Decimal
    accuracy: float | None = None


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def track_length_m(patrol: Patrol) -> int:
    points = list(patrol.points.order_by("at", "id").values_list("lat", "lng"))
    total = 0.0
    for prev, cur in itertools.pairwise(points):
        total += haversine_m((float(prev[0]), float(prev[1])), (float(cur[0]), float(cur[1])))
    return round(total)


@transaction.atomic
def patrol_start(
    *, actor: Any, key: uuid.UUID | str, grid: Area | None, started_at: datetime | None = None
) -> tuple[Patrol, bool]:
    """Start a patrol once per ``key``; a worker has at most one patrol on at a time."""
    require_staff(actor)
    errors: Errors = {}
    parsed_key = parse_key(errors, key)
    raise_if(errors)
    assert parsed_key is not None
    existing = replay(Patrol, parsed_key, actor)
    if existing is not None:
        return existing, False
    grid = writable_grid(errors, actor, grid)
    when = moment(errors, "started_at", started_at)
    busy = ValidationError({"grid": _("您有一次巡查尚未结束，请先结束它。")})
    if Patrol.objects.filter(worker=actor, ended_at__isnull=True).exists():
        raise busy
    raise_if(errors)
    assert grid is not None

    def build() -> Patrol:
        patrol = Patrol.objects.create(key=parsed_key, worker=actor, grid=grid, started_at=when)
        record(actor=actor, action="gridwork.patrol.start", obj=patrol, changes={"started_at": when})
        return patrol

    return create_once(Patrol, parsed_key, actor, build, conflict=busy)


def _own_open(actor: Any, patrol: Patrol, errors: Errors) -> None:
    if patrol.worker_id != getattr(actor, "pk", None):
        errors["patrol"] = _("只能操作本人的巡查。")
    elif patrol.ended_at is not None:
        errors["patrol"] = _("巡查已结束，不能再记录轨迹。")


@transaction.atomic
def patrol_stop(*, actor: Any, patrol: Patrol, notes: str = "", ended_at: datetime | None = None) -> Patrol:
    """Stop a patrol: its distance is measured along its track. Stopping twice changes nothing."""
    require_staff(actor)
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if patrol.worker_id != getattr(actor, "pk", None):
        raise ValidationError({"patrol": _("只能操作本人的巡查。")})
    if patrol.ended_at is not None:
        return patrol  # a repeated stop (e.g. resent after a timeout) is not an error
    errors: Errors = {}
    when = moment(errors, "ended_at", ended_at)
    if when < patrol.started_at:
        errors["ended_at"] = _("结束时间不能早于开始时间。")
    notes = text(errors, "notes", notes, max_length=2000)
    raise_if(errors)
    patrol.ended_at = when
    patrol.notes = notes
    patrol.distance_m = track_length_m(patrol)
    patrol.save(update_fields=["ended_at", "notes", "distance_m", "updated_at"])
    record(
        actor=actor,
        action="gridwork.patrol.stop",
        obj=patrol,
        changes={"ended_at": when, "distance_m": patrol.distance_m, "points": patrol.points.count()},
    )
    return patrol


@transaction.atomic
def track_points_add(*, actor: Any, patrol: Patrol, points: Sequence[PointInput]) -> int:
    """Add fixes to a patrol that is on; refused once it is stopped. Resent keys are ignored."""
    require_staff(actor)
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    errors: Errors = {}
    _own_open(actor, patrol, errors)
    raise_if(errors)
    if len(points) > policy.TRACK_BATCH_MAX:
        raise ValidationError({"points": _("每次最多上传%(n)d个轨迹点。") % {"n": policy.TRACK_BATCH_MAX}})
    rows: list[TrackPoint] = []
    seen: set[uuid.UUID] = set()
    for i, p in enumerate(points):
        key = parse_key(errors, p.key, f"points.{i}.key")
        at = moment(errors, f"points.{i}.at", p.at)
        if at < patrol.started_at - policy.MAX_CLOCK_SKEW:
            errors[f"points.{i}.at"] = _("定位时间早于巡查开始时间。")
        lat = coordinate(errors, f"points.{i}.lat", p.lat, 90)
        lng = coordinate(errors, f"points.{i}.lng", p.lng, 180)
        accuracy = p.accuracy
        if accuracy is not None and not (0 <= accuracy < 100_000 and math.isfinite(accuracy)):
            errors[f"points.{i}.accuracy"] = _("定位精度无效。")
        if lat is None or lng is None:
            errors.setdefault(f"points.{i}.lat", _("坐标无效。"))
        if key is not None and key not in seen and lat is not None and lng is not None:
            seen.add(key)
            rows.append(TrackPoint(key=key, patrol=patrol, at=at, lat=lat, lng=lng, accuracy=accuracy))
    raise_if(errors)
    known = set(TrackPoint.objects.filter(key__in=seen).values_list("key", flat=True))
    fresh = [r for r in rows if r.key not in known]
    TrackPoint.objects.bulk_create(fresh, ignore_conflicts=True)
    if fresh:
        record(
            actor=actor,
            action="gridwork.patrol.track",
            obj=patrol,
            changes={"points": len(fresh), "until": max(r.at for r in fresh)},
        )
    return len(fresh)
