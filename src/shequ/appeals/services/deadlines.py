"""Response and resolution deadlines on the working-day calendar, the yellow/red light, escalation.

A limit shorter than ``appeals.deadline_natural_hours_below`` (24 h) runs around the clock
(urgent matters do not wait for Monday); a longer one counts whole working days (hours ÷ 24,
rounded up) and ends at the close of office hours on that working day, skipping weekends and
public holidays and counting make-up working days (调休).  Both clocks start when the case is
submitted.  The light turns yellow when the used share of office time reaches
``deadline.yellow_share`` and red when a deadline has passed; :func:`deadline_sweep` (the
periodic job) updates lights and escalates red cases one level up, once per deadline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record, record_batch
from shequ.core.calendar import (
    add_hours,
    add_working_hours,
    deadline_state,
    working_days_deadline,
    yellow_share,
)
from shequ.core.models import Area, AreaLevel

from .. import policy
from ..models import CLOCK_STATES, Case, Category, ExtensionRequest, ExtensionState, Light, Urgency
from . import common as c
from .workflow import begin, clean_note, finish

ORDER = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}
#: Levels an overdue case is escalated through (grid and committee areas go to their street, …).
ESCALATION_LEVELS = (AreaLevel.STREET, AreaLevel.TOWN, AreaLevel.DISTRICT, AreaLevel.ZONE, AreaLevel.CITY)


def due_after(start: datetime, hours: Decimal | int, area: Area | None) -> datetime:
    hours = Decimal(hours)
    if hours < policy.value("appeals.deadline_natural_hours_below", area):
        return add_hours(start, hours)
    return working_days_deadline(start, math.ceil(hours / 24), area=area)


def limits(category: Category, urgency: str, area: Area | None) -> tuple[Decimal, Decimal]:
    response, resolve = Decimal(category.response_hours), Decimal(category.resolve_hours)
    if urgency == Urgency.URGENT and category.urgency != Urgency.URGENT:
        response = min(response, policy.value("appeals.urgent_response_hours", area))
        resolve = min(resolve, policy.value("appeals.urgent_resolve_hours", area))
    return response, resolve


def set_deadlines(case: Case, category: Category | None) -> list[str]:
    """Give ``case`` its deadlines from ``category`` (counted from submission); the changed fields."""
    if category is None:
        return []
    start = case.clock_start or case.submitted_at
    response, resolve = limits(category, case.urgency, case.area)
    case.clock_start = start
    case.response_due = due_after(start, response, case.area)
    case.resolve_due = due_after(start, resolve, case.area)
    return ["clock_start", "response_due", "resolve_due"]


@dataclass(frozen=True)
class Clock:
    light: str
    kind: str  # "response" or "resolve": the deadline that set the light


def light_of(case: Case, now: datetime) -> Clock:
    """The light at ``now``: the worse of the response clock (until accepted) and the resolution clock."""
    if case.state not in CLOCK_STATES or case.clock_start is None:
        return Clock(case.light, "")
    share = yellow_share(case.area)
    worst = Clock(Light.GREEN, "")
    checks = []
    if case.accepted_at is None and case.response_due is not None:
        checks.append(("response", case.response_due))
    if case.handled_at is None and case.resolve_due is not None:
        checks.append(("resolve", case.resolve_due))
    for kind, due in checks:
        working = _counts_working_time(case, kind)
        state = deadline_state(case.clock_start, due, now, yellow_at=share, working=working, area=case.area)
        if ORDER[Light(state)] > ORDER[Light(worst.light)]:
            worst = Clock(state, kind)
    return worst


def _counts_working_time(case: Case, kind: str) -> bool:
    category = case.category or case.suggested_category
    if category is None:
        return True
    response, resolve = limits(category, case.urgency, case.area)
    hours = response if kind == "response" else resolve
    return hours >= policy.value("appeals.deadline_natural_hours_below", case.area)


def _escalation_target(case: Case) -> Area | None:
    """One level above whoever now answers for the case (the handling level, the lead street or unit)."""
    if case.escalation_area is not None:
        base = case.escalation_area
    else:
        lead_home = case.lead_org.home_area if case.lead_org is not None else None
        levels = [a for a in (case.handling_area, case.lead_area, lead_home) if a is not None]
        base = min(levels, key=lambda a: len(a.path))
    node = base.parent
    while node is not None and node.level not in ESCALATION_LEVELS:
        node = node.parent
    return node


@dataclass
class SweepResult:
    changed: int = 0
    escalated: int = 0


def deadline_sweep(*, now: datetime | None = None, batch: int = 500) -> SweepResult:
    """Update every running case's light and escalate what is newly overdue (idempotent)."""
    now = now or timezone.now()
    result = SweepResult()
    qs = (
        Case.objects.filter(state__in=CLOCK_STATES, clock_start__isnull=False)
        .select_related(
            "area",
            "handling_area",
            "escalation_area",
            "lead_area",
            "lead_org__home_area",
            "category",
            "suggested_category",
        )
        .order_by("pk")
    )
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last)[:batch])
        if not chunk:
            break
        last = chunk[-1].pk
        changed: list[int] = []
        with transaction.atomic():
            for case in chunk:
                clock = light_of(case, now)
                if clock.light != case.light:
                    Case.objects.filter(pk=case.pk).update(light=clock.light)
                    c.event(
                        case,
                        "light",
                        None,
                        note=str(Light(clock.light).label),
                        data={"light": clock.light},
                        at=now,
                    )
                    changed.append(case.pk)
                if clock.light == Light.RED and clock.kind not in case.escalated_kinds.split(","):
                    result.escalated += _escalate_overdue(case, clock.kind, now)
            if changed:
                record_batch(
                    actor=None,
                    action="appeals.case.light",
                    object_type="appeals.case",
                    object_ids=changed,
                    area=None,
                )
        result.changed += len(changed)
    return result


