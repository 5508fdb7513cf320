"""The import and export API over HTTP: template, multipart upload, job, confirm, cancel, export, scope."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from shequ.accounts.roles import Role
from shequ.registry.models import ImportJob, Person

from .imports_helpers import PEOPLE_HEADER, bad_check_digit, cid, csv_bytes, person_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _upload(client: Any, data: bytes, name: str = "r.xlsx", kind: str = "people") -> Any:
    return client.post("/api/v1/registry/imports", {"kind": kind, "file": _file(name, data)})


def _file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("kind", ["people", "households", "places", "buildings"])
def test_template_download(client: Any, mini: Any, personas: dict[str, Any], kind: str) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    response = client.get(f"/api/v1/registry/imports/template?kind={kind}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[1] == "填写说明"
    data, info = book.worksheets
    header = [c.value for c in data[1]]
    assert "所在网格" in header
    if kind in ("people", "households"):
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(header.index("证件号码") + 1)
        assert data.column_dimensions[letter].number_format == "@"  # text: every digit kept
    grids = [row[0].value for row in info.iter_rows()]
    assert mini.grid_a.name in grids
    assert mini.grid_b.name not in grids
    assert client.get("/api/v1/registry/imports/template?kind=bogus").status_code == 422


def test_upload_check_confirm_over_the_api(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    rows = [
        person_row("张三", cid(1), mini.grid_a.name),
        person_row("李四", bad_check_digit(cid(3)), mini.grid_a.name),
    ]
    response = _upload(client, xlsx_bytes(PEOPLE_HEADER, rows))
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["status"] == "checked"
    assert job["rows_bad"] == 1
    assert job["problems"] == [
        {"row": 3, "column": "证件号码", "message": "身份证号码校验位不正确，请核对后重新输入。"}
    ]
    url = f"/api/v1/registry/imports/{job['id']}"
    assert client.get(url).json()["id"] == job["id"]
    response = _post(client, f"{url}/confirm", {"mode": "all_or_nothing", "idempotency_key": "api-key-01"})
    assert response.status_code == 400
    assert "mode" in response.json()["errors"]
    body = {"mode": "good_only", "merge": False, "idempotency_key": "api-key-02"}
    done = _post(client, f"{url}/confirm", body).json()
    assert done["status"] == "done"
    assert done["created_count"] == 1
    assert done["created_ids"] == list(Person.objects.values_list("pk", flat=True))
    assert _post(client, f"{url}/confirm", body).json()["created_count"] == 1
    assert Person.objects.count() == 1
    assert _post(client, f"{url}/cancel", {}).status_code == 400
    listed = client.get("/api/v1/registry/imports").json()
    assert [j["id"] for j in listed] == [job["id"]]


def test_bad_files_answer_400_on_the_file_field(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.COMMUNITY_WORKER])
    response = _upload(client, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.xlsx")
    assert response.status_code == 400
    assert "不是电子表格" in response.json()["errors"]["file"][0]
    big = b"a" * (50 * 1024 * 1024)
    response = _upload(client, big, name="big.csv")
    assert response.status_code == 400
    assert "超过上限" in response.json()["errors"]["file"][0]
    assert ImportJob.objects.count() == 0


def test_jobs_of_another_area_answer_404(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    from shequ.demo.factories import make_staff

    other = make_staff("worker_b", Role.COMMUNITY_WORKER, area=mini.community_b)
    client.force_login(other)
    job_id = _upload(client, csv_bytes(PEOPLE_HEADER, [person_row("乙", cid(5), mini.grid_b.name)])).json()[
        "id"
    ]
    client.force_login(personas[Role.COMMUNITY_WORKER])
    assert client.get(f"/api/v1/registry/imports/{job_id}").status_code == 404
    body = {"mode": "good_only", "idempotency_key": "api-key-03"}
    assert _post(client, f"/api/v1/registry/imports/{job_id}/confirm", body).status_code == 404
    assert _post(client, f"/api/v1/registry/imports/{job_id}/cancel", {}).status_code == 404
    assert client.get("/api/v1/registry/imports").json() == []
    client.force_login(personas[Role.GRID_WORKER])
    assert client.get(f"/api/v1/registry/imports/{job_id}").status_code == 404
    assert Person.objects.count() == 0


def test_export_over_the_api(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    from shequ.demo.factories import make_person

    make_person(mini.grid_a, "张三", id_number=cid(1))
    client.force_login(personas[Role.COMMUNITY_WORKER])
    response = client.get("/api/v1/registry/exports?kind=people")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.worksheets[0].cell(row=2, column=4).value == "32**************" + cid(1)[-2:]
    response = _post(client, "/api/v1/registry/exports/full", {"kind": "people", "reason": "核对"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.worksheets[0].cell(row=2, column=4).value == cid(1)
    client.force_login(personas[Role.GRID_WORKER])
    assert (
        _post(client, "/api/v1/registry/exports/full", {"kind": "people", "reason": "核对"}).status_code
        == 403
    )


def test_job_list_query_count(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    worker = personas[Role.COMMUNITY_WORKER]
    for i in range(5):
        ImportJob.objects.create(
            kind="people", area=mini.community_a, created_by=worker, file_name=f"{i}.xlsx", file_format="xlsx"
        )
    client.force_login(worker)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/registry/imports").json()) == 5
