"""The dry run: every bad file of the acceptance gives a clear message, and nothing is imported."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.core.pii import citizen_id_check_char
from shequ.demo.factories import make_person
from shequ.registry import imports
from shequ.registry.models import Household, ImportJob, ImportStatus, Person

from .imports_helpers import PEOPLE_HEADER, bad_check_digit, cid, csv_bytes, person_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _check(actor: Any, name: str, data: bytes, kind: str = "people") -> ImportJob:
    return imports.job_upload(actor=actor, kind=kind, upload=upload(name, data))


def _problems(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in job.problems]


def _nothing_imported() -> None:
    assert Person.objects.count() == 0
    assert Household.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="registry.import.person").exists()


@pytest.fixture
def worker(personas: dict[str, Any]) -> Any:
    return personas[Role.COMMUNITY_WORKER]


def test_wrong_and_missing_columns_are_reported_by_header_before_any_row(mini: Any, worker: Any) -> None:
    header = ["名字", "证件号码", "所在网格", "证件号码"]
    job = _check(worker, "wrong.xlsx", xlsx_bytes(header, [["张三", cid(1), "x", "y"]]))
    assert job.status == ImportStatus.CHECKED
    assert not job.header_ok
    assert _problems(job) == [
        (1, "名字", "无法识别的列“名字”，请按模板的列名填写。"),
        (1, "证件号码", "列“证件号码”重复。"),
        (1, "姓名", "缺少必填列“姓名”。"),
    ]
    with pytest.raises(ValidationError) as exc:
        imports.job_confirm(actor=worker, job=job, mode="good_only", merge=False, idempotency_key="k" * 12)
    assert "列不正确" in exc.value.message_dict["file"][0]
    _nothing_imported()


def test_a_renamed_non_spreadsheet_leaves_no_job(mini: Any, worker: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _check(worker, "roster.xlsx", b"%PDF-1.7\n\x00\x01\x02binary")
    assert "不是电子表格" in exc.value.message_dict["file"][0]
    assert ImportJob.objects.count() == 0
    _nothing_imported()


class _HugeUpload:
    """A 50 MB upload whose content must never be read."""

    name = "big.xlsx"
    size = 50 * 1024 * 1024

    def read(self, *args: Any) -> bytes:
        raise AssertionError("a file over the limit was read")


def test_a_50_mb_file_is_refused_before_parsing(mini: Any, worker: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        imports.job_upload(actor=worker, kind="people", upload=_HugeUpload())
    message = exc.value.message_dict["file"][0]
    assert "50.0 MB" in message
    assert "超过上限20 MB" in message
    assert ImportJob.objects.count() == 0


def test_the_size_limit_is_a_setting(mini: Any, worker: Any, settings: Any) -> None:
    settings.SHEQU_IMPORT_MAX_BYTES = 100
    data = csv_bytes(PEOPLE_HEADER, [person_row("张三", cid(1), mini.grid_a.name)] * 5)
    with pytest.raises(ValidationError) as exc:
        _check(worker, "a.csv", data)
    assert "超过上限" in exc.value.message_dict["file"][0]


def test_the_row_limit_is_a_setting(mini: Any, worker: Any, settings: Any) -> None:
    settings.SHEQU_IMPORT_MAX_ROWS = 2
    data = csv_bytes(PEOPLE_HEADER, [person_row("张三", cid(i), mini.grid_a.name) for i in range(1, 4)])
    with pytest.raises(ValidationError) as exc:
        _check(worker, "a.csv", data)
    assert "超过单次导入上限2行" in exc.value.message_dict["file"][0]


def test_formulas_in_cells_are_reported_never_evaluated(mini: Any, worker: Any) -> None:
    rows = [person_row("张三", cid(1), mini.grid_a.name), person_row("李四", cid(3), mini.grid_a.name)]
    job = _check(worker, "f.xlsx", xlsx_bytes(PEOPLE_HEADER, rows, formulas={(3, 1): '=HYPERLINK("x","y")'}))
    assert _problems(job) == [(3, "姓名", "单元格含有公式。系统不计算公式，请改为直接填写内容。")]
    csv_rows = [
        person_row("=1+2", cid(1), mini.grid_a.name),
        person_row("王五", cid(3), "=cmd|' /C calc'!A0"),
    ]
    job = _check(worker, "f.csv", csv_bytes(PEOPLE_HEADER, csv_rows))
    assert [(r, c) for r, c, _m in _problems(job)] == [(2, "姓名"), (3, "所在网格")]
    imports.job_confirm(actor=worker, job=job, mode="good_only", merge=False, idempotency_key="formula-1")
    _nothing_imported()


def test_duplicate_ids_in_the_file_and_in_the_registry(mini: Any, worker: Any) -> None:
    registered = make_person(mini.grid_a, "老住户", id_number=cid(7))
    rows = [
        person_row("张三", cid(1), mini.grid_a.name),
        person_row("张三二", cid(1), mini.grid_a.name),
        person_row("老住户", cid(7), mini.grid_a.name),
    ]
    job = _check(worker, "d.xlsx", xlsx_bytes(PEOPLE_HEADER, rows))
    assert _problems(job) == [(3, "证件号码", "证件号码与第2行重复。")]
    assert job.rows_duplicate == 1
    assert job.duplicates == [
        {
            "row": 4,
            "name": "老住户",
            "id_masked": "32**************" + cid(7)[-2:],
            "person_id": registered.pk,
            "note": "",
        }
    ]


def test_bad_check_digits_and_ids_mangled_into_numbers(mini: Any, worker: Any) -> None:
    grid = mini.grid_a.name
    rows = [
        person_row("甲", bad_check_digit(cid(1)), grid),
        person_row("乙", 320102197003080011, grid),  # an integer cell: the spreadsheet's number
        person_row("丙", 3.2010219700308e17, grid),
        person_row("丁", "3.20102E+17", grid),
        person_row("戊", "320102197003080000", grid),  # the last digits lost to a float
    ]
    job = _check(worker, "ids.xlsx", xlsx_bytes(PEOPLE_HEADER, rows))
    messages = {row: message for row, _c, message in _problems(job)}
    assert messages[2] == "身份证号码校验位不正确，请核对后重新输入。"
    assert "转成了数字（显示为 3.20102E+17）" in messages[3]
    assert "转成了数字（显示为 3.20102E+17）" in messages[4]
    assert "转成了数字（显示为 3.20102E+17）" in messages[5]
    assert "末三位为000" in messages[6]
    assert {c for _r, c, _m in _problems(job)} == {"证件号码"}
    assert job.rows_bad == 5
    csv_job = _check(worker, "ids.csv", csv_bytes(PEOPLE_HEADER, [person_row("丁", "3.20102E+17", grid)]))
    assert "请把该列设置为“文本”格式" in csv_job.problems[0]["message"]
    _nothing_imported()


def test_fifteen_digit_ids_are_converted_to_eighteen(mini: Any, worker: Any) -> None:
    old = "320102700308001"
    job = _check(worker, "old.csv", csv_bytes(PEOPLE_HEADER, [person_row("老号码", old, mini.grid_a.name)]))
    assert job.problems == []
    imports.job_confirm(
        actor=worker, job=job, mode="all_or_nothing", merge=False, idempotency_key="fifteen-1"
    )
    person = Person.objects.get()
    assert person.id_number.plaintext_for_processing() == "32010219700308001" + citizen_id_check_char(
        "32010219700308001"
    )
    assert person.birth_date == date(1970, 3, 8)
    assert person.sex == "M"


def test_gb18030_text_is_read_and_imported(mini: Any, worker: Any) -> None:
    rows = [
        person_row("欧阳龘", cid(1), mini.grid_a.name, status="流动"),
        person_row("䶮", cid(3), mini.grid_a.name),
    ]
    data = csv_bytes(PEOPLE_HEADER, rows, "gb18030")
    job = _check(worker, "gbk.csv", data)
    assert job.problems == []
    assert job.rows_total == 2
    imports.job_confirm(actor=worker, job=job, mode="good_only", merge=False, idempotency_key="gb18030-1")
    assert set(Person.objects.values_list("name", "residence_status")) == {
        ("欧阳龘", "floating"),
        ("䶮", "resident"),
    }


def test_unknown_grids_and_grids_outside_the_actors_reach(mini: Any, personas: dict[str, Any]) -> None:
    grid_worker = personas[Role.GRID_WORKER]
    rows = [
        person_row("甲", cid(1), "月亮网格"),
        person_row("乙", cid(3), mini.grid_b.name),  # exists, but in the sibling community
        person_row("丙", cid(5), mini.grid_a.name),
    ]
    job = _check(grid_worker, "g.xlsx", xlsx_bytes(PEOPLE_HEADER, rows))
    assert [(r, c) for r, c, _m in _problems(job)] == [(2, "所在网格"), (3, "所在网格")]
    assert "找不到网格“钓鱼台第一网格”，或它不在您的管辖范围内" in job.problems[1]["message"]
    imports.job_confirm(
        actor=grid_worker, job=job, mode="good_only", merge=False, idempotency_key="grid-key-1"
    )
    assert list(Person.objects.values_list("name", "grid")) == [("丙", mini.grid_a.pk)]


def test_missing_fields_dates_and_choices(mini: Any, worker: Any) -> None:
    grid = mini.grid_a.name
    rows = [
        person_row("", cid(1), grid),
        person_row("甲", cid(3), grid, birth="1970年3月8日", sex="男"),
        person_row("乙", cid(5), grid, birth="去年春天"),
        person_row("丙", cid(7), grid, birth="1970/03/09"),
        person_row("丁", cid(9), grid, sex="女", status="已故"),
        person_row("戊", "", grid),
        person_row("己", cid(11), grid, birth="19700308", phone="12345"),
    ]
    job = _check(worker, "m.csv", csv_bytes(PEOPLE_HEADER, rows))
    assert _problems(job) == [
        (2, "姓名", "此项为必填项。"),
        (4, "出生日期", "“去年春天”不是有效的日期，请按 2026-11-22、2026/11/22 或 2026年11月22日 填写。"),
        (5, "出生日期", "出生日期与证件号码不符。"),
        (6, "居住状态", "“已故”不是可选的值，可填：常住、户籍在外、流动。"),
        (6, "性别", "性别与证件号码不符。"),
        (7, "证件号码", "请填写证件号码。"),
        (8, "联系电话", "请输入11位手机号码或带区号的固定电话。"),
    ]
