"""The audit viewer: permission, area scoping, filters, paging, export."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any, cast

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.core.testing import make_audit_entry
from shequ.core.views_audit import safe_cell

pytestmark = pytest.mark.django_db

LIST = "/console/audit/"
EXPORT = "/console/audit/export/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _local(days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


@pytest.fixture
def entries(mini: Any) -> dict[str, AuditEntry]:
    return {
        "community_a": make_audit_entry(
            area=mini.community_a,
            action="registry.person.update",
            object_repr="张三户",
            actor_label="李社工",
            at=_local(3),
        ),
        "grid_a": make_audit_entry(
            area=mini.grid_a,
            action="gridwork.visit.create",
            object_type="gridwork.visit",
            object_id="77",
            object_repr="走访记录",
            actor_label="王网格",
            at=_local(10),
        ),
        "village_a": make_audit_entry(
            area=mini.village_a, action="core.area.update", object_repr="东湖村", at=_local(1)
        ),
        "community_b": make_audit_entry(
            area=mini.community_b, action="registry.person.update", object_repr="钓鱼台某户", at=_local(2)
        ),
        "platform": make_audit_entry(
            area=None, action="core.rule.create", object_repr="平台规则", at=_local(4)
        ),
    }


def _shown(response: Any) -> set[int]:
    return {e.pk for e in response.context["entries"]}


# ---------------------------------------------------------------- permission and scope


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    "role", [Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.DEPARTMENT_HANDLER, "resident"]
)
def test_without_permission_the_viewer_answers_403(personas: dict[str, Any], entries: Any, role: str) -> None:
    client = _client(personas[role])
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{entries['community_a'].pk}/").status_code == 403
    assert client.get(EXPORT + "?fmt=csv").status_code == 403


def test_community_head_sees_only_entries_of_their_community(personas: dict[str, Any], entries: Any) -> None:
    response = _client(personas[Role.COMMUNITY_HEAD]).get(LIST)
    assert response.status_code == 200
    assert _shown(response) == {entries["community_a"].pk, entries["grid_a"].pk}
    assert "钓鱼台某户" not in response.content.decode()


def test_street_staff_see_their_street_subtree(personas: dict[str, Any], entries: Any) -> None:
    response = _client(personas[Role.STREET_STAFF]).get(LIST)
    assert _shown(response) == {entries["community_a"].pk, entries["grid_a"].pk, entries["village_a"].pk}


def test_entries_without_area_only_for_system_admins(personas: dict[str, Any], entries: Any) -> None:
    city = _client(personas[Role.CITY_ADMIN]).get(LIST)
    assert entries["platform"].pk not in _shown(city)
    assert entries["community_b"].pk in _shown(city)
    admin = _client(personas[Role.SYSTEM_ADMIN]).get(LIST)
    assert _shown(admin) == {e.pk for e in entries.values()}


def test_detail_in_scope_out_of_scope_and_platform(personas: dict[str, Any], entries: Any) -> None:
    head = _client(personas[Role.COMMUNITY_HEAD])
    own = head.get(f"{LIST}{entries['grid_a'].pk}/")
    assert own.status_code == 200
    assert "gridwork.visit.create" in own.content.decode()
    assert head.get(f"{LIST}{entries['community_b'].pk}/").status_code == 404
    assert head.get(f"{LIST}{entries['platform'].pk}/").status_code == 404
    assert head.get(f"{LIST}999999/").status_code == 404
    admin = _client(personas[Role.SYSTEM_ADMIN])
    assert admin.get(f"{LIST}{entries['platform'].pk}/").status_code == 200


def test_detail_shows_changes_before_and_after(personas: dict[str, Any], mini: Any) -> None:
    entry = make_audit_entry(
        area=mini.community_a,
        changes={"name": ["旧名称", "新名称"], "ids": ["1", "2", "3"]},
        reason="更正错字",
    )
    body = _client(personas[Role.COMMUNITY_HEAD]).get(f"{LIST}{entry.pk}/").content.decode()
    assert "旧名称" in body
    assert "新名称" in body
    assert "更正错字" in body


def test_detail_view_declares_its_scoped_model() -> None:
    from django.urls import resolve

    assert resolve(f"{LIST}1/").func.scoped_model == ("core.AuditEntry", "entry_id")  # type: ignore[attr-defined]


# ---------------------------------------------------------------- filters


def test_filter_by_chinese_dates(personas: dict[str, Any], entries: Any) -> None:
    start, end = timezone.localdate() - timedelta(days=4), timezone.localdate() - timedelta(days=2)
    client = _client(personas[Role.STREET_STAFF])
    response = client.get(
        LIST, {"date_from": f"{start:%Y}年{start.month}月{start.day}日", "date_to": end.isoformat()}
    )
    assert response.status_code == 200
    assert _shown(response) == {entries["community_a"].pk}


def test_filter_by_actor_action_object_type_and_text(personas: dict[str, Any], entries: Any) -> None:
    client = _client(personas[Role.STREET_STAFF])
    assert _shown(client.get(LIST, {"actor": "王网"})) == {entries["grid_a"].pk}
    assert _shown(client.get(LIST, {"action": "registry."})) == {entries["community_a"].pk}
    assert _shown(client.get(LIST, {"object_type": "gridwork.visit"})) == {entries["grid_a"].pk}
    assert _shown(client.get(LIST, {"q": "张三"})) == {entries["community_a"].pk}
    assert _shown(client.get(LIST, {"q": "77"})) == {entries["grid_a"].pk}


def test_filter_by_area(personas: dict[str, Any], mini: Any, entries: Any) -> None:
    client = _client(personas[Role.STREET_STAFF])
    response = client.get(LIST, {"area": mini.community_a.pk})
    assert _shown(response) == {entries["community_a"].pk, entries["grid_a"].pk}


def test_area_outside_scope_is_a_field_error(personas: dict[str, Any], mini: Any, entries: Any) -> None:
    response = _client(personas[Role.STREET_STAFF]).get(LIST, {"area": mini.community_b.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["area"] == ["所选区域不存在或不在您的管辖范围内。"]
    assert _shown(response) == set()


@pytest.mark.parametrize("bad", ["2026-13-45", "昨天", "2026年2月30日", "1-1-1", "0001-01-01", "99999-01-01"])
def test_invalid_date_shows_the_form_error(personas: dict[str, Any], entries: Any, bad: str) -> None:
    response = _client(personas[Role.COMMUNITY_HEAD]).get(LIST, {"date_from": bad})
    assert response.status_code == 400
    errors = response.context["form"].errors["date_from"]
    assert errors
    assert all(any(ch > "\u4e00" for ch in e) for e in errors)
    assert errors[0] in response.content.decode()
    assert _shown(response) == set()


def test_end_before_start_is_an_error_on_the_end_date(personas: dict[str, Any], entries: Any) -> None:
    response = _client(personas[Role.COMMUNITY_HEAD]).get(
        LIST, {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date_to"] == ["结束日期不能早于开始日期。"]


# ---------------------------------------------------------------- paging and queries


def test_fifty_per_page(personas: dict[str, Any], mini: Any) -> None:
    for i in range(120):
        make_audit_entry(area=mini.community_a, object_repr=f"对象{i}")
    client = _client(personas[Role.COMMUNITY_HEAD])
    first = client.get(LIST)
    assert len(first.context["entries"]) == 50
    assert first.context["page_obj"].paginator.count == 120
    last = client.get(LIST, {"page": "3", "action": "test."})
    assert len(last.context["entries"]) == 20
    assert client.get(LIST, {"page": "abc"}).status_code == 200


def test_list_query_count_does_not_grow_with_entries(
    personas: dict[str, Any], mini: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(100):
        make_audit_entry(area=mini.grid_a if i % 2 else mini.community_a, object_repr=f"对象{i}")
    client = _client(personas[Role.STREET_STAFF])
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["entries"]) == 50
    assert "大悲巷第一网格" in response.content.decode()


# ---------------------------------------------------------------- export


def test_safe_cell_defeats_formula_injection() -> None:
    assert safe_cell("=1+2") == "'=1+2"
    assert safe_cell("+86") == "'+86"
    assert safe_cell("-3") == "'-3"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("张三") == "张三"
    assert safe_cell(None) == ""
    assert safe_cell({"a": "=x"}) == '{"a": "=x"}'


def test_export_xlsx_is_filtered_scoped_and_safe(personas: dict[str, Any], mini: Any, entries: Any) -> None:
    make_audit_entry(
        area=mini.community_a, object_repr='=HYPERLINK("http://evil","点我")', actor_label="@攻击"
    )
    make_audit_entry(area=mini.community_b, object_repr="=外区")
    client = _client(personas[Role.COMMUNITY_HEAD])
    response = client.get(EXPORT, {"fmt": "xlsx", "actor": "攻击"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "岗位", "操作")
    assert len(rows) == 2
    assert rows[1][1] == "'@攻击"
    assert rows[1][6] == '\'=HYPERLINK("http://evil","点我")'
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row if c.value is not None]
    assert cells
    assert all(c.data_type == "s" for c in cells)

    exported = AuditEntry.objects.get(action="audit.export")
    assert exported.actor_id == personas[Role.COMMUNITY_HEAD].pk
    assert exported.changes["rows"] == 1
    assert exported.changes["format"] == "xlsx"
    assert exported.area_path == mini.community_a.path


def test_export_csv_has_bom_and_only_visible_rows(personas: dict[str, Any], mini: Any, entries: Any) -> None:
    make_audit_entry(area=mini.community_a, object_repr="-1+1", action="registry.person.update")
    response = _client(personas[Role.COMMUNITY_HEAD]).get(EXPORT, {"fmt": "csv", "action": "registry."})
    assert response.status_code == 200
    raw = b"".join(cast(StreamingHttpResponse, response).streaming_content)  # type: ignore[arg-type]
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "时间"
    objects = {r[6] for r in rows[1:]}
    assert objects == {"张三户", "'-1+1"}


def test_export_with_bad_input_is_400(personas: dict[str, Any], entries: Any) -> None:
    client = _client(personas[Role.COMMUNITY_HEAD])
    bad_date = client.get(EXPORT, {"fmt": "csv", "date_to": "2026/02/31"})
    assert bad_date.status_code == 400
    assert "date_to" in bad_date.context["form"].errors
    bad_format = client.get(EXPORT, {"fmt": "pdf"})
    assert bad_format.status_code == 400
    assert not AuditEntry.objects.filter(action="audit.export").exists()


def test_area_menu_lists_areas_above_grids_but_a_grid_filters_too(
    personas: dict[str, Any], mini: Any, entries: Any
) -> None:
    client = _client(personas[Role.STREET_STAFF])
    page = client.get(LIST).content.decode()
    assert f'value="{mini.community_a.pk}"' in page
    assert f'value="{mini.grid_a.pk}"' not in page
    assert f'value="{mini.community_b.pk}"' not in page
    assert _shown(client.get(LIST, {"area": mini.grid_a.pk})) == {entries["grid_a"].pk}
