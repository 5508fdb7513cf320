"""The state machine: the whole loop, refusals (wrong state, wrong person), conflicts, on-the-spot closure."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shequ.appeals.models import CaseEvent, CaseState, CaseUnit, TrainingExample
from shequ.appeals.services import (
    TRANSITIONS,
    CaseConflict,
    allowed_for,
    case_accept,
    case_approve_return,
    case_assign_down,
    case_classify,
    case_close,
    case_dispatch,
    case_escalate,
    case_handle,
    case_on_spot,
    case_refuse_return,
    case_request_return,
    case_supervise,
    case_verify,
)
from shequ.core.models import AuditEntry

from .cases_support import draw_grids, file_case, photo_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(mini: Any, personas: dict[str, Any]) -> Any:
    draw_grids(mini)
    filed = file_case(personas["resident"]).case
    case_classify(case_id=filed.pk)
    filed.refresh_from_db()
    return filed


def test_the_whole_loop_with_a_refused_return(case: Any, mini: Any, personas: dict[str, Any]) -> None:
    dispatcher = personas["community_worker"]
    handler = personas["department_handler"]
    assert {t.name for t in allowed_for(dispatcher, case)} >= {"dispatch", "escalate", "merge", "dismiss"}
    assert not allowed_for(handler, case)
    case = case_dispatch(actor=dispatcher, case=case, version=case.version, category=case.suggested_category)
    assert case.state == CaseState.DISPATCHED
    assert case.lead_org == mini.dept_a
    assert case.lead_unit == "玄武区城市管理局"
    assert TrainingExample.objects.get(case_id=case.pk).source == "confirmed"
    assert CaseUnit.objects.filter(case=case, active=True, role="lead").count() == 1
    assert [t.name for t in allowed_for(handler, case)] == [
        "accept",
        "request_return",
        "note",
        "request_extension",
        "contact",
    ]
    case = case_request_return(actor=handler, case=case, version=case.version, reason="不属于本局职责")
    assert case.state == CaseState.RETURN_REQUESTED
    case = case_refuse_return(actor=dispatcher, case=case, version=case.version, note="属于城管职责，请办理")
    assert case.state == CaseState.DISPATCHED
    case = case_accept(actor=handler, case=case, version=case.version)
    assert case.state == CaseState.ACCEPTED
    assert case.accepted_at is not None
    case = case_handle(
        actor=handler,
        case=case,
        version=case.version,
        result="已清运完毕",
        before_photos=[photo_file()],
        after_photos=[photo_file(color="green")],
    )
    assert case.state == CaseState.HANDLED
    assert case.photos.filter(stage="before").count() == 1
    assert case.photos.filter(stage="after").count() == 1
    case = case_verify(
        actor=personas["grid_worker"], case=case, version=case.version, passed=True, note="现场已干净"
    )
    assert case.state == CaseState.VERIFIED
    case = case_close(actor=dispatcher, case=case, version=case.version)
    assert case.state == CaseState.CLOSED
    assert case.closed_at is not None
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == [
        "submit",
        "dispatch",
        "request_return",
        "refuse_return",
        "accept",
        "handle",
        "verify",
        "close",
    ]
    actions = set(
        AuditEntry.objects.filter(object_id=str(case.pk), object_type="appeals.case").values_list(
            "action", flat=True
        )
    )
    assert {"appeals.case.dispatch", "appeals.case.refuse_return", "appeals.case.close"} <= actions


def test_a_corrected_category_is_learned_as_corrected(case: Any, personas: dict[str, Any]) -> None:
    case_dispatch(actor=personas["community_worker"], case=case, version=case.version, category="COM-AFFAIRS")
    case.refresh_from_db()
    assert case.lead_area is not None
    assert case.lead_area.name == "大悲巷社区"
    assert TrainingExample.objects.get(case_id=case.pk).source == "corrected"
    # the community itself handles it: its workers accept
    case_accept(actor=personas["community_head"], case=case, version=case.version)


def test_wrong_state_is_refused_in_chinese(case: Any, personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        case_close(actor=personas["community_worker"], case=case, version=case.version)
    assert exc.value.message_dict["state"] == ["案件当前状态为“待分拨”，不能结案。"]
    with pytest.raises(ValidationError):
        case_accept(actor=personas["system_admin"], case=case, version=case.version)


def test_wrong_people_are_refused(case: Any, personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        case_dispatch(actor=personas["grid_worker"], case=case, version=case.version, category="ENV-WASTE")
    with pytest.raises(PermissionDenied):
        case_dispatch(actor=personas["resident"], case=case, version=case.version, category="ENV-WASTE")
    with pytest.raises(PermissionDenied):
        case_supervise(actor=personas["community_worker"], case=case, version=case.version, note="督办")


def test_a_stale_version_is_a_conflict(case: Any, personas: dict[str, Any]) -> None:
    seen = case.version
    case_dispatch(actor=personas["community_worker"], case=case, version=seen, category="ENV-WASTE")
    with pytest.raises(CaseConflict) as exc:
        case_dispatch(actor=personas["community_head"], case=case, version=seen, category="ENV-WASTE")
    assert str(exc.value) == "该案件已被他人处理，请刷新后重试。"


def test_approved_return_goes_back_to_the_queue(case: Any, personas: dict[str, Any]) -> None:
    case = case_dispatch(
        actor=personas["community_worker"], case=case, version=case.version, category="ENV-WASTE"
    )
    case = case_request_return(
        actor=personas["department_handler"], case=case, version=case.version, reason="非本辖区"
    )
    case = case_approve_return(actor=personas["community_worker"], case=case, version=case.version)
    assert case.state == CaseState.SUBMITTED
    assert case.lead_org is None
    assert not CaseUnit.objects.filter(case=case, active=True).exists()
    with pytest.raises(PermissionDenied):  # no longer its unit
        case_request_return(actor=personas["department_handler"], case=case, version=case.version, reason="x")


def test_escalate_up_and_assign_down(case: Any, mini: Any, personas: dict[str, Any]) -> None:
    case = case_escalate(
        actor=personas["community_worker"], case=case, version=case.version, note="社区无法协调"
    )
    assert case.handling_area == mini.street_a
    assert not {t.name for t in allowed_for(personas["community_worker"], case)} & {"dispatch"}
    case = case_assign_down(
        actor=personas["street_staff"],
        case=case,
        version=case.version,
        area=mini.community_a,
        note="请社区先行处置",
    )
    assert case.handling_area == mini.community_a
    with pytest.raises(ValidationError):
        case_assign_down(
            actor=personas["street_staff"], case=case, version=case.version, area=mini.community_b
        )


def test_supervised_follow_up_by_a_higher_level(case: Any, personas: dict[str, Any]) -> None:
    case = case_supervise(actor=personas["street_staff"], case=case, version=case.version, note="请加快办理")
    assert case.supervised
    assert case.state == CaseState.SUBMITTED


def test_on_the_spot_handling_closes_without_dispatch(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    worker = personas["grid_worker"]
    case = file_case(worker, text="楼道杂物堵塞，已当场清理").case
    with pytest.raises(ValidationError) as exc:
        case_on_spot(
            actor=worker, case=case, version=case.version, result="已清理", before_photos=[], after_photos=[]
        )
    assert {"before_photos", "after_photos"} <= set(exc.value.message_dict)
    case = case_on_spot(
        actor=worker,
        case=case,
        version=case.version,
        result="已清理",
        before_photos=[photo_file()],
        after_photos=[photo_file(color="blue")],
    )
    assert case.state == CaseState.CLOSED
    assert case.resolved_on_spot
    assert case.dispatched_at is None
    assert case.photos.filter(stage="before").exists()
    assert case.photos.filter(stage="after").exists()
    other = file_case(worker).case
    with pytest.raises(PermissionDenied):
        case_on_spot(
            actor=personas["department_handler"],
            case=other,
            version=other.version,
            result="x",
            before_photos=[photo_file()],
            after_photos=[photo_file()],
        )


def test_the_transition_table_names_every_action_once() -> None:
    assert len(TRANSITIONS) == 22
    assert all(t.sources for t in TRANSITIONS.values())
