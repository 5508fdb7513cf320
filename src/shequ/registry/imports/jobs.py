"""Import jobs: upload, check (dry run), confirm, run, cancel. Service functions, keyword-only.

Small files are checked and imported in the request; files over
``SHEQU_IMPORT_BACKGROUND_ROWS`` rows go to a Celery task that saves its progress on the job.
"Good rows only" writes batch by batch, each batch in its own transaction; "all or nothing"
writes every batch inside one transaction, so any problem met on the way leaves nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import top_areas
from shequ.core.audit import record
from shequ.core.models import Area

from .. import selectors
from ..access import REGISTRY_ROLES
from ..models import FINISHED_STATUSES, ImportJob, ImportKind, ImportMode, ImportStatus
from . import files
from .checks import known_headers
from .pipeline import background_rows, fail_unexpected, run_check, run_import

__all__ = ["fail_unexpected", "job_cancel", "job_confirm", "job_upload", "run_check", "run_import"]


# --------------------------------------------------------------------------- upload


def _job_area(actor: Any) -> Area:
    for post in actor.current_posts():
        if post.area is not None and post.role in REGISTRY_ROLES:
            return post.area
    area = top_areas(actor).first()
    if area is None:
        raise ValidationError({"kind": _("您没有可以导入数据的辖区。")})
    return area


def job_upload(*, actor: Any, kind: str, upload: Any) -> ImportJob:
    """Store an uploaded roster and check it (in the request when small, else in the background).

    The size is refused before anything is read; an unreadable file is refused with a
    message and leaves no job behind.
    """
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("请选择导入类别。")})
    if not selectors.grids_for(actor, write=True).exists():
        raise ValidationError({"kind": _("您没有可以写入的网格，不能导入。")})
    limit = files.max_bytes()
    if upload is None:
        raise files.file_error(_("请选择要上传的文件。"))
    size = int(getattr(upload, "size", 0) or 0)
    if size > limit:
        raise files.file_error(
            _("文件大小为%(size).1f MB，超过上限%(limit).0f MB。请拆分成几个文件分批导入。")
            % {"size": size / 1048576, "limit": limit / 1048576}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise files.file_error(_("文件超过大小上限%(limit).0f MB。") % {"limit": limit / 1048576})
    sheet = files.read(data, known_headers(kind))
    if sheet.total > files.max_rows():
        raise files.file_error(
            _("文件约有%(n)d行数据，超过单次导入上限%(max)d行，请拆分后分批导入。")
            % {"n": sheet.total, "max": files.max_rows()}
        )
    name = str(getattr(upload, "name", "") or "")[-200:] or "upload"
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            area=_job_area(actor),
            created_by=actor,
            file_name=name,
            file_format=sheet.format,
            file_size=len(data),
            file_key=files.store(data),
            rows_total=sheet.total,
        )
        record(
            actor=actor,
            action="registry.import.upload",
            obj=job,
            changes={"kind": kind, "format": sheet.format, "rows": sheet.total, "size": len(data)},
        )
        if sheet.total > background_rows():
            job.status = ImportStatus.CHECKING
            job.save(update_fields=["status", "updated_at"])
            transaction.on_commit(lambda: _enqueue("check", job.pk))
    if job.status == ImportStatus.UPLOADED:
        run_check(job.pk, actor=actor)
        job.refresh_from_db()
    return job


def _enqueue(what: str, job_id: int) -> None:
    from .. import tasks

    (tasks.check_import if what == "check" else tasks.run_import).delay(job_id)


# --------------------------------------------------------------------------- confirm and import


def job_confirm(*, actor: Any, job: ImportJob, mode: str, merge: bool, idempotency_key: str) -> ImportJob:
    """Start the import as chosen. The same key again answers the same job and imports nothing more."""
    errors: dict[str, str] = {}
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 80:
        errors["idempotency_key"] = _("幂等键应为8到80个字符。")
    if mode not in ImportMode.values:
        errors["mode"] = _("请选择导入方式。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.idempotency_key:
            if job.idempotency_key == key:
                return job
            raise ValidationError({"idempotency_key": _("该导入任务已经确认过，不能重复导入。")})
        if job.status != ImportStatus.CHECKED:
            raise ValidationError(
                {"status": _("该导入任务当前不能确认（%(status)s）。") % {"status": job.get_status_display()}}
            )
        if not job.header_ok:
            raise ValidationError({"file": _("文件的列不正确，不能导入。请按模板修改后重新上传。")})
        if mode == ImportMode.ALL_OR_NOTHING and job.rows_bad:
            raise ValidationError(
                {
                    "mode": _(
                        "有%(n)d行存在问题。选择“全部无问题才导入”时不能导入：请修改文件后重新上传，"
                        "或选择“只导入无问题的行”。"
                    )
                    % {"n": job.rows_bad}
                }
            )
        job.status = ImportStatus.IMPORTING
        job.mode = mode
        job.merge = bool(merge)
        job.idempotency_key = key
        job.confirmed_by = actor
        job.started_at = timezone.now()
        job.rows_done = 0
        job.save(
            update_fields=[
                "status",
                "mode",
                "merge",
                "idempotency_key",
                "confirmed_by",
                "started_at",
                "rows_done",
                "updated_at",
            ]
        )
        record(
            actor=actor,
            action="registry.import.confirm",
            obj=job,
            changes={"mode": mode, "merge": bool(merge), "rows": job.rows_total},
        )
        background = job.rows_total > background_rows()
        if background:
            transaction.on_commit(lambda: _enqueue("import", job.pk))
    if not background:
        run_import(job.pk, actor=actor)
        job.refresh_from_db()
    return job


# --------------------------------------------------------------------------- cancel


@transaction.atomic
def job_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status in FINISHED_STATUSES:
        raise ValidationError({"status": _("该导入任务已结束，不能取消。")})
    before = job.status
    job.status = ImportStatus.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    record(actor=actor, action="registry.import.cancel", obj=job, changes={"status": [before, job.status]})
    if before != ImportStatus.IMPORTING:
        transaction.on_commit(lambda: files.discard(job.file_key))
    return job
