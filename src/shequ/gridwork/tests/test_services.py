"""Grid-work services: idempotent creates, grids the worker serves, patrol tracks, findings, needs."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shequ.core.models import AuditEntry
from shequ.gridwork import hooks, services
from shequ.gridwork.checklists import CATALOGUE, ensure_checklist_templates
from shequ.gridwork.factories import data_url, make_check, make_finding, make_patrol, make_visit, png_bytes
from shequ.gridwork.models import (
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    FindingStatus,
    HazardCheck,
    Need,
    NeedStatus,
    Patrol,
    Photo,
    TrackPoint,
    Visit,
)
from shequ.gridwork.photos import PhotoUpload

pytestmark = pytest.mark.django_db


def _visit(actor: Any, grid: Any, household: Any, key: Any = None, **kw: Any) -> tuple[Visit, bool]:
    return services.visit_create(
        actor=actor, key=key or uuid.uuid4(), grid=grid, household=household, summary="入户走访", **kw
    )


def test_checklist_catalogue_is_seeded_by_the_migration_and_idempotent() -> None:
    codes = set(ChecklistTemplate.objects.values_list("code", flat=True))
    assert {"fire", "ebike", "escape", "gas"} <= codes
    assert ChecklistTemplate.objects.get(code="ebike").name == "电动自行车充电"
    assert ChecklistTemplate.objects.get(code="escape").name == "疏散通道"
    assert ChecklistItem.objects.count() == sum(len(items) for *_rest, items in CATALOGUE)
    assert ensure_checklist_templates() == 0


def test_a_visit_is_created_once_per_key(personas: dict[str, Any], mini: Any, homes: dict[str, Any]) -> None:
    worker = personas["grid_worker"]
    key = uuid.uuid4()
    photo = PhotoUpload(data=data_url(png_bytes()), lat=32.06, lng=118.79, watermark="2026年11月22日 14:05")
    first, created = _visit(
        worker,
        mini.grid_a,
        homes["a"],
        key=key,
        needs=[services.NeedInput("elderly_care", "希望助餐")],
        photos=[photo],
        person=homes["head_a"],
    )
    again, created_again = _visit(worker, mini.grid_a, homes["a"], key=str(key))
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert Visit.objects.count() == 1
    assert Need.objects.filter(visit=first).count() == 1
    assert Photo.objects.filter(visit=first).count() == 1
    assert AuditEntry.objects.filter(action="gridwork.visit.create").count() == 1


def test_someone_elses_key_is_refused(personas: dict[str, Any], mini: Any, homes: dict[str, Any]) -> None:
    key = uuid.uuid4()
    _visit(personas["grid_worker"], mini.grid_a, homes["a"], key=key)
    with pytest.raises(ValidationError) as exc:
        _visit(personas["grid_leader"], mini.grid_a, homes["a"], key=key)
    assert "key" in exc.value.message_dict
    assert Visit.objects.count() == 1


def test_a_concurrent_repeat_returns_the_first_row(
    personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    """Two requests with one key that both pass the first look-up: the loser gets the winner's row."""
    worker = personas["grid_worker"]
    key = uuid.uuid4()
    winner, _ = _visit(worker, mini.grid_a, homes["a"], key=key)
    from shequ.gridwork.services import common, visits

    real_replay = common.replay
    calls = {"n": 0}

    def racing_replay(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        return None if calls["n"] <= 2 else real_replay(*args, **kwargs)  # both early look-ups miss

    with (
        mock.patch.object(visits, "replay", racing_replay),
        mock.patch.object(common, "replay", racing_replay),
    ):
        loser, created = _visit(worker, mini.grid_a, homes["a"], key=key)
    assert not created
    assert loser.pk == winner.pk
    assert Visit.objects.count() == 1


def test_a_worker_records_only_in_grids_they_serve(
    personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    worker = personas["grid_worker"]
    with pytest.raises(ValidationError) as exc:
        _visit(worker, mini.grid_b, homes["b"])
    assert "grid" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _visit(worker, mini.grid_a, homes["b"])
    assert exc.value.message_dict["household"] == ["该住户不在所选网格内。"]
    with pytest.raises(ValidationError):
        _visit(personas["supervision_member"], mini.grid_a, homes["a"])
    # a community worker records in any grid of the community
    visit, created = _visit(personas["community_worker"], mini.grid_a, homes["a"])
    assert created
    assert visit.grid == mini.grid_a
    assert Visit.objects.count() == 1


def test_visit_input_errors_come_back_per_field(
    personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.visit_create(
            actor=personas["grid_worker"],
            key=uuid.uuid4(),
            grid=mini.grid_a,
            household=homes["a"],
            summary=" ",
            visited_at=timezone.now() + timedelta(days=1),
            needs=[services.NeedInput("nonsense", "")],
            photos=[PhotoUpload(data=data_url(b"not an image at all"))],
        )
    errors = exc.value.message_dict
    assert errors["summary"] == ["此项为必填项。"]
    assert errors["visited_at"] == ["时间不能晚于当前时间。"]
    assert "needs.0.kind" in errors
    assert "needs.0.description" in errors
    assert errors["photos.0.data"] == ["上传的文件不是有效的图片。"]
    assert not Visit.objects.exists()
    assert not Photo.objects.exists()


def test_patrol_track_points_only_while_on(personas: dict[str, Any], mini: Any) -> None:
    worker = personas["grid_worker"]
    patrol, created = services.patrol_start(actor=worker, key=uuid.uuid4(), grid=mini.grid_a)
    assert created
    now = timezone.now()
    points = [
        services.PointInput(uuid.uuid4(), now, 32.0600, 118.7900, 8.0),
        services.PointInput(uuid.uuid4(), now + timedelta(seconds=30), 32.0610, 118.7900, 8.0),
    ]
    assert services.track_points_add(actor=worker, patrol=patrol, points=points) == 2
    assert services.track_points_add(actor=worker, patrol=patrol, points=points) == 0  # resent: ignored
    stopped = services.patrol_stop(actor=worker, patrol=patrol, notes="车棚整洁")
    assert stopped.ended_at is not None
    assert 100 <= stopped.distance_m <= 120  # 0.001° of latitude ≈ 111 m
    more = [services.PointInput(uuid.uuid4(), timezone.now(), 32.0620, 118.7900)]
    with pytest.raises(ValidationError) as exc:
        services.track_points_add(actor=worker, patrol=patrol, points=more)
    assert exc.value.message_dict["patrol"] == ["巡查已结束，不能再记录轨迹。"]
    assert TrackPoint.objects.filter(patrol=patrol).count() == 2
    again = services.patrol_stop(actor=worker, patrol=patrol)  # a resent stop changes nothing
    assert again.ended_at == stopped.ended_at


def test_one_patrol_at_a_time_and_only_ones_own(personas: dict[str, Any], mini: Any) -> None:
    worker = personas["grid_worker"]
    key = uuid.uuid4()
    patrol, _ = services.patrol_start(actor=worker, key=key, grid=mini.grid_a)
    same, created = services.patrol_start(actor=worker, key=key, grid=mini.grid_a)
    assert same.pk == patrol.pk
    assert not created
    with pytest.raises(ValidationError):
        services.patrol_start(actor=worker, key=uuid.uuid4(), grid=mini.grid_a)
    with pytest.raises(ValidationError) as exc:
        services.track_points_add(
            actor=personas["grid_leader"],
            patrol=patrol,
            points=[services.PointInput(uuid.uuid4(), timezone.now(), 32.06, 118.79)],
        )
    assert exc.value.message_dict["patrol"] == ["只能操作本人的巡查。"]
    with pytest.raises(ValidationError):
        services.patrol_stop(actor=personas["grid_leader"], patrol=patrol)
    assert Patrol.objects.count() == 1


def _results(*fails: str) -> list[services.ResultInput]:
    items = ChecklistItem.objects.filter(template__code__in=["fire", "ebike"]).select_related("template")
    return [
        services.ResultInput(
            i, "fail" if i.code in fails else "pass", "楼道内充电" if i.code in fails else ""
        )
        for i in items
    ]


def test_hazard_check_with_findings_once_per_key(personas: dict[str, Any], mini: Any) -> None:
    worker = personas["grid_worker"]
    key = uuid.uuid4()
    results = _results("no_indoor_charging", "extinguisher")
    extinguisher = next(r.item for r in results if r.item and r.item.code == "extinguisher")
    check, created = services.hazard_check_create(
        actor=worker,
        key=key,
        grid=mini.grid_a,
        location="3栋楼道",
        results=results,
        findings=[
            services.FindingInput(
                "灭火器过期", "medium", extinguisher, photo=PhotoUpload(data=data_url(png_bytes()))
            )
        ],
    )
    assert created
    findings = {f.item.code: f for f in Finding.objects.filter(check_record=check)}  # type: ignore[union-attr]
    assert set(findings) == {
        "extinguisher",
        "no_indoor_charging",
    }  # the failed item without a finding got one
    assert findings["extinguisher"].severity == "medium"
    assert findings["extinguisher"].due_on == timezone.localdate() + timedelta(days=7)
    assert findings["extinguisher"].photos.count() == 1
    assert findings["no_indoor_charging"].description.endswith("楼道内充电")
    again, created_again = services.hazard_check_create(
        actor=worker, key=key, grid=mini.grid_a, results=results
    )
    assert again.pk == check.pk
    assert not created_again
    assert HazardCheck.objects.count() == 1
    assert Finding.objects.count() == 2


def test_hazard_check_refuses_bad_input(personas: dict[str, Any], mini: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.hazard_check_create(
            actor=personas["grid_worker"], key="not-a-uuid", grid=mini.grid_a, results=[]
        )
    assert "key" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.hazard_check_create(
            actor=personas["grid_worker"], key=uuid.uuid4(), grid=mini.grid_a, results=[]
        )
    assert exc.value.message_dict["results"] == ["请至少填写一项检查结果。"]
    item = ChecklistItem.objects.first()
    with pytest.raises(ValidationError) as exc:
        services.hazard_check_create(
            actor=personas["grid_worker"],
            key=uuid.uuid4(),
            grid=mini.grid_a,
            results=[services.ResultInput(item, "maybe"), services.ResultInput(item, "pass")],
        )
    assert "results.0.result" in exc.value.message_dict
    assert "results.1.item" in exc.value.message_dict
    assert not HazardCheck.objects.exists()


def test_finding_rectified_then_verified_by_someone_else(personas: dict[str, Any], mini: Any) -> None:
    worker, leader = personas["grid_worker"], personas["grid_leader"]
    finding = make_finding(mini.grid_a, worker)
    with pytest.raises(ValidationError):
        services.finding_verify(actor=leader, finding=finding, passed=True)  # not rectified yet
    services.finding_rectify(actor=worker, finding=finding, note="已更换灭火器")
    with pytest.raises(ValidationError) as exc:
        services.finding_verify(actor=worker, finding=finding, passed=True)
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.finding_verify(actor=leader, finding=finding, passed=False)  # a refusal needs a reason
    assert exc.value.message_dict["note"] == ["此项为必填项。"]
    services.finding_verify(actor=leader, finding=finding, passed=False, note="仍有一具过期")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    services.finding_rectify(actor=worker, finding=finding, note="全部更换")
    services.finding_verify(actor=leader, finding=finding, passed=True)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.VERIFIED
    assert finding.verified_by == leader
    actions = list(
        AuditEntry.objects.filter(object_id=str(finding.pk), action__startswith="gridwork.finding")
    )
    assert [a.action for a in actions].count("gridwork.finding.rectify") == 2


def test_finding_of_another_grid_cannot_be_changed(personas: dict[str, Any], mini: Any) -> None:
    finding = make_finding(mini.grid_b, personas["grid_worker"])
    with pytest.raises(ValidationError):
        services.finding_rectify(actor=personas["grid_worker"], finding=finding, note="x")


@pytest.mark.usefixtures("no_need_handlers")
def test_need_refer_through_a_registered_handler(
    personas: dict[str, Any], mini: Any, homes: dict[str, Any]
) -> None:
    worker = personas["grid_worker"]
    visit = make_visit(mini.grid_a, homes["a"], worker, needs=[("facility", "楼道灯坏了")])
    need = visit.needs.get()
    with pytest.raises(ValidationError) as exc:
        services.need_refer(actor=worker, need=need, target="appeal")
    assert exc.value.message_dict["target"] == ["相关业务模块尚未安装，暂不能转办。"]
    seen: list[Any] = []

    def to_appeal(*, actor: Any, need: Any) -> str:
        seen.append((actor, need.pk))
        return "SQ20261122-0001"

    hooks.register_need_handler("appeal", to_appeal)
    try:
        services.need_refer(actor=worker, need=need, target="appeal")
    finally:
        hooks.unregister_need_handler("appeal")
    need.refresh_from_db()
    assert seen == [(worker, need.pk)]
    assert need.status == NeedStatus.REFERRED
    assert need.reference == "SQ20261122-0001"
    assert need.referred_by == worker
    with pytest.raises(ValidationError):
        services.need_refer(actor=worker, need=need, target="appeal")
    assert AuditEntry.objects.filter(action="gridwork.need.refer", object_id=str(need.pk)).count() == 1


def test_factories_make_what_the_demo_needs(personas: dict[str, Any], mini: Any) -> None:
    patrol = make_patrol(mini.grid_a, personas["grid_worker"], points=3)
    assert patrol.ended_at is not None
    assert patrol.distance_m > 0
    check = make_check(mini.grid_a, personas["grid_worker"], failing=("fire", "gas"))
    assert check.findings.filter(status=FindingStatus.OPEN).count() == 2
