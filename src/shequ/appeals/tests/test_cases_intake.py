"""Intake: numbers, tokens, places, photos, idempotency and every bad input of the issue."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shequ.appeals.models import Case, CaseEvent, CasePhoto, CaseState, Channel, EmergencyHandover
from shequ.appeals.selectors import case_by_number
from shequ.appeals.services import case_classify, case_submit
from shequ.core.models import AuditEntry

from .cases_support import OUTSIDE, POINT_A, draw_grids, file_case, jpeg_bytes, photo_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def grids(mini: Any) -> Any:
    draw_grids(mini)
    return mini


def test_a_resident_files_a_case_placed_in_its_grid(grids: Any, personas: dict[str, Any]) -> None:
    resident = personas["resident"]
    result = file_case(resident, photos=[photo_file()], is_public=True)
    case = result.case
    assert result.created
    assert result.token
    assert re.fullmatch(r"\d{8}-\d{6}", case.number)
    assert case.area == grids.grid_a
    assert case.handling_area == grids.community_a
    assert case.requester == resident
    assert case.channel == Channel.PORTAL
    assert case.state == CaseState.SUBMITTED
    assert case.is_public
    assert CasePhoto.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="submit").count() == 1
    assert AuditEntry.objects.filter(action="appeals.case.submit", object_id=str(case.pk)).count() == 1
    # the number alone never opens it; number + token does
    assert case_by_number(case.number, "") is None
    assert case_by_number(case.number, "wrong-token") is None
    assert case_by_number(case.number, result.token) == case


def test_numbers_follow_each_other_within_a_day(grids: Any, personas: dict[str, Any]) -> None:
    first = file_case(personas["resident"]).case
    second = file_case(personas["resident"]).case
    assert first.number[:8] == second.number[:8]
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_the_same_idempotency_key_makes_one_case(grids: Any, personas: dict[str, Any]) -> None:
    a = file_case(personas["resident"], idempotency_key="tap-1")
    b = file_case(personas["resident"], idempotency_key="tap-1")
    assert a.created
    assert not b.created
    assert b.token is None
    assert a.case.pk == b.case.pk
    assert Case.objects.count() == 1


def test_classification_is_stored_on_the_case(grids: Any, personas: dict[str, Any]) -> None:
    case = file_case(personas["resident"]).case
    assert case.suggestions == []
    case_classify(case_id=case.pk)
    case.refresh_from_db()
    assert len(case.suggestions) == 3
    assert case.suggested_category is not None
    assert case.suggested_category.code == case.suggestions[0]["category"] == "ENV-WASTE"
    assert case.response_due is not None
    assert case.resolve_due is not None


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"lng": None, "lat": None}, "location", "请在地图上选点或填写事发地址"),
        ({"lng": OUTSIDE[0], "lat": OUTSIDE[1]}, "location", "不在本市"),
        ({"lng": 0.0, "lat": 0.0}, "location", "不在本市"),
        ({"lng": "abc", "lat": 32}, "location", "坐标格式不正确"),
        ({"text": "很" * 10_000}, "text", "不能超过5000个字"),
        ({"text": "   "}, "text", "必填"),
        ({"category": "NO-SUCH"}, "category", "未知的诉求分类"),
    ],
)
def test_bad_input_is_refused_with_a_field_message(
    grids: Any, personas: dict[str, Any], kwargs: dict[str, Any], field: str, words: str
) -> None:
    values: dict[str, Any] = {"text": "路灯不亮", "lng": POINT_A[0], "lat": POINT_A[1]}
    values.update(kwargs)
    with pytest.raises(ValidationError) as exc:
        case_submit(actor=personas["resident"], channel=Channel.PORTAL, **values)
    assert words in " ".join(_errors(exc)[field])
    assert Case.objects.count() == 0


def test_a_30_mb_photo_is_refused_before_it_is_read(grids: Any, personas: dict[str, Any]) -> None:
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (30 * 1024 * 1024), content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        file_case(personas["resident"], photos=[big])
    assert "超过10MB" in _errors(exc)["photos"][0]
    assert Case.objects.count() == 0


def test_a_non_image_renamed_jpg_is_refused(grids: Any, personas: dict[str, Any]) -> None:
    fake = SimpleUploadedFile("scan.jpg", b"%PDF-1.4 not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        file_case(personas["resident"], photos=[fake])
    assert "不是有效的图片文件" in _errors(exc)["photos"][0]
    assert Case.objects.count() == 0
    assert CasePhoto.objects.count() == 0


def test_ten_photos_are_too_many_and_base64_photos_work(grids: Any, personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        file_case(personas["resident"], photos=[photo_file() for _ in range(10)])
    data = "data:image/jpeg;base64," + base64.b64encode(jpeg_bytes()).decode()
    case = file_case(personas["resident"], photos=[data, data]).case
    assert case.photos.count() == 2


def test_html_is_stored_as_text(grids: Any, personas: dict[str, Any]) -> None:
    text = '<script>alert("x")</script><b>井盖</b>丢了'
    case = file_case(personas["resident"], text=text).case
    case.refresh_from_db()
    assert case.text == text


def test_a_hotline_call_seals_the_caller_and_texts_number_and_code(
    grids: Any, personas: dict[str, Any], sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = case_submit(
            actor=personas["street_staff"],
            channel=Channel.HOTLINE,
            text="楼道里电瓶车充电，很危险",
            area=grids.community_a,
            address="大悲巷5号",
            requester_name="王先生",
            requester_phone="13912345678",
        )
    case = Case.objects.get(pk=result.case.pk)
    assert str(case.requester_phone) == "139****5678"
    assert case.requester_phone.plaintext_for_processing() == "13912345678"
    message = sms_outbox.last_to("13912345678")
    assert message is not None
    assert case.number in message.text
    assert result.token in message.text
    assert case_by_number(case.number, result.token or "") == case


def test_a_hotline_call_needs_a_phone(grids: Any, personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        case_submit(
            actor=personas["street_staff"],
            channel=Channel.HOTLINE,
            text="噪音",
            area=grids.community_a,
            address="x",
        )
    assert "requester_phone" in _errors(exc)


def test_a_resident_cannot_use_staff_channels(grids: Any, personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        file_case(personas["resident"], channel=Channel.HOTLINE, requester_phone="13912345678")
    assert "channel" in _errors(exc)


def test_danger_to_life_is_handed_to_the_emergency_line_at_once(grids: Any, personas: dict[str, Any]) -> None:
    worker = personas["grid_worker"]
    case = file_case(worker, text="电梯困人，里面有老人", category="HOU-ELEV", emergency_reference="J-1").case
    case.refresh_from_db()
    assert case.state == CaseState.EMERGENCY
    assert case.emergency_line == "96333"
    handover = EmergencyHandover.objects.get(case=case)
    assert handover.line == "96333"
    assert handover.handed_by == worker
    assert handover.reference == "J-1"
    assert case.is_open  # kept for follow-up
    danger = file_case(worker, text="有人在小区里持刀", danger=True).case
    danger.refresh_from_db()
    assert danger.state == CaseState.EMERGENCY
    assert danger.emergency_line == "110"
    assert danger.urgency == "urgent"


def test_a_grid_worker_reports_only_in_their_grid(grids: Any, personas: dict[str, Any]) -> None:
    from .cases_support import POINT_B

    with pytest.raises(ValidationError) as exc:
        file_case(personas["grid_worker"], point=POINT_B)
    assert "location" in _errors(exc) or "area" in _errors(exc)


def test_a_visit_need_becomes_an_appeal(grids: Any, personas: dict[str, Any]) -> None:
    from django.apps import apps

    from shequ.gridwork.hooks import call_handler, need_handler

    apps.get_app_config("appeals").ready()  # a test elsewhere may have unregistered the handler
    assert need_handler("appeal") is not None

    class FakeNeed:
        pk = 4242
        grid = grids.grid_a
        description = "独居老人家门口路灯坏了"

        def get_kind_display(self) -> str:
            return "设施维修"

    number = call_handler("appeal", actor=personas["grid_worker"], need=FakeNeed())
    case = Case.objects.get(number=number)
    assert case.channel == Channel.GRID_WORKER
    assert case.area == grids.grid_a
    assert call_handler("appeal", actor=personas["grid_worker"], need=FakeNeed()) == number
