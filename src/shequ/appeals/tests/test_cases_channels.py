"""The 12345 adapter (cases in, status back), emergency hand-over by the dispatcher."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shequ.appeals.adapters.hotline12345 import RecordingBackend, receive
from shequ.appeals.models import Case, CaseState, Channel, EmergencyHandover
from shequ.appeals.services import case_accept, case_dispatch, case_handover

from .cases_support import POINT_A, draw_grids, file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(settings: Any) -> Iterator[type[RecordingBackend]]:
    settings.SHEQU_12345_BACKEND = "shequ.appeals.adapters.hotline12345.RecordingBackend"
    RecordingBackend.clear()
    yield RecordingBackend
    RecordingBackend.clear()


def test_12345_orders_come_in_once_and_status_goes_back(
    mini: Any, personas: dict[str, Any], hotline: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw_grids(mini)
    order = {
        "order_id": "GD20260918001",
        "content": "小区门口垃圾没人清运",
        "lng": POINT_A[0],
        "lat": POINT_A[1],
        "caller_name": "李女士",
        "caller_phone": "13812340000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        case = receive(order)
    assert receive(order).pk == case.pk
    assert Case.objects.count() == 1
    assert case.channel == Channel.HOTLINE_12345
    assert case.external_ref == "GD20260918001"
    with django_capture_on_commit_callbacks(execute=True):
        case = case_dispatch(
            actor=personas["community_worker"], case=case, version=case.version, category="ENV-WASTE"
        )
        case_accept(actor=personas["department_handler"], case=case, version=case.version)
    assert [(s.order_id, s.status) for s in hotline.sent] == [
        ("GD20260918001", "已接收"),
        ("GD20260918001", "已派单"),
        ("GD20260918001", "办理中"),
    ]


def test_a_dispatcher_hands_a_case_to_an_emergency_line(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    case = file_case(personas["resident"], text="楼道里有很浓的煤气味").case
    dispatcher = personas["community_worker"]
    case = case_handover(
        actor=dispatcher, case=case, version=case.version, line="119", reference="119-778", note="已电话转119"
    )
    assert case.state == CaseState.EMERGENCY
    assert case.emergency_line == "119"
    handover = EmergencyHandover.objects.get(case=case)
    assert (handover.line, handover.handed_by, handover.reference) == ("119", dispatcher, "119-778")
    assert handover.handed_at is not None
    # kept open for follow-up: it can still be dispatched for the aftermath
    case = case_dispatch(
        actor=dispatcher, case=case, version=case.version, category="SAF-FIRE", organisation=mini.dept_a
    )
    assert case.state == CaseState.DISPATCHED
