"""Factories for grid work, shared by the tests and the demo city (rows written directly, no audit)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shequ.core.models import Area

from .checklists import ensure_checklist_templates
from .models import (
    ChecklistItem,
    CheckResult,
    Finding,
    FindingStatus,
    HazardCheck,
    ItemResult,
    Need,
    NeedKind,
    Patrol,
    TrackPoint,
    Visit,
)


def png_bytes(width: int = 64, height: int = 48, color: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A small real image made with Pillow (tests upload it; the demo does not need photos)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def data_url(raw: bytes, mime: str = "image/png") -> str:
    import base64

    return f"data:{mime};base64,{base64.b64encode(raw).decode()}"


def make_visit(
    grid: Area,
    household: Any,
    worker: Any,
    *,
    visited_at: datetime | None = None,
    summary: str = "入户了解家庭情况，老人身体尚可。",
    needs: Sequence[tuple[str, str]] | None = None,
) -> Visit:
    visit = Visit.objects.create(
        key=uuid.uuid4(),
        grid=grid,
        household=household,
        worker=worker,
        visited_at=visited_at or timezone.now(),
        summary=summary,
    )
    for kind, description in needs or []:
        Need.objects.create(visit=visit, grid=grid, kind=kind, description=description)
    return visit


def make_need(visit: Visit, kind: str = NeedKind.ELDERLY_CARE, description: str = "希望提供助餐服务") -> Need:
    return Need.objects.create(visit=visit, grid=visit.grid, kind=kind, description=description)


def make_check(
    grid: Area,
    worker: Any,
    *,
    checked_at: datetime | None = None,
    failing: tuple[str, ...] = ("ebike",),
    location: str = "3栋1单元楼道",
    place: Any = None,
    due_on: date | None = None,
) -> HazardCheck:
    """A check answering every item of the catalogue; the first item of each ``failing`` template fails."""
    ensure_checklist_templates()
    when = checked_at or timezone.now()
    check = HazardCheck.objects.create(
        key=uuid.uuid4(), grid=grid, worker=worker, checked_at=when, location=location, place=place
    )
    items = list(ChecklistItem.objects.filter(active=True).select_related("template"))
    failed_templates: set[str] = set()
    results = []
    for item in items:
        fail = item.template.code in failing and item.template.code not in failed_templates
        if fail:
            failed_templates.add(item.template.code)
            Finding.objects.create(
                check_record=check,
                grid=grid,
                item=item,
                description=item.text,
                due_on=due_on or timezone.localdate(when) + timedelta(days=7),
            )
        results.append(
            CheckResult(check_record=check, item=item, result=ItemResult.FAIL if fail else ItemResult.PASS)
        )
    CheckResult.objects.bulk_create(results)
    return check


def make_finding(grid: Area, worker: Any, **kwargs: Any) -> Finding:
    check = make_check(grid, worker, failing=("fire",), **kwargs)
    return check.findings.get()


def make_patrol(
    grid: Area,
    worker: Any,
    *,
    started_at: datetime | None = None,
    minutes: int | None = 45,
    points: int = 5,
    origin: tuple[float, float] = (32.0603, 118.7969),
) -> Patrol:
    """A patrol with a short track; ``minutes=None`` leaves it on."""
    start = started_at or timezone.now() - timedelta(hours=2)
    patrol = Patrol.objects.create(key=uuid.uuid4(), worker=worker, grid=grid, started_at=start)
    TrackPoint.objects.bulk_create(
        [
            TrackPoint(
                key=uuid.uuid4(),
                patrol=patrol,
                at=start + timedelta(minutes=i * 5),
                lat=Decimal(str(round(origin[0] + i * 0.0005, 6))),
                lng=Decimal(str(round(origin[1] + i * 0.0004, 6))),
                accuracy=10.0,
            )
            for i in range(points)
        ]
    )
    if minutes is not None:
        from .services.patrols import track_length_m

        patrol.ended_at = start + timedelta(minutes=minutes)
        patrol.distance_m = track_length_m(patrol)
        patrol.notes = "巡查楼道、车棚，未见异常。"
        patrol.save(update_fields=["ended_at", "distance_m", "notes"])
    return patrol


__all__ = [
    "FindingStatus",
    "data_url",
    "make_check",
    "make_finding",
    "make_need",
    "make_patrol",
    "make_visit",
    "png_bytes",
]
