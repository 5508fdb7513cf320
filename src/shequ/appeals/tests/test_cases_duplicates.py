"""Duplicates are offered for merging; merged cases share handling; every requester hears the outcome."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shequ.appeals.models import CaseState
from shequ.appeals.services import (
    case_accept,
    case_classify,
    case_close,
    case_dispatch,
    case_handle,
    case_merge,
    case_verify,
    duplicate_candidates,
)
from shequ.demo.factories import make_resident

from .cases_support import POINT_A, draw_grids, file_case

pytestmark = pytest.mark.django_db


def test_a_second_report_at_the_same_spot_is_offered_and_merged(
    mini: Any, personas: dict[str, Any], sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw_grids(mini)
    neighbour = make_resident("13900000077", home_area=mini.community_a, display_name="邻居")
    first = file_case(personas["resident"], text="大悲巷5号门口垃圾堆积好几天没人清运，很臭").case
    near = (POINT_A[0] + 0.0002, POINT_A[1] + 0.0001)  # about 20 m away
    second = file_case(neighbour, point=near, text="5号门口的垃圾堆好几天没人清运了，臭味很大").case
    far = file_case(neighbour, point=(118.7905, 32.0545), text="大悲巷5号门口垃圾堆积好几天没人清运").case
    other_text = file_case(neighbour, point=near, text="垃圾分类投放点的分类桶标识不清").case
    for case in (first, second, far, other_text):
        case_classify(case_id=case.pk)
        case.refresh_from_db()
    offered = duplicate_candidates(second)
    assert [c.case.pk for c in offered] == [first.pk]
    assert offered[0].metres < 30

    dispatcher = personas["community_worker"]
    with django_capture_on_commit_callbacks(execute=True):
        case_merge(actor=dispatcher, case=second, version=second.version, into=first, note="同一地点同一问题")
    second.refresh_from_db()
    assert second.state == CaseState.MERGED
    assert second.merged_into == first
    assert "合并办理" in sms_outbox.last_to("13900000077").text
    with pytest.raises(ValidationError):
        case_merge(actor=dispatcher, case=far, version=far.version, into=second)  # not into a merged case

    first.refresh_from_db()
    first = case_dispatch(actor=dispatcher, case=first, version=first.version, category="ENV-WASTE")
    handler = personas["department_handler"]
    first = case_accept(actor=handler, case=first, version=first.version)
    first = case_handle(actor=handler, case=first, version=first.version, result="垃圾已全部清运")
    first = case_verify(actor=personas["grid_worker"], case=first, version=first.version, passed=True)
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_close(actor=dispatcher, case=first, version=first.version)
    second.refresh_from_db()
    assert second.state == CaseState.CLOSED
    assert second.result == "垃圾已全部清运"
    told = {m.phone for m in sms_outbox.outbox if "已办结" in m.text and "垃圾已全部清运" in m.text}
    assert told == {"13800138000", "13900000077"}
