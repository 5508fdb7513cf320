"""Roster import and export over the API: templates, upload and check, progress, confirm, cancel, export.

A job belongs to the area of its uploader's post; staff whose areas cover it read it, an id
from elsewhere answers 404.  Personal data leaves masked unless a full export is asked for
with the reveal permission and a reason (audited).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, File, Form, Path, Query, Schema, Status
from ninja.files import UploadedFile

from shequ.core.api import ERRORS

from .. import imports
from ..models import ImportJob
from .common import router

IMPORT_JOB = {"x-scoped-model": "registry.ImportJob"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KindName = Literal["people", "households", "places", "buildings"]
ImportJobIdPath = Annotated[int, Path(ge=1, le=2**63 - 1, description="导入任务编号")]


def _xlsx_response(description: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


class ImportProblemOut(Schema):
    row: int = Field(..., description="行号（与表格软件中看到的一致）")
    column: str = Field(..., description="列名")
    message: str


class ImportDuplicateOut(Schema):
    row: int
    name: str
    id_masked: str
    person_id: int | None = Field(None, description="已登记人员编号（在您的范围内时）")
    note: str = ""


class ImportJobOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    area_id: int
    file_name: str
    file_format: str
    rows_total: int
    rows_checked: int
    rows_done: int
    rows_bad: int
    rows_duplicate: int
    percent: int
    header_ok: bool
    problems_total: int
    problems: list[ImportProblemOut]
    duplicates: list[ImportDuplicateOut]
    mode: str
    merge: bool
    created_count: int
    merged_count: int
    skipped_count: int
    created_ids: list[int] = Field(..., description="新增记录编号（前若干条）")
    message: str
    created_at: datetime
    finished_at: datetime | None


class ImportJobBriefOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    file_name: str
    rows_total: int
    percent: int
    created_at: datetime


class ImportConfirmIn(Schema):
    mode: Literal["good_only", "all_or_nothing"] = Field(
        ..., description="good_only：只导入无问题的行；all_or_nothing：全部无问题才导入"
    )
    merge: bool = Field(False, description="已登记人员按表格内容更新（合并）；默认跳过")
    idempotency_key: str = Field(..., min_length=8, max_length=80, description="重复提交同一键不会重复导入")


class ImportKindQuery(Schema):
    kind: KindName = Field(..., description="people、households、places、buildings")


class ExportRevealIn(Schema):
    kind: KindName
    reason: str = Field(..., min_length=2, max_length=500, description="导出完整信息的事由")


def _job_out(job: ImportJob) -> ImportJobOut:
    return ImportJobOut(
        id=job.pk,
        kind=job.kind,
        kind_label=str(job.get_kind_display()),
        status=job.status,
        status_label=str(job.get_status_display()),
        area_id=job.area_id,
        file_name=job.file_name,
        file_format=job.file_format,
        rows_total=job.rows_total,
        rows_checked=job.rows_checked,
        rows_done=job.rows_done,
        rows_bad=job.rows_bad,
        rows_duplicate=job.rows_duplicate,
        percent=job.percent,
        header_ok=job.header_ok,
        problems_total=job.problems_total,
        problems=[ImportProblemOut(**p) for p in job.problems],
        duplicates=[ImportDuplicateOut(**d) for d in job.duplicates],
        mode=job.mode,
        merge=job.merge,
        created_count=job.created_count,
        merged_count=job.merged_count,
        skipped_count=job.skipped_count,
        created_ids=[i for i in job.created_ids if isinstance(i, int)],
        message=job.message,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


@router.get(
    "/registry/imports/template",
    response=ERRORS,
    summary="下载花名册导入模板（xlsx）",
    openapi_extra=_xlsx_response("xlsx 模板"),
)
def import_template(request: HttpRequest, query: Query[ImportKindQuery]) -> HttpResponse:
    response = HttpResponse(imports.template_xlsx(query.kind, request.user), content_type=XLSX)
    response["Content-Disposition"] = _attachment(imports.template_name(query.kind))
    return response


@router.get("/registry/imports", response={200: list[ImportJobBriefOut], **ERRORS}, summary="最近的导入任务")
def list_imports(request: HttpRequest) -> list[ImportJobBriefOut]:
    return [
        ImportJobBriefOut(
            id=j.pk,
            kind=j.kind,
            kind_label=str(j.get_kind_display()),
            status=j.status,
            status_label=str(j.get_status_display()),
            file_name=j.file_name,
            rows_total=j.rows_total,
            percent=j.percent,
            created_at=j.created_at,
        )
        for j in imports.recent_jobs(request.user)
    ]


@router.post(
    "/registry/imports",
    response={201: ImportJobOut, **ERRORS},
    summary="上传花名册并检查（xlsx、xls、WPS et、ods，或 UTF-8 / GB18030 编码的 csv）",
)
def upload_import(
    request: HttpRequest, kind: Form[KindName], file: File[UploadedFile]
) -> Status[ImportJobOut]:
    job = imports.job_upload(actor=request.user, kind=kind, upload=file)
    return Status(201, _job_out(job))


@router.get(
    "/registry/imports/{job_id}",
    response={200: ImportJobOut, **ERRORS},
    summary="导入任务：检查结果与进度",
    openapi_extra=IMPORT_JOB,
)
def get_import(request: HttpRequest, job_id: ImportJobIdPath) -> ImportJobOut:
    return _job_out(imports.job_for(request.user, job_id))


@router.post(
    "/registry/imports/{job_id}/confirm",
    response={200: ImportJobOut, **ERRORS},
    summary="确认导入（选择导入方式、是否合并已登记人员）",
    openapi_extra=IMPORT_JOB,
)
def confirm_import(request: HttpRequest, job_id: ImportJobIdPath, payload: ImportConfirmIn) -> ImportJobOut:
    job = imports.job_for(request.user, job_id, write=True)
    job = imports.job_confirm(
        actor=request.user,
        job=job,
        mode=payload.mode,
        merge=payload.merge,
        idempotency_key=payload.idempotency_key,
    )
    return _job_out(job)


@router.post(
    "/registry/imports/{job_id}/cancel",
    response={200: ImportJobOut, **ERRORS},
    summary="取消导入任务",
    openapi_extra=IMPORT_JOB,
)
def cancel_import(request: HttpRequest, job_id: ImportJobIdPath) -> ImportJobOut:
    job = imports.job_for(request.user, job_id, write=True)
    return _job_out(imports.job_cancel(actor=request.user, job=job))


@router.get(
    "/registry/exports",
    response=ERRORS,
    summary="导出花名册（xlsx，已脱敏）",
    openapi_extra=_xlsx_response("xlsx 文件（个人信息已脱敏）"),
)
def export_masked(request: HttpRequest, query: Query[ImportKindQuery]) -> FileResponse:
    stream, name, _count = imports.export_roster(actor=request.user, kind=query.kind)
    return FileResponse(stream, as_attachment=True, filename=name, content_type=XLSX)


@router.post(
    "/registry/exports/full",
    response=ERRORS,
    summary="导出花名册完整信息（须有查看权限并填写事由，记入审计）",
    openapi_extra=_xlsx_response("xlsx 文件（完整信息）"),
)
def export_full(request: HttpRequest, payload: ExportRevealIn) -> FileResponse:
    stream, name, _count = imports.export_roster(
        actor=request.user, kind=payload.kind, reveal=True, reason=payload.reason
    )
    return FileResponse(stream, as_attachment=True, filename=name, content_type=XLSX)


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(name)}"
