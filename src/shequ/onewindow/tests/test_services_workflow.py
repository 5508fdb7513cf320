"""The window's transitions: one-time notice, 首问负责 and hand-over, 全程代办, decisions, ratings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shequ.core.models import AuditEntry
from shequ.onewindow import services
from shequ.onewindow.factories import item
from shequ.onewindow.models import Event, FollowUpStatus, Material, ReturnNotice, Status

from .helpers import upload

pytestmark = pytest.mark.django_db


def mat(code: str) -> Material:
    return Material.objects.get(code=code)


@pytest.fixture
def care(applicant: Any) -> Any:
    """A home-care subsidy application by 王秀英 (an 80+ resident) with the two required uploads."""
    from datetime import date

    from shequ.registry.models import PersonTag, Tag

    person, resident = applicant
    PersonTag.objects.create(person=person, tag=Tag.objects.get(code="elderly_80"), since=date(2025, 1, 1))
    return services.application_submit(
        actor=resident,
        item=item("home-care-subsidy"),
        uploads=[upload(mat("id_card")), upload(mat("service_needs"))],
    )


def test_one_time_notice_lists_everything_and_is_never_piecemeal(
    care: Any, worker: Any, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _person, resident = care.person, care.resident
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.application_return(
            actor=worker,
            application=care,
            materials=[mat("income_statement"), mat("bank_card")],
            note="请补齐",
        )
    care.refresh_from_db()
    assert care.status == Status.RETURNED
    assert care.owner == worker  # the first worker who received it owns it
    assert {m.code for m in notice.materials.all()} == {"income_statement", "bank_card"}
    text = sms_outbox.last_to("13951000101").text
    assert "家庭收入情况说明" in text
    assert "银行卡（折）" in text
    # the resident adds one of them only: refused, nothing changes
    with pytest.raises(ValidationError) as exc:
        services.application_resubmit(actor=resident, application=care, uploads=[upload(mat("bank_card"))])
    assert exc.value.message_dict["materials"] == ["仍缺少一次性告知书所列材料：家庭收入情况说明。"]
    services.application_resubmit(
        actor=resident, application=care, uploads=[upload(mat("bank_card")), upload(mat("income_statement"))]
    )
    care.refresh_from_db()
    assert care.status == Status.RESUBMITTED
    # a second notice may not ask for something the first did not list and the resident did not change
    with pytest.raises(ValidationError) as exc:
        services.application_return(actor=worker, application=care, materials=[mat("service_needs")])
    assert "一次性告知" in exc.value.message_dict["materials"][0]
    assert "照护需求评估表" in exc.value.message_dict["materials"][0]
    assert ReturnNotice.objects.filter(application=care).count() == 1
    # …but what the resident changed may be objected to again
    services.application_return(actor=worker, application=care, materials=[mat("bank_card")])
    assert ReturnNotice.objects.filter(application=care).count() == 2


def test_return_needs_at_least_one_material_of_the_item(care: Any, worker: Any) -> None:
    with pytest.raises(ValidationError):
        services.application_return(actor=worker, application=care, materials=[])
    with pytest.raises(ValidationError) as exc:
        services.application_return(actor=worker, application=care, materials=[mat("birth_cert")])
    assert exc.value.message_dict["materials"] == ["所选材料不属于本事项。"]


def test_first_worker_owns_it_until_a_recorded_handover(care: Any, worker: Any, colleague: Any) -> None:
    services.application_accept(actor=worker, application=care)
    with pytest.raises(ValidationError) as exc:
        services.application_forward(actor=colleague, application=care, unit="区民政局")
    assert "首问负责" in exc.value.message_dict["owner"][0]
    services.application_handover(actor=worker, application=care, to_user=colleague, note="休假")
    care.refresh_from_db()
    assert care.owner == colleague
    handover = Event.objects.get(application=care, kind="handover")
    assert "李社工" in handover.note
    assert AuditEntry.objects.filter(action="onewindow.application.handover", object_id=str(care.pk)).exists()
    services.application_forward(actor=colleague, application=care, unit="区民政局", note="送审核")
    with pytest.raises(ValidationError):
        services.application_forward(actor=worker, application=care, unit="区民政局")


def test_handover_only_to_a_colleague_serving_the_community(care: Any, worker: Any, personas: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.application_handover(actor=worker, application=care, to_user=personas["grid_worker"])
    assert exc.value.message_dict["to_user"] == ["接收人须为负责该社区的工作人员。"]
    with pytest.raises(ValidationError):
        services.application_handover(actor=worker, application=care, to_user=personas["resident"])


def test_full_path_with_proxy_steps_and_every_wrong_state_refused(care: Any, worker: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.application_decide(actor=worker, application=care, approved=True)
    assert exc.value.message_dict["status"] == ["办件当前状态为“已提交”，不能对该办件作出办理决定。"]
    services.application_accept(actor=worker, application=care)
    care.refresh_from_db()
    assert care.deadline is not None
    assert care.accepted_at is not None
    with pytest.raises(ValidationError):
        services.application_accept(actor=worker, application=care)
    services.application_forward(actor=worker, application=care, unit="街道社会事务办", note="初审")
    services.application_forward(actor=worker, application=care, unit="区民政局", note="审核")
    with pytest.raises(ValidationError) as exc:
        services.application_decide(actor=worker, application=care, approved=False, reason="")
    assert exc.value.message_dict["reason"] == ["请填写不予办理的理由。"]
    services.application_decide(actor=worker, application=care, approved=True)
    with pytest.raises(ValidationError):
        services.application_forward(actor=worker, application=care, unit="区民政局")
    services.application_deliver(actor=worker, application=care, note="短信告知")
    care.refresh_from_db()
    assert care.status == Status.DELIVERED
    kinds = list(Event.objects.filter(application=care).values_list("kind", "unit"))
    assert kinds == [
        ("submit", ""),
        ("accept", ""),
        ("forward", "街道社会事务办"),
        ("forward", "区民政局"),
        ("decide", ""),
        ("deliver", ""),
    ]
    actions = set(AuditEntry.objects.filter(object_id=str(care.pk)).values_list("action", flat=True))
    assert {
        "onewindow.application.accept",
        "onewindow.application.decide",
        "onewindow.application.deliver",
    } <= actions


def test_staff_of_another_area_and_residents_cannot_act(care: Any, mini: Any) -> None:
    from shequ.accounts.roles import Role
    from shequ.demo.factories import make_staff

    outsider = make_staff("worker_b", Role.COMMUNITY_WORKER, area=mini.community_b)
    with pytest.raises(ValidationError):
        services.application_accept(actor=outsider, application=care)
    with pytest.raises(PermissionDenied):
        services.application_accept(actor=care.resident, application=care)


def test_bad_rating_opens_a_follow_up_that_is_answered_and_closed(
    care: Any, worker: Any, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.application_accept(actor=worker, application=care)
    with pytest.raises(ValidationError):
        services.application_rate(actor=care.resident, application=care, level=1, comment="慢")
    services.application_decide(actor=worker, application=care, approved=True)
    services.application_deliver(actor=worker, application=care)
    with pytest.raises(PermissionDenied):
        services.application_rate(actor=worker, application=care, level=5)
    with pytest.raises(ValidationError) as exc:
        services.application_rate(actor=care.resident, application=care, level=2, comment="")
    assert exc.value.message_dict["comment"] == ["请填写不满意的原因。"]
    rating = services.application_rate(actor=care.resident, application=care, level=2, comment="等太久")
    follow = rating.follow_up
    assert follow.status == FollowUpStatus.OPEN
    with pytest.raises(ValidationError):
        services.application_rate(actor=care.resident, application=care, level=5)
    with pytest.raises(ValidationError):
        services.follow_up_close(actor=worker, application=care)
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_answer(actor=worker, application=care, answer="已优化流程，向您致歉")
    assert "已优化流程" in sms_outbox.last_to("13951000101").text
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_close(actor=worker, application=care)
    follow.refresh_from_db()
    assert follow.status == FollowUpStatus.CLOSED
    assert follow.resident_told_at is not None
    assert "回访已办结" in sms_outbox.last_to("13951000101").text


def test_good_rating_opens_no_follow_up(care: Any, worker: Any) -> None:
    services.application_accept(actor=worker, application=care)
    services.application_decide(actor=worker, application=care, approved=True)
    services.application_deliver(actor=worker, application=care)
    rating = services.application_rate(actor=care.resident, application=care, level=5)
    assert not hasattr(rating, "follow_up") or rating.follow_up is None
