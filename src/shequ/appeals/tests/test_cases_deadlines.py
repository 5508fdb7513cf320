"""Deadlines on the working-day calendar with a frozen clock: yellow, red, escalation; extensions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shequ.appeals.models import Case, CaseEvent, Category, Light
from shequ.appeals.services import (
    case_accept,
    case_dispatch,
    deadline_sweep,
    extension_decide,
    extension_request,
    set_deadlines,
)
from shequ.core.models import AuditEntry

from .cases_support import draw_grids, file_case

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def _filed_at(actor: Any, when: datetime, category: str) -> Case:
    case = file_case(actor).case
    Case.objects.filter(pk=case.pk).update(submitted_at=when, clock_start=when)
    case.refresh_from_db()
    set_deadlines(case, Category.objects.get(code=category))
    Case.objects.filter(pk=case.pk).update(response_due=case.response_due, resolve_due=case.resolve_due)
    case.refresh_from_db()
    return case


def _light(case: Case) -> str:
    case.refresh_from_db()
    return case.light


def test_yellow_then_red_then_escalated_across_weekend_holidays_and_a_make_up_day(
    mini: Any, personas: dict[str, Any]
) -> None:
    draw_grids(mini)
    # Friday 18 Sep 2026, 10:00; 违章搭建: 240 h = 10 working days.  Sat 19 off, Sun 20 a make-up
    # working day (国庆节调休), 25–27 Sep 中秋节, 1–7 Oct 国庆节 → due Fri 9 Oct, 17:30.
    case = _filed_at(personas["resident"], at(9, 18, 10), "ENV-BUILD")
    case = case_dispatch(
        actor=personas["community_worker"], case=case, version=case.version, category="ENV-BUILD"
    )
    case = case_accept(actor=personas["street_staff"], case=case, version=case.version)
    assert case.resolve_due == at(10, 9, 17, 30)

    deadline_sweep(now=at(9, 19, 12))  # Saturday
    assert _light(case) == Light.GREEN
    deadline_sweep(now=at(9, 26, 10))  # 中秋节
    assert _light(case) == Light.GREEN
    # 75.5 office hours allowed; 0.8 of them are used at 16:24 on Wed 30 Sep
    deadline_sweep(now=at(9, 30, 16, 0))
    assert _light(case) == Light.GREEN
    deadline_sweep(now=at(9, 30, 16, 30))
    assert _light(case) == Light.YELLOW
    deadline_sweep(now=at(10, 5, 12))  # 国庆节: the clock stands still, nothing escalates
    assert _light(case) == Light.YELLOW
    deadline_sweep(now=at(10, 9, 17, 0))
    assert _light(case) == Light.YELLOW
    assert not CaseEvent.objects.filter(case=case, kind="overdue_escalate").exists()

    result = deadline_sweep(now=at(10, 10, 9, 0))  # Saturday 10 Oct, a make-up working day
    case.refresh_from_db()
    assert case.light == Light.RED
    assert result.escalated == 1
    assert case.supervised
    assert case.escalation_area == mini.district_a
    assert CaseEvent.objects.filter(case=case, kind="overdue_escalate").count() == 1
    assert (
        AuditEntry.objects.filter(action="appeals.case.escalate_overdue", object_id=str(case.pk)).count() == 1
    )

    again = deadline_sweep(now=at(10, 12, 9, 0))  # idempotent: nothing more happens
    assert again.escalated == 0
    assert again.changed == 0
    assert CaseEvent.objects.filter(case=case, kind="overdue_escalate").count() == 1
    lights = list(CaseEvent.objects.filter(case=case, kind="light").values_list("data__light", flat=True))
    assert lights == ["yellow", "red"]


def test_an_undispatched_case_escalates_on_its_response_deadline(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    # Thursday 24 Sep, 10:00; 垃圾清运: answer within 24 h = 1 working day → Mon 28 Sep 17:30 (25–27 中秋节)
    case = _filed_at(personas["resident"], at(9, 24, 10), "ENV-WASTE")
    assert case.response_due == at(9, 28, 17, 30)
    deadline_sweep(now=at(9, 27, 20))
    assert _light(case) == Light.GREEN
    deadline_sweep(now=at(9, 28, 17, 40))
    case.refresh_from_db()
    assert case.light == Light.RED
    assert case.escalation_area == mini.street_a
    assert case.escalated_kinds == "response"


def test_an_approved_extension_moves_the_resolution_deadline(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    case = _filed_at(personas["resident"], at(9, 18, 10), "ENV-WASTE")
    case = case_dispatch(
        actor=personas["community_worker"], case=case, version=case.version, category="ENV-WASTE"
    )
    before = case.resolve_due
    assert before == at(9, 21, 17, 30)  # 2 working days: Sun 20 (make-up), Mon 21
    extension_request(
        actor=personas["department_handler"],
        case=case,
        version=case.version,
        hours=7,
        reason="需协调环卫车辆",
    )
    case.refresh_from_db()
    extension_decide(actor=personas["community_worker"], case=case, version=case.version, approve=True)
    case.refresh_from_db()
    assert case.resolve_due == at(9, 22, 17, 30)
