"""Import pages: upload, the problem table, confirm, the finished page, progress, export, scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shequ.accounts.roles import Role
from shequ.demo.factories import make_staff
from shequ.registry.models import ImportJob, ImportStatus, Person

from .imports_helpers import PEOPLE_HEADER, bad_check_digit, cid, csv_bytes, person_row, xlsx_bytes

pytestmark = pytest.mark.django_db

HOME = "/console/registry/imports/"


def _upload(client: Any, data: bytes, name: str = "r.xlsx", kind: str = "people") -> Any:
    return client.post(f"{HOME}upload/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_home_page(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    worker = personas[Role.COMMUNITY_WORKER]
    for i in range(3):
        ImportJob.objects.create(
            kind="people", area=mini.community_a, created_by=worker, file_name=f"{i}.xlsx", file_format="xlsx"
        )
    client.force_login(worker)
    with django_assert_max_num_queries(16):
        response = client.get(HOME)
    text = response.content.decode()
    assert response.status_code == 200
    assert "人员模板" in text
    assert "?kind=households" in text
    assert text.count("/console/registry/imports/") >= 3
    assert "导出完整信息" in text  # a community worker may reveal
    client.force_login(personas[Role.GRID_WORKER])
    assert "导出完整信息" not in client.get(HOME).content.decode()
    response = client.get(f"{HOME}template/?kind=people")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(f"{HOME}template/?kind=x").status_code == 400


def test_upload_shows_each_problem_then_imports_and_lists_the_people(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    rows = [
        person_row("张三", cid(1), mini.grid_a.name),
        person_row("李四", bad_check_digit(cid(3)), "月亮网格"),
    ]
    response = _upload(client, xlsx_bytes(PEOPLE_HEADER, rows))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "第3行" in page
    assert "证件号码" in page
    assert "身份证号码校验位不正确" in page
    assert "找不到网格“月亮网格”" in page
    form = {"mode": "good_only", "idempotency_key": "page-key-01"}
    response = client.post(f"{HOME}{job.pk}/confirm/", form)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    person = Person.objects.get()
    assert "新增 1 条" in page
    assert f'href="/console/registry/persons/{person.pk}/"' in page
    assert cid(1) not in page
    assert client.post(f"{HOME}{job.pk}/confirm/", form).status_code == 302  # same key: nothing more
    assert Person.objects.count() == 1


def test_all_or_nothing_with_problems_is_refused_on_the_page(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    rows = [
        person_row("张三", cid(1), mini.grid_a.name),
        person_row("李四", bad_check_digit(cid(3)), mini.grid_a.name),
    ]
    _upload(client, csv_bytes(PEOPLE_HEADER, rows), name="r.csv")
    job = ImportJob.objects.get()
    response = client.post(
        f"{HOME}{job.pk}/confirm/", {"mode": "all_or_nothing", "idempotency_key": "page-key-02"}
    )
    assert response.status_code == 400
    assert "全部无问题才导入" in response.content.decode()
    assert Person.objects.count() == 0


def test_a_bad_file_is_refused_on_the_upload_form(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    response = _upload(client, b"%PDF-1.5\n\x00\x00\x00", name="roster.xls")
    assert response.status_code == 400
    assert "不是电子表格" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_progress_polls_while_running_and_redirects_after(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    worker = personas[Role.COMMUNITY_WORKER]
    job = ImportJob.objects.create(
        kind="people",
        area=mini.community_a,
        created_by=worker,
        file_name="a.xlsx",
        file_format="xlsx",
        status=ImportStatus.IMPORTING,
        rows_total=10,
        rows_done=4,
    )
    client.force_login(worker)
    page = client.get(f"{HOME}{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert 'value="40"' in page
    response = client.get(f"{HOME}{job.pk}/progress/")
    assert "HX-Redirect" not in response
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    response = client.get(f"{HOME}{job.pk}/progress/")
    assert response["HX-Redirect"] == f"{HOME}{job.pk}/"


def test_another_areas_job_is_404(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    other = make_staff("worker_b", Role.COMMUNITY_WORKER, area=mini.community_b)
    job = ImportJob.objects.create(
        kind="people",
        area=mini.community_b,
        created_by=other,
        file_name="b.xlsx",
        file_format="xlsx",
        status=ImportStatus.CHECKED,
        header_ok=True,
    )
    client.force_login(personas[Role.COMMUNITY_WORKER])
    assert client.get(f"{HOME}{job.pk}/").status_code == 404
    assert (
        client.post(
            f"{HOME}{job.pk}/confirm/", {"mode": "good_only", "idempotency_key": "x" * 10}
        ).status_code
        == 404
    )
    assert client.post(f"{HOME}{job.pk}/cancel/").status_code == 404


def test_export_page(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    response = client.get(f"{HOME}export/?kind=people")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post(f"{HOME}export/", {"kind": "people", "reason": ""})
    assert response.status_code == 400
    assert "导出完整信息须填写事由" in response.content.decode()
    client.force_login(personas[Role.GRID_WORKER])
    response = client.post(f"{HOME}export/", {"kind": "people", "reason": "核对名册"})
    assert response.status_code == 400
    assert "没有导出完整个人信息的权限" in response.content.decode()
