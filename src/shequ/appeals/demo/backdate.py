"""Moving a demo case made today to the times its plan gives (demo data only): timestamps,
events, ratings, units and notifications shifted in order, deadlines recounted, numbers reissued."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from shequ.core.calendar import local_date

from ..models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseRating,
    CaseUnit,
)
from ..services.deadlines import due_after, light_of, limits
from .plans import OPEN_ENDS, REOPENED, Plan, Story


def _start(plan: Plan, span: float, now: datetime, rng: random.Random) -> tuple[datetime, float]:
    """When the case was filed (in office hours), and the factor its planned hours shrink by to end
    before ``now``."""
    today = timezone.localtime(now)
    month_start = today.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    previous_start = (month_start - timedelta(days=1)).replace(day=1)
    end = now - timedelta(minutes=5)
    if plan.end in OPEN_ENDS or plan.end == REOPENED:
        start = _daytime(end - timedelta(hours=span + rng.uniform(1, 8)), rng)
    elif plan.previous:
        days = (month_start - previous_start).days
        start = previous_start + timedelta(days=rng.randint(0, days - 5), hours=rng.uniform(8, 20))
    else:
        low, high = month_start + timedelta(hours=8), end - timedelta(hours=span + 1)
        start = low + (high - low) * rng.random() if high > low else month_start + timedelta(minutes=1)
        start = max(_daytime(start, rng), month_start)
    if span and start + timedelta(hours=span) > end:
        factor = (end - start) / timedelta(hours=span)
        if factor < 0.01:  # the first minutes of a month: let the case begin in the last one
            return end - timedelta(hours=span), 1.0
        return start, factor
    return start, 1.0


def _daytime(moment: datetime, rng: random.Random) -> datetime:
    """``moment``, or an earlier one between 8:00 and 21:00 when it falls at night."""
    local = timezone.localtime(moment)
    if 8 <= local.hour < 21:
        return moment
    back = 0 if local.hour >= 21 else 1
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=back)
    return midnight + timedelta(hours=rng.uniform(8, 21))


def _awake(planned: list[datetime], end: datetime) -> list[datetime]:
    """Steps that fall at night moved to the next morning (the later ones with them); the whole story
    a day earlier for each day it would then run past ``end`` (unless that leaves its month)."""
    moved, delta = [], timedelta(0)
    for k, moment in enumerate(planned):
        local = timezone.localtime(moment + delta)
        if k and not 7 <= local.hour < 22:
            morning = local.replace(hour=8, second=0, microsecond=0) + timedelta(days=local.hour >= 22)
            delta += morning - local
        moved.append(moment + delta)
    while moved[-1] > end:
        moved = [moment - timedelta(days=1) for moment in moved]
    month = timezone.localtime(planned[0]).month
    return moved if timezone.localtime(moved[0]).month == month else planned


def _backdate(story: Story, start: datetime, factor: float, now: datetime) -> Case:
    assert story.case is not None
    planned = [
        (start + timedelta(hours=hours * factor)).replace(microsecond=0) for _real, hours in story.marks
    ]
    planned = _awake(planned, now - timedelta(minutes=5))
    marks = [(real, moment) for (real, _hours), moment in zip(story.marks, planned, strict=True)]

    def shift(moment: datetime | None) -> datetime | None:
        """The planned time of the step that stamped ``moment`` (rows of one step: one moment)."""
        if moment is None:
            return None
        planned = marks[0][1]
        for real, when in marks:
            if real > moment:
                break
            planned = when
        return planned

    case = Case.objects.select_related("area", "category", "suggested_category").get(pk=story.case.pk)
    stamps = (
        *("submitted_at", "dispatched_at", "accepted_at", "contacted_at", "handled_at", "verified_at"),
        *("closed_at", "rated_at", "clock_start", "reviewed_at", "escalated_at"),
    )
    values: dict[str, Any] = {name: shift(getattr(case, name)) for name in stamps}
    values["updated_at"] = max(v for v in values.values() if v is not None)
    for name, value in values.items():
        setattr(case, name, value)
    category = case.category or case.suggested_category
    if category is not None and case.response_due is not None:
        response, resolve = limits(category, case.urgency, case.area)
        case.response_due = values["response_due"] = due_after(case.submitted_at, response, case.area)
        case.resolve_due = values["resolve_due"] = due_after(
            case.clock_start or case.submitted_at, resolve, case.area
        )
    values["light"] = light_of(case, now).light
    Case.objects.filter(pk=case.pk).update(**values)
    _shift_rows(CaseEvent.objects.filter(case=case), ("at",), shift)
    _shift_rows(CaseRating.objects.filter(case=case), ("rated_at",), shift)
    _shift_rows(CaseUnit.objects.filter(case=case), ("added_at",), shift)
    _shift_notifications(case.pk, shift)
    return case


def _shift_rows(qs: Any, names: Sequence[str], shift: Callable[[Any], Any]) -> None:
    rows = list(qs)
    for row in rows:
        for name in names:
            setattr(row, name, shift(getattr(row, name)))
    if rows:
        qs.model.objects.bulk_update(rows, list(names))


def _shift_notifications(case_id: int, shift: Callable[[Any], Any]) -> None:
    """The case's messages as sent when they were due (a demo must not send them again today)."""
    from shequ.integration.outbox.models import Notification, NotificationStatus

    rows = list(Notification.objects.filter(dedup_key__startswith=f"appeal:{case_id}:"))
    for row in rows:
        row.created_at = row.next_attempt_at = shift(row.created_at)
        row.sent_at = shift(row.sent_at) if row.sent_at else row.created_at
        if row.status != NotificationStatus.SENT:
            row.status, row.provider_message_id = NotificationStatus.SENT, "demo"
    if rows:
        fields = ["created_at", "next_attempt_at", "sent_at", "status", "provider_message_id"]
        Notification.objects.bulk_update(rows, fields)


def _renumber(cases: list[Case]) -> None:
    """Tracking numbers by the shifted submission day, in order of submission."""
    ours = sorted(cases, key=lambda c: (c.submitted_at, c.pk))
    for case in ours:
        Case.objects.filter(pk=case.pk).update(number=f"D{case.pk}")
    by_day: dict[Any, list[Case]] = {}
    for case in ours:
        by_day.setdefault(local_date(case.submitted_at), []).append(case)
    for day, members in by_day.items():
        prefix = f"{day:%Y%m%d}-"
        taken = Case.objects.filter(number__startswith=prefix).values_list("number", flat=True)
        base = max((int(n[len(prefix) :]) for n in taken), default=0)
        for k, case in enumerate(members, start=1):
            case.number = f"{prefix}{base + k:06d}"
            Case.objects.filter(pk=case.pk).update(number=case.number)
        CaseCounter.objects.update_or_create(day=day, defaults={"last": base + len(members)})
