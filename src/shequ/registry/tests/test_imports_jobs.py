"""Importing: good rows only or all or nothing, merging only on confirmation, idempotent confirm,
one audit entry per batch, households with their members, places and buildings, large files
in the background."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shequ.accounts.roles import Role
from shequ.core.models import AreaLevel, AuditEntry
from shequ.demo.factories import make_area, make_household, make_person
from shequ.registry import imports, tasks
from shequ.registry.imports import writes
from shequ.registry.models import (
    Building,
    Household,
    ImportJob,
    ImportStatus,
    Membership,
    Person,
    Place,
    Relation,
)

from .imports_helpers import PEOPLE_HEADER, bad_check_digit, cid, csv_bytes, person_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

HOUSEHOLD_HEADER = [
    "户号",
    "与户主关系",
    "姓名",
    "证件号码",
    "联系电话",
    "所在网格",
    "户别",
    "详细地址",
    "入住日期",
]


@pytest.fixture
def worker(personas: dict[str, Any]) -> Any:
    return personas[Role.COMMUNITY_WORKER]


def _upload(
    actor: Any, rows: list[list[Any]], kind: str = "people", header: list[str] | None = None
) -> ImportJob:
    data = xlsx_bytes(header or PEOPLE_HEADER, rows)
    return imports.job_upload(actor=actor, kind=kind, upload=upload("r.xlsx", data))


def _confirm(
    actor: Any, job: ImportJob, mode: str = "good_only", merge: bool = False, key: str = "key-00001"
) -> ImportJob:
    return imports.job_confirm(actor=actor, job=job, mode=mode, merge=merge, idempotency_key=key)


def _mixed(mini: Any) -> list[list[Any]]:
    grid = mini.grid_a.name
    return [
        person_row("张三", cid(1), grid),
        person_row("李四", bad_check_digit(cid(3)), grid),
        person_row("王五", cid(5), grid, phone="13912345678"),
    ]


def test_good_rows_only_imports_the_good_rows(mini: Any, worker: Any) -> None:
    job = _upload(worker, _mixed(mini))
    assert (job.rows_total, job.rows_bad) == (3, 1)
    job = _confirm(worker, job)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.skipped_count) == (2, 1)
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张三", "王五"]
    wang = Person.objects.get(name="王五")
    assert wang.phone is not None
    assert wang.phone.plaintext_for_processing() == "13912345678"
    assert wang.id_number.plaintext_for_processing() == cid(5)
    assert wang.birth_date == date(1970, 3, 8)
    assert wang.sex == "M"
    # the look-up digest is the one the services use: the person is found by number
    assert Person.objects.filter(id_number_digest=wang.id_number_digest).count() == 1
    assert sorted(job.created_ids) == sorted(Person.objects.values_list("pk", flat=True))
    assert not (imports.files._folder() / job.file_key).exists()


def test_all_or_nothing_refuses_a_file_with_problems(mini: Any, worker: Any) -> None:
    job = _upload(worker, _mixed(mini))
    with pytest.raises(ValidationError) as exc:
        _confirm(worker, job, mode="all_or_nothing")
    assert "有1行存在问题" in exc.value.message_dict["mode"][0]
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert Person.objects.count() == 0


def test_all_or_nothing_rolls_back_every_batch_when_a_problem_appears_late(
    mini: Any, worker: Any, settings: Any, monkeypatch: Any
) -> None:
    """Batches of two rows; between check and import the grid of the last rows closes, so the
    import meets a problem after it has written the first batch: nothing stays."""
    settings.SHEQU_IMPORT_BATCH_ROWS = 2
    second = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    rows = [person_row(f"人{i}", cid(2 * i + 1), (mini.grid_a if i < 3 else second).name) for i in range(5)]
    job = _upload(worker, rows)
    assert job.problems == []
    second.valid_to = date(2020, 1, 1)
    second.save(update_fields=["valid_to"])
    written: list[int] = []
    original = writes.write_people

    def spy(ctx: Any, rows: Any) -> Any:
        outcome = original(ctx, rows)
        written.extend(outcome.created)
        return outcome

    monkeypatch.setattr(writes, "write_people", spy)
    job = _confirm(worker, job, mode="all_or_nothing")
    assert len(written) == 2  # the first batch was written…
    assert job.status == ImportStatus.FAILED
    assert "没有导入任何数据" in job.message
    assert [(p["row"], p["column"]) for p in job.problems] == [(5, "所在网格")]
    assert Person.objects.count() == 0  # …and rolled back with the rest
    assert not AuditEntry.objects.filter(action="registry.import.person_create").exists()


def test_good_only_writes_batch_by_batch_with_one_audit_entry_each(
    mini: Any, worker: Any, settings: Any
) -> None:
    settings.SHEQU_IMPORT_BATCH_ROWS = 2
    rows = [person_row(f"人{i}", cid(2 * i + 1), mini.grid_a.name) for i in range(5)]
    job = _confirm(worker, _upload(worker, rows))
    assert job.created_count == 5
    assert job.rows_done == 5
    entries = list(AuditEntry.objects.filter(action="registry.import.person_create").order_by("id"))
    assert [len(e.changes["ids"]) for e in entries] == [2, 2, 1]
    named = {int(i) for e in entries for i in e.changes["ids"]}
    assert named == set(Person.objects.values_list("pk", flat=True))
    assert all(e.object_type == "registry.person" and e.area_id == mini.community_a.pk for e in entries)
    assert AuditEntry.objects.filter(action="registry.import.confirm", object_id=str(job.pk)).count() == 1


def test_registered_people_are_skipped_unless_merging_is_confirmed(mini: Any, worker: Any) -> None:
    old = make_person(mini.grid_a, "旧名字", id_number=cid(7))
    rows = [person_row("新名字", cid(7), mini.grid_a.name, phone="13700001111", status="流动")]
    job = _confirm(worker, _upload(worker, rows))
    assert (job.created_count, job.merged_count, job.skipped_count) == (0, 0, 1)
    old.refresh_from_db()
    assert old.name == "旧名字"
    assert old.phone is None

    job = _confirm(worker, _upload(worker, rows), merge=True, key="key-00002")
    assert (job.created_count, job.merged_count) == (0, 1)
    old = Person.objects.get(pk=old.pk)
    assert old.name == "新名字"
    assert old.phone.plaintext_for_processing() == "13700001111"
    assert old.residence_status == "floating"
    assert Person.objects.count() == 1
    entry = AuditEntry.objects.get(action="registry.import.person_merge")
    assert entry.changes["ids"] == [str(old.pk)]


def test_a_person_registered_outside_the_actors_reach_is_not_merged(mini: Any, worker: Any) -> None:
    other = make_person(mini.grid_b, "别处的人", id_number=cid(9))
    job = _upload(worker, [person_row("本社区的人", cid(9), mini.grid_a.name)])
    assert job.duplicates[0]["person_id"] is None  # not shown: out of reach
    job = _confirm(worker, job, merge=True)
    assert job.merged_count == 0
    assert "管辖范围以外" in job.problems[0]["message"]
    other.refresh_from_db()
    assert other.name == "别处的人"


def test_a_repeated_confirm_does_not_import_twice(mini: Any, worker: Any) -> None:
    job = _upload(worker, [person_row("张三", cid(1), mini.grid_a.name)])
    first = _confirm(worker, job, key="same-key-1")
    again = _confirm(worker, job, key="same-key-1")
    assert first.pk == again.pk
    assert again.status == ImportStatus.DONE
    assert Person.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        _confirm(worker, job, key="other-key-2")
    assert "不能重复导入" in exc.value.message_dict["idempotency_key"][0]
    imports.run_import(job.pk)  # a task delivered twice
    assert Person.objects.count() == 1


def test_households_with_head_and_members_linked(mini: Any, worker: Any) -> None:
    grid = mini.grid_a.name
    rows = [
        [
            "1",
            "户主",
            "张建国",
            cid(1, date(1960, 1, 1)),
            "13800000001",
            grid,
            "户籍户",
            "丹凤街1号101室",
            "2020-05-01",
        ],
        ["1", "配偶", "李秀英", cid(2, date(1962, 2, 2)), "", "", "", "", ""],
        ["1", "子女", "张伟", cid(3, date(1990, 3, 3)), "", "", "", "", ""],
        ["2", "户主", "王芳", cid(4, date(1970, 4, 4)), "", grid, "", "丹凤街2号", ""],
        ["3", "配偶", "无户主", cid(5, date(1971, 5, 5)), "", grid, "", "丹凤街3号", ""],
        ["4", "户主", "赵强", cid(7, date(1972, 6, 6)), "", grid, "", "丹凤街4号", ""],
        ["4", "子女", "赵小", bad_check_digit(cid(9, date(2000, 7, 7))), "", "", "", "", ""],
    ]
    job = _upload(worker, rows, kind="households", header=HOUSEHOLD_HEADER)
    found = {(p["row"], p["column"]) for p in job.problems}
    assert (6, "与户主关系") in found  # 户号3 has no head
    assert (8, "证件号码") in found
    assert (7, "户号") in found
    assert job.rows_bad == 3
    job = _confirm(worker, job)
    assert job.status == ImportStatus.DONE
    assert Household.objects.count() == 2
    zhang = Household.objects.get(head__name="张建国")
    assert zhang.kind == "registered"
    assert zhang.grid_id == mini.grid_a.pk
    assert zhang.address.plaintext_for_processing() == "丹凤街1号101室"
    assert zhang.moved_in_on == date(2020, 5, 1)
    members = {
        m.person.name: m.relation for m in Membership.objects.filter(household=zhang).select_related("person")
    }
    assert members == {"张建国": Relation.HEAD, "李秀英": Relation.SPOUSE, "张伟": Relation.CHILD}
    assert Household.objects.get(head__name="王芳").kind == "resident"
    assert not Person.objects.filter(name__in=["赵强", "赵小", "无户主"]).exists()
    assert AuditEntry.objects.filter(action="registry.import.household_create").count() == 1


def test_a_registered_member_joins_only_on_merge_and_only_if_in_no_household(mini: Any, worker: Any) -> None:
    grid = mini.grid_a.name
    free = make_person(mini.grid_a, "已登记", id_number=cid(11))
    housed = make_person(mini.grid_a, "有户的人", id_number=cid(13))
    make_household(mini.grid_a, head=housed)
    rows = [
        ["1", "户主", "新户主", cid(15), "", grid, "", "丹凤街9号", ""],
        ["1", "子女", "已登记", cid(11), "", "", "", "", ""],
        ["2", "户主", "有户的人", cid(13), "", grid, "", "丹凤街10号", ""],
    ]
    job = _confirm(worker, _upload(worker, rows, kind="households", header=HOUSEHOLD_HEADER))
    assert job.skipped_count == 2  # the registered member, and household 2 whose head is registered
    assert Household.objects.count() == 2  # the existing one and household 1
    assert not Membership.objects.filter(person=free).exists()

    again = [["1", "户主", "另一户主", cid(17), "", grid, "", "丹凤街11号", ""], rows[1]]
    job = _confirm(
        worker,
        _upload(worker, again, kind="households", header=HOUSEHOLD_HEADER),
        merge=True,
        key="merge-0001",
    )
    assert job.merged_count == 1
    assert Membership.objects.get(person=free).relation == Relation.CHILD
    job = _upload(worker, rows[2:], kind="households", header=HOUSEHOLD_HEADER)
    assert "已是另一住户的成员" in job.duplicates[0]["note"]
    job = _confirm(worker, job, merge=True, key="merge-0002")
    assert job.merged_count == 0
    assert "已是另一住户的成员" in job.problems[0]["message"]


def test_places_and_buildings(mini: Any, worker: Any) -> None:
    grid = mini.grid_a.name
    places = [
        ["便民超市", "商铺", grid, "丹凤街5号", "02584001234", "32.05", "118.79"],
        ["社区卫生站", "公共设施", grid, "", "", "", ""],
    ]
    job = _upload(
        worker, places, kind="places", header=["名称", "类型", "所在网格", "地址", "联系电话", "纬度", "经度"]
    )
    assert job.problems == []
    _confirm(worker, job)
    shop = Place.objects.get(name="便民超市")
    assert shop.kind == "shop"
    assert str(shop.latitude) == "32.050000"
    assert shop.contact_phone.plaintext_for_processing() == "02584001234"
    buildings = [["3栋", "3", grid, "丹凤街3号", "2", "18", "住宅"], ["4栋", "", grid, "", "0", "", "别墅"]]
    job = _upload(
        worker,
        buildings,
        kind="buildings",
        header=["楼栋名称", "楼栋号", "所在网格", "地址", "单元数", "层数", "类型"],
    )
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "单元数"), (3, "类型")]
    _confirm(worker, job, key="buildings-1")
    assert list(Building.objects.values_list("name", "units", "floors")) == [("3栋", 2, 18)]


def test_large_files_run_as_background_jobs_with_progress(
    mini: Any, worker: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHEQU_IMPORT_BACKGROUND_ROWS = 3
    settings.SHEQU_IMPORT_BATCH_ROWS = 2
    queued: list[tuple[str, int]] = []
    monkeypatch.setattr(tasks.check_import, "delay", lambda job_id: queued.append(("check", job_id)))
    monkeypatch.setattr(tasks.run_import, "delay", lambda job_id: queued.append(("import", job_id)))
    rows = [person_row(f"人{i}", cid(2 * i + 1), mini.grid_a.name) for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.job_upload(
            actor=worker, kind="people", upload=upload("big.csv", csv_bytes(PEOPLE_HEADER, rows))
        )
    assert job.status == ImportStatus.CHECKING
    assert queued == [("check", job.pk)]
    tasks.check_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.rows_checked == 5
    with django_capture_on_commit_callbacks(execute=True):
        job = _confirm(worker, job)
    assert job.status == ImportStatus.IMPORTING
    assert queued[-1] == ("import", job.pk)
    assert Person.objects.count() == 0
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.rows_done == 5
    assert job.percent == 100
    assert Person.objects.count() == 5


def test_cancel(mini: Any, worker: Any) -> None:
    job = _upload(worker, [person_row("张三", cid(1), mini.grid_a.name)])
    job = imports.job_cancel(actor=worker, job=job)
    assert job.status == ImportStatus.CANCELLED
    with pytest.raises(ValidationError):
        _confirm(worker, job)
    with pytest.raises(ValidationError):
        imports.job_cancel(actor=worker, job=job)
    assert Person.objects.count() == 0


def test_cancelling_a_running_import_stops_at_the_next_batch(
    mini: Any, worker: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.SHEQU_IMPORT_BATCH_ROWS = 2
    rows = [person_row(f"人{i}", cid(2 * i + 1), mini.grid_a.name) for i in range(6)]
    job = _upload(worker, rows)
    original = writes.write_people

    def write_then_cancel(ctx: Any, batch: Any) -> Any:
        outcome = original(ctx, batch)
        ImportJob.objects.filter(pk=ctx.job_id).update(status=ImportStatus.CANCELLED)  # the user's cancel
        return outcome

    monkeypatch.setattr(writes, "write_people", write_then_cancel)
    job = _confirm(worker, job)
    assert job.status == ImportStatus.CANCELLED
    assert job.created_count == 2  # the batch written before the cancel stays (good rows only)
    assert Person.objects.count() == 2