def _escalate_overdue(case: Case, kind: str, now: datetime) -> bool:
    """Escalate once per deadline; of two sweeps running at once the first wins (compare-and-swap)."""
    target = _escalation_target(case)
    kinds = ",".join(k for k in [*case.escalated_kinds.split(","), kind] if k)
    updated = Case.objects.filter(pk=case.pk, escalated_kinds=case.escalated_kinds).update(
        escalated_kinds=kinds,
        escalated_at=now,
        escalation_area=target or case.escalation_area,
        supervised=True,
    )
    if not updated:
        return False
    case.escalated_kinds, case.escalation_area = kinds, target or case.escalation_area
    label = _("响应") if kind == "response" else _("办结")
    note = _("%(kind)s超期，自动升级至%(area)s督办。") % {
        "kind": label,
        "area": target.name if target else "—",
    }
    c.event(case, "overdue_escalate", None, note=note, data={"deadline": kind}, at=now)
    record(
        actor=None, action="appeals.case.escalate_overdue", obj=case, changes={"deadline": kind}, reason=note
    )
    return True


# --------------------------------------------------------------------------- extensions


@transaction.atomic
def extension_request(
    *, actor: Any, case: Case, version: int | None, hours: Any, reason: str
) -> ExtensionRequest:
    locked = begin(actor, case, "request_extension", version)
    errors: dict[str, str] = {}
    try:
        n = int(hours)
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= 2000:
        errors["hours"] = _("延长时间应在1到2000个工作小时之间。")
    reason = clean_note(reason, "reason", limit=500, required=True)
    if locked.extensions.filter(state=ExtensionState.PENDING).exists():
        errors["hours"] = _("已有待审批的延期申请。")
    if errors:
        raise ValidationError(errors)
    ext = ExtensionRequest.objects.create(case=locked, hours=n, reason=reason, requested_by=actor)
    finish(actor, locked, "request_extension", fields=[], note=reason, data={"hours": n})
    return ext


@transaction.atomic
def extension_decide(
    *, actor: Any, case: Case, version: int | None, approve: bool, note: str = ""
) -> ExtensionRequest:
    locked = begin(actor, case, "decide_extension", version)
    ext = locked.extensions.select_for_update().filter(state=ExtensionState.PENDING).first()
    if ext is None:
        raise ValidationError({"extension": _("没有待审批的延期申请。")})
    note = clean_note(note)
    ext.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    ext.decided_by, ext.decided_at = actor, timezone.now()
    ext.save(update_fields=["state", "decided_by", "decided_at"])
    fields: list[str] = []
    if approve and locked.resolve_due is not None:
        locked.resolve_due = add_working_hours(locked.resolve_due, ext.hours, area=locked.area)
        locked.light = light_of(locked, timezone.now()).light
        fields = ["resolve_due", "light"]
    finish(
        actor,
        locked,
        "decide_extension",
        fields=fields,
        note=note,
        data={"approved": approve, "hours": ext.hours, "resolve_due": locked.resolve_due},
    )
    return ext
