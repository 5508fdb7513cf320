"""The end of a case from the requester's side: contact, rating, one re-handling, review, notices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shequ.appeals.models import Case, CaseRating, CaseState, RatingChannel, ReviewState
from shequ.appeals.services import (
    allowed_for,
    awaiting_rating,
    case_accept,
    case_classify,
    case_close,
    case_contact,
    case_dispatch,
    case_handle,
    case_rate,
    case_review,
    case_verify,
)
from shequ.core.models import AuditEntry
from shequ.integration.outbox import Notification

from .cases_support import draw_grids, file_case

pytestmark = pytest.mark.django_db


def handled_to_close(case: Any, personas: dict[str, Any], *, result: str = "垃圾已清运") -> Any:
    dispatcher, handler = personas["community_worker"], personas["department_handler"]
    if case.state == CaseState.SUBMITTED:
        case = case_dispatch(actor=dispatcher, case=case, version=case.version, category="ENV-WASTE")
    if case.state == CaseState.DISPATCHED:
        case = case_accept(actor=handler, case=case, version=case.version, contacted=True)
    case = case_handle(actor=handler, case=case, version=case.version, result=result)
    case = case_verify(actor=personas["grid_worker"], case=case, version=case.version, passed=True)
    return case_close(actor=dispatcher, case=case, version=case.version)


@pytest.fixture
def closed(mini: Any, personas: dict[str, Any]) -> Any:
    draw_grids(mini)
    filed = file_case(personas["resident"]).case
    case_classify(case_id=filed.pk)
    filed.refresh_from_db()
    return handled_to_close(filed, personas)


def test_accepting_with_contact_and_contact_later_are_recorded_once(
    mini: Any, personas: dict[str, Any]
) -> None:
    draw_grids(mini)
    case = file_case(personas["resident"]).case
    dispatcher, handler = personas["community_worker"], personas["department_handler"]
    case = case_dispatch(actor=dispatcher, case=case, version=case.version, category="ENV-WASTE")
    case = case_accept(actor=handler, case=case, version=case.version)
    assert case.contacted_at is None
    assert "contact" in {t.name for t in allowed_for(handler, case)}
    with pytest.raises(ValidationError) as err:
        case_contact(actor=handler, case=case, version=case.version, note="")
    assert "note" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        case_contact(actor=personas["resident"], case=case, version=case.version, note="电话联系")
    case = case_contact(actor=handler, case=case, version=case.version, note="已电话联系，约定明早处理")
    first = case.contacted_at
    assert first is not None
    assert "contact" not in {t.name for t in allowed_for(handler, case)}
    case = case_contact(actor=handler, case=case, version=case.version, note="再次上门沟通")
    assert case.contacted_at == first  # the first contact is the one the response rate counts


def test_the_requester_rates_a_closed_case_once(closed: Any, personas: dict[str, Any]) -> None:
    resident = personas["resident"]
    assert awaiting_rating(closed)
    rating = case_rate(actor=resident, case=closed, resolved="1", level="basic", comment="处理及时")
    closed.refresh_from_db()
    assert (rating.round, rating.resolved, rating.level, rating.channel) == (1, True, "basic", "portal")
    assert closed.state == CaseState.CLOSED
    assert (closed.rating_resolved, closed.rating_level) == (True, "basic")
    assert closed.rated_at is not None
    assert not awaiting_rating(closed)
    assert AuditEntry.objects.filter(action="appeals.case.rate", object_id=str(closed.pk)).count() == 1
    with pytest.raises(ValidationError) as err:
        case_rate(actor=resident, case=closed, resolved="1", level="satisfied")
    assert "level" in err.value.message_dict
    assert CaseRating.objects.filter(case=closed).count() == 1


def test_bad_ratings_are_refused_field_by_field(closed: Any, personas: dict[str, Any]) -> None:
    resident = personas["resident"]
    with pytest.raises(ValidationError) as err:
        case_rate(actor=resident, case=closed, resolved="maybe", level="great")
    assert set(err.value.message_dict) == {"resolved", "level"}
    with pytest.raises(ValidationError) as err:
        case_rate(actor=resident, case=closed, resolved="0", level="dissatisfied", comment="")
    assert err.value.message_dict["comment"] == ["请说明不满意的原因，以便重新办理。"]
    with pytest.raises(ValidationError) as err:
        case_rate(actor=resident, case=closed, resolved="1", level="satisfied", comment="长" * 501)
    assert "comment" in err.value.message_dict
    other = personas["grid_worker"]
    with pytest.raises(PermissionDenied):
        case_rate(actor=other, case=closed, resolved="1", level="satisfied")
    assert not CaseRating.objects.exists()


def test_rating_after_the_window_is_refused(closed: Any, personas: dict[str, Any]) -> None:
    Case.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - timedelta(days=8))
    closed.refresh_from_db()
    assert not awaiting_rating(closed)
    with pytest.raises(ValidationError) as err:
        case_rate(actor=personas["resident"], case=closed, resolved="1", level="satisfied")
    assert err.value.message_dict["level"] == ["已超过评价期限。"]


def test_dissatisfied_reopens_once_then_goes_to_review(closed: Any, personas: dict[str, Any]) -> None:
    resident, handler = personas["resident"], personas["department_handler"]
    before_due, before_start = closed.resolve_due, closed.clock_start
    case_rate(actor=resident, case=closed, resolved="0", level="dissatisfied", comment="垃圾又堆起来了")
    closed.refresh_from_db()
    assert closed.state == CaseState.ACCEPTED
    assert closed.reopened_count == 1
    assert closed.closed_at is None
    assert closed.handled_at is None
    # the resolution clock restarts now (the deadline is counted again from the reopening)
    assert closed.clock_start > before_start
    assert closed.resolve_due is not None
    assert closed.resolve_due >= before_due
    assert [e.kind for e in closed.events.order_by("at", "id")][-2:] == ["rate", "reopen"]
    assert "handle" in {t.name for t in allowed_for(handler, closed)}

    closed = handled_to_close(closed, personas, result="已清运并加装监控")
    assert awaiting_rating(closed)
    case_rate(actor=resident, case=closed, resolved="0", level="dissatisfied", comment="还是没解决")
    closed.refresh_from_db()
    assert closed.state == CaseState.CLOSED
    assert closed.review_state == ReviewState.PENDING
    assert list(closed.ratings.values_list("round", "level")) == [(1, "dissatisfied"), (2, "dissatisfied")]
    assert not awaiting_rating(closed)

    street = personas["street_staff"]
    with pytest.raises(ValidationError):
        case_review(actor=street, case=closed, version=closed.version, excluded=True, note="")
    closed = case_review(
        actor=street, case=closed, version=closed.version, excluded=True, note="诉求超出政策范围"
    )
    assert closed.review_state == ReviewState.EXCLUDED
    assert closed.reviewed_at is not None
    with pytest.raises(ValidationError) as err:
        case_review(actor=street, case=closed, version=closed.version, excluded=False, note="再审")
    assert "review" in err.value.message_dict


def test_a_dispatcher_records_a_call_back_rating(closed: Any, personas: dict[str, Any]) -> None:
    dispatcher = personas["community_worker"]
    assert "rate" in {t.name for t in allowed_for(dispatcher, closed)}
    case_rate(
        actor=dispatcher,
        case=closed,
        version=closed.version,
        resolved=True,
        level="satisfied",
        channel=RatingChannel.CALLBACK,
    )
    rating = CaseRating.objects.get(case=closed)
    assert (rating.channel, rating.rated_by) == ("callback", dispatcher)
    with pytest.raises(PermissionDenied):
        case_rate(
            actor=personas["department_handler"],
            case=closed,
            resolved=True,
            level="satisfied",
            channel=RatingChannel.CALLBACK,
        )


def test_every_change_reaches_the_resident_through_the_outbox(
    mini: Any, personas: dict[str, Any], sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw_grids(mini)
    resident = personas["resident"]
    case = file_case(resident).case
    with django_capture_on_commit_callbacks(execute=True):
        case = handled_to_close(case, personas)
    notes = Notification.objects.filter(recipient=resident).order_by("id")
    kinds = [n.template_key for n in notes]
    assert "appeals.dispatched" in kinds
    assert "appeals.accepted" in kinds
    assert "appeals.closed" in kinds
    assert all(n.status == "sent" for n in notes)
    closing_sms = [m for m in sms_outbox.outbox if "已办结" in m.text]
    assert len(closing_sms) == 1
    assert "请对办理结果作出评价" in closing_sms[0].text
    # dispatch and acceptance are in-app only: no SMS for them
    assert not [m for m in sms_outbox.outbox if "签收" in m.text or "已派至" in m.text]
    with django_capture_on_commit_callbacks(execute=True):
        case_rate(actor=resident, case=case, resolved="0", level="dissatisfied", comment="没有清运干净")
    assert any("重新办理" in m.text for m in sms_outbox.outbox)
