"""Export: the actor's scope only, masked by default, safe from formula injection, full only with
the permission and a reason, always audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import make_building, make_household, make_person, make_place
from shequ.registry import imports

from .imports_helpers import cid

pytestmark = pytest.mark.django_db


def _sheet(stream: Any) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(stream.read()))
    stream.close()
    return [[c.value for c in row] for row in book.worksheets[0].iter_rows()]


@pytest.fixture
def registry(mini: Any) -> dict[str, Any]:
    head = make_person(mini.grid_a, '=HYPERLINK("http://x","点我")', id_number=cid(1), phone="13812345678")
    make_household(mini.grid_a, head=head, address="丹凤街12号3栋2单元501室")
    make_person(mini.grid_b, "别处的人", id_number=cid(3))
    make_place(mini.grid_a, "@SUM(1+1)")
    make_place(mini.grid_a, "-2+3")
    make_building(mini.grid_a, "+1栋")
    return {"head": head}


def test_masked_export_is_scoped_masked_and_formula_safe(
    mini: Any, personas: dict[str, Any], registry: dict[str, Any]
) -> None:
    worker = personas[Role.GRID_WORKER]
    stream, name, count = imports.export_roster(actor=worker, kind="people")
    rows = _sheet(stream)
    assert name.startswith("人员花名册（脱敏）")
    assert count == 1
    assert rows[0] == [
        "编号",
        "姓名",
        "证件类型",
        "证件号码",
        "性别",
        "年龄",
        "联系电话",
        "所在网格",
        "居住状态",
        "户籍地址",
        "现居住地址",
    ]
    assert rows[1][1] == '\'=HYPERLINK("http://x","点我")'
    assert rows[1][3] == "32**************" + cid(1)[-2:]
    assert rows[1][6] == "138****5678"
    assert rows[1][5] == registry["head"].age_on(timezone.localdate())
    assert "别处的人" not in str(rows)
    entry = AuditEntry.objects.get(action="registry.export")
    assert entry.changes == {"kind": "people", "rows": 1, "masked": True}

    places = _sheet(imports.export_roster(actor=worker, kind="places")[0])
    assert sorted(r[1] for r in places[1:]) == ["'-2+3", "'@SUM(1+1)"]
    buildings = _sheet(imports.export_roster(actor=worker, kind="buildings")[0])
    assert buildings[1][1] == "'+1栋"
    households = _sheet(imports.export_roster(actor=worker, kind="households")[0])
    assert households[1][1] == "户主"
    assert households[1][-2] == "丹凤街*号*栋*单元*室"


def test_full_export_needs_the_permission_and_a_reason_and_is_audited(
    mini: Any, personas: dict[str, Any], registry: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        imports.export_roster(actor=personas[Role.GRID_WORKER], kind="people", reveal=True, reason="核对名册")
    worker = personas[Role.COMMUNITY_WORKER]
    with pytest.raises(ValidationError) as exc:
        imports.export_roster(actor=worker, kind="people", reveal=True, reason="")
    assert exc.value.message_dict["reason"] == ["导出完整信息须填写事由。"]
    assert not AuditEntry.objects.filter(action__startswith="registry.export").exists()
    stream, name, _count = imports.export_roster(actor=worker, kind="people", reveal=True, reason="核对名册")
    rows = _sheet(stream)
    assert "完整" in name
    assert rows[0][5] == "出生日期"
    assert rows[1][3] == cid(1)
    assert rows[1][6] == "13812345678"
    assert rows[1][5] == "1970-03-08"
    entry = AuditEntry.objects.get(action="registry.export.reveal")
    assert entry.reason == "核对名册"
    assert entry.changes["masked"] is False
    assert entry.actor_id == worker.pk


def test_staff_without_the_registry_cannot_export(mini: Any, personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        imports.export_roster(actor=personas[Role.DEPARTMENT_HANDLER], kind="people")
