"""一号申请: submission with pre-filled identity, reuse, platform-supplied materials and refusals."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shequ.core.models import AuditEntry
from shequ.onewindow import services
from shequ.onewindow.factories import item
from shequ.onewindow.models import (
    Application,
    ApplicationMaterial,
    ApplyChannel,
    ItemVersion,
    Material,
    Status,
)
from shequ.onewindow.uploads import MAX_UPLOAD_BYTES

from .helpers import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def mat(code: str) -> Material:
    return Material.objects.get(code=code)


def files_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def counts() -> tuple[int, int, int]:
    return Application.objects.count(), ApplicationMaterial.objects.count(), AuditEntry.objects.count()


def submit_allowance(resident: Any, **kwargs: Any) -> Application:
    return services.application_submit(
        actor=resident,
        item=item("elderly-allowance"),
        uploads=[upload(mat("id_card")), upload(mat("bank_card"), PDF_BYTES, "bank.pdf")],
        **kwargs,
    )


def test_resident_applies_with_identity_from_the_registry(
    applicant: Any, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person, resident = applicant
    with django_capture_on_commit_callbacks(execute=True):
        app = submit_allowance(resident)
    assert app.person == person
    assert app.applicant_name == "王秀英"
    assert app.channel == ApplyChannel.ONLINE
    assert app.status == Status.SUBMITTED
    assert app.number.startswith(f"{timezone.localdate():%Y%m%d}")
    assert app.version.version == 1
    sources = dict(app.materials.values_list("material__code", "source"))
    # the household register comes from the registry, not from the resident
    assert sources == {"id_card": "upload", "bank_card": "upload", "hukou": "registry"}
    assert "已提交" in sms_outbox.last_to("13951000101").text
    entry = AuditEntry.objects.get(action="onewindow.application.submit")
    assert entry.area == app.area
    assert "13951000101" not in str(entry.changes)


def test_the_account_must_match_the_registry_by_id_and_verified_phone(mini: Any, catalogue: Any) -> None:
    from shequ.demo.factories import make_resident
    from shequ.onewindow.factories import make_applicant

    person, _user = make_applicant(mini.grid_a, with_account=False)
    # someone who typed 王秀英's ID number into their own profile does not get her record
    impostor = make_resident(
        "13911112222", home_area=mini.community_a, id_number=person.id_number.plaintext_for_processing()
    )
    assert services.person_for_resident(impostor) is None
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=impostor, item=item("meal-aid"), uploads=[upload(mat("id_card"))])
    assert "核验" in exc.value.message_dict["person"][0]
    assert Application.objects.count() == 0


def test_second_application_reuses_a_material_on_file(applicant: Any, worker: Any) -> None:
    _person, resident = applicant
    first = submit_allowance(resident)
    services.application_accept(actor=worker, application=first)
    original = first.materials.get(material__code="id_card")
    before = len(files_on_disk())
    second = services.application_submit(actor=resident, item=item("meal-aid"), reuse=[original.pk])
    row = second.materials.get(material__code="id_card")
    assert row.source == "reuse"
    assert row.reused_from == original
    assert row.file.name == original.file.name
    assert len(files_on_disk()) == before  # nothing uploaded again


def test_materials_not_yet_accepted_are_not_reusable(applicant: Any) -> None:
    _person, resident = applicant
    first = submit_allowance(resident)
    pending = first.materials.get(material__code="id_card")
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=resident, item=item("meal-aid"), reuse=[pending.pk])
    assert "reuse" in exc.value.message_dict


def test_missing_required_material_is_refused_with_nothing_written(applicant: Any) -> None:
    _person, resident = applicant
    before, files = counts(), files_on_disk()
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            actor=resident, item=item("elderly-allowance"), uploads=[upload(mat("id_card"))]
        )
    assert exc.value.message_dict["materials"] == ["缺少必需材料：银行卡（折）。"]
    assert counts() == before
    assert files_on_disk() == files


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x00" * (MAX_UPLOAD_BYTES + 1), "big.png", "超过5 MB"),
        (b"MZ\x90\x00 not an image", "virus.exe", "格式不支持"),
        (b"GIF89a" + b"\x00" * 20, "fake.png", "格式不支持"),
        (b"%PDF-1.4 truncated", "cut.pdf", "不是完整的PDF文件"),
        (b"", "empty.png", "是空的"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(
    applicant: Any, data: bytes, name: str, message: str
) -> None:
    _person, resident = applicant
    before, files = counts(), files_on_disk()
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            actor=resident,
            item=item("elderly-allowance"),
            uploads=[upload(mat("id_card")), upload(mat("bank_card"), data, name)],
        )
    text = exc.value.message_dict[f"material_{mat('bank_card').pk}"][0]
    assert message in text
    assert name in text
    assert counts() == before
    assert files_on_disk() == files


def test_item_no_longer_in_force_refuses_new_applications(applicant: Any) -> None:
    _person, resident = applicant
    version = ItemVersion.objects.get(item__code="meal-aid")
    ended = timezone.localdate() - timedelta(days=1)
    ItemVersion.objects.filter(pk=version.pk).update(effective_to=ended)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=resident, item=item("meal-aid"), uploads=[upload(mat("id_card"))])
    assert exc.value.message_dict["item"] == [
        f"“老年人助餐服务登记”已于{ended:%Y年%-m月%-d日}停止办理，不再受理新的申请。"
    ]
    assert counts() == before


def test_an_application_binds_to_the_version_in_force(applicant: Any) -> None:
    _person, resident = applicant
    old = ItemVersion.objects.get(item__code="meal-aid")
    today = timezone.localdate()
    ItemVersion.objects.filter(pk=old.pk).update(effective_to=today - timedelta(days=1))
    new = ItemVersion.objects.create(
        item=old.item,
        version=2,
        effective_from=today,
        time_limit_days=2,
        responsible_unit=old.responsible_unit,
        location=old.location,
        hours=old.hours,
        channel=old.channel,
    )
    app = services.application_submit(actor=resident, item=old.item)
    assert app.version == new


def test_eligibility_failures_are_explained(mini: Any, catalogue: Any) -> None:
    from shequ.onewindow.factories import make_applicant

    _person, young = make_applicant(
        mini.grid_a, name="赵小明", birth=date(1990, 6, 1), phone="13951000102", seq=5
    )
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=young, item=item("elderly-allowance"), uploads=[])
    text = exc.value.message_dict["eligibility"][0]
    assert "年龄须满80周岁" in text


def test_window_only_item_is_not_applied_for_online(applicant: Any) -> None:
    _person, resident = applicant
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=resident, item=item("tekun"))
    assert "窗口" in exc.value.message_dict["item"][0]


def _authorisation(worker: Any, person: Any, agent: Any, *, days_ago: int, days_valid: int) -> Any:
    start = timezone.localdate() - timedelta(days=days_ago)
    return services.authorisation_record(
        actor=worker,
        principal=person,
        agent_name="王小红",
        agent_id_number=agent.id_number.plaintext_for_processing(),
        relation="女儿",
        valid_from=start,
        valid_to=start + timedelta(days=days_valid),
    )


def test_family_member_applies_with_a_valid_authorisation(mini: Any, applicant: Any, worker: Any) -> None:
    from shequ.onewindow.factories import make_applicant

    person, _resident = applicant
    _daughter_person, daughter = make_applicant(
        mini.grid_a, name="王小红", birth=date(1972, 8, 9), phone="13951000103", seq=7
    )
    auth = _authorisation(worker, person, daughter, days_ago=1, days_valid=90)
    app = services.application_submit(
        actor=daughter,
        item=item("meal-aid"),
        person=person,
        authorisation=auth,
        uploads=[upload(mat("id_card"))],
    )
    assert app.channel == ApplyChannel.FAMILY
    assert app.person == person
    assert app.resident == daughter


def test_expired_authorisation_is_refused_with_nothing_written(
    mini: Any, applicant: Any, worker: Any
) -> None:
    from shequ.onewindow.factories import make_applicant

    person, _resident = applicant
    _p, daughter = make_applicant(
        mini.grid_a, name="王小红", birth=date(1972, 8, 9), phone="13951000103", seq=7
    )
    auth = _authorisation(worker, person, daughter, days_ago=100, days_valid=30)
    before, files = counts(), files_on_disk()
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            actor=daughter,
            item=item("meal-aid"),
            person=person,
            authorisation=auth,
            uploads=[upload(mat("id_card"))],
        )
    assert exc.value.message_dict["authorisation"] == [
        f"委托已于{auth.valid_to:%Y年%-m月%-d日}过期，请委托人重新办理委托。"
    ]
    assert counts() == before
    assert files_on_disk() == files


def test_someone_else_cannot_use_an_authorisation(mini: Any, applicant: Any, worker: Any) -> None:
    from shequ.onewindow.factories import make_applicant

    person, _resident = applicant
    _p, daughter = make_applicant(
        mini.grid_a, name="王小红", birth=date(1972, 8, 9), phone="13951000103", seq=7
    )
    _q, stranger = make_applicant(
        mini.grid_a, name="陌生人", birth=date(1980, 1, 9), phone="13951000104", seq=9
    )
    auth = _authorisation(worker, person, daughter, days_ago=1, days_valid=30)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=stranger, item=item("meal-aid"), person=person, authorisation=auth)
    assert exc.value.message_dict["authorisation"] == ["您不是该委托的受托人。"]


def test_commitment_replaces_a_material_and_schedules_a_check(applicant: Any, worker: Any) -> None:
    from shequ.registry.models import HouseholdKind

    person, resident = applicant
    assert person.memberships.get().household.kind == HouseholdKind.REGISTERED
    app = services.application_submit(
        actor=resident,
        item=item("temporary-relief"),
        uploads=[upload(mat("id_card"))],
        commitment=True,
    )
    assert app.materials.get(material__code="income_statement").source == "commitment"
    assert app.commitment_signed_at is not None
    assert app.commitment_check_due is not None
    assert app.commitment_check_due > timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            actor=resident, item=item("meal-aid"), uploads=[upload(mat("id_card"))], commitment=True
        )
    assert exc.value.message_dict["commitment"] == ["该事项不适用告知承诺制。"]
    services.application_accept(actor=worker, application=app)
    services.commitment_check(actor=worker, application=app, kept=True)
    with pytest.raises(ValidationError):
        services.commitment_check(actor=worker, application=app, kept=True)


def test_idempotency_key_returns_the_first_submission(applicant: Any) -> None:
    _person, resident = applicant
    key = uuid.uuid4()
    first = submit_allowance(resident, idempotency_key=key)
    again = submit_allowance(resident, idempotency_key=key)
    assert again.pk == first.pk
    assert Application.objects.count() == 1


def test_window_intake_for_a_person_outside_ones_area_is_refused(
    mini: Any, catalogue: Any, worker: Any
) -> None:
    from shequ.onewindow.factories import make_applicant

    other, _u = make_applicant(mini.grid_b, name="钱多多", phone="13951000105", seq=11, with_account=False)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            actor=worker, item=item("meal-aid"), person=other, uploads=[upload(mat("id_card"))]
        )
    assert exc.value.message_dict["person"] == ["您不负责该社区的办件。"]


def test_anonymous_may_not_apply(catalogue: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.application_submit(actor=AnonymousUser(), item=item("meal-aid"), person=None)


def test_numbers_are_sequential_per_day(applicant: Any, worker: Any) -> None:
    person, resident = applicant
    a = submit_allowance(resident)
    b = services.application_submit(
        actor=worker, item=item("meal-aid"), person=person, uploads=[upload(mat("id_card"))]
    )
    assert int(b.number[-4:]) == int(a.number[-4:]) + 1
    assert b.owner == worker
    assert b.channel == ApplyChannel.WINDOW
