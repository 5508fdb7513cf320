"""The pipeline of an import job: read the stored file, check it batch by batch, write the good units.

"Good rows only" writes batch by batch, each batch in its own transaction, saving progress
between batches; "all or nothing" writes every batch inside one transaction, so any
problem met on the way leaves nothing.  Both stop at the next batch when the job is cancelled.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.pii import mask_id_number

from ..models import ImportJob, ImportMode, ImportStatus
from . import files
from .checks import Problem, RowResult, known_headers, map_header
from .units import CHECKERS, Unit
from .writes import Context, write

log = logging.getLogger(__name__)


def batch_rows() -> int:
    return int(getattr(settings, "SHEQU_IMPORT_BATCH_ROWS", 2000))


def background_rows() -> int:
    return int(getattr(settings, "SHEQU_IMPORT_BACKGROUND_ROWS", 5000))


def max_listed() -> int:
    return int(getattr(settings, "SHEQU_IMPORT_MAX_PROBLEMS", 10000))


class Cancelled(Exception):
    pass


class Abort(Exception):
    """A problem met while importing "all or nothing": everything written so far is rolled back."""


class Tally:
    def __init__(self) -> None:
        self.rows = 0
        self.bad = 0
        self.duplicates = 0
        self.problems: list[dict[str, Any]] = []
        self.problems_total = 0
        self.listed: list[dict[str, Any]] = []

    def add_problems(self, problems: list[Problem]) -> None:
        self.problems_total += len(problems)
        room = max_listed() - len(self.problems)
        if room > 0:
            self.problems.extend(p.as_json() for p in problems[:room])

    def add_duplicate(self, actor: Any, r: RowResult) -> None:
        self.duplicates += 1
        if len(self.listed) >= max_listed() or r.existing is None:
            return
        self.listed.append(
            {
                "row": r.row,
                "name": r.values.get("name") or "",
                "id_masked": mask_id_number(r.values.get("id_number") or ""),
                "person_id": None if r.out_of_reach else r.existing.pk,
                "note": r.merge_refusal,
            }
        )


def _open(job: ImportJob) -> tuple[Any, Any]:
    data = files.load(job.file_key)
    sheet = files.read(data, known_headers(job.kind))
    return sheet, map_header(job.kind, sheet)


def _refuse_merges(units: list[Unit]) -> None:
    """On merging, a registered person who cannot be merged becomes a problem of the row."""
    for unit in units:
        for r in unit:
            if r.existing is not None and r.merge_refusal:
                r.problems.append(Problem(r.row, r.id_column, r.merge_refusal))


def _unit_problems(unit: Unit) -> list[Problem]:
    return [p for r in unit for p in r.problems]


def _is_cancelled(job_id: int) -> bool:
    return ImportJob.objects.filter(pk=job_id, status=ImportStatus.CANCELLED).exists()


def run_check(job_id: int, *, actor: Any | None = None) -> None:
    """The dry run: every problem and every already registered person, nothing written."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKING):
        return
    actor = actor or job.created_by
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, rows_checked=0)
    try:
        sheet, header = _open(job)
        tally = Tally()
        if not header.problems:
            checker = CHECKERS[job.kind](header, actor, sheet.formulas)
            for batch in checker.units(sheet.rows, batch_rows()):
                for unit in batch:
                    tally.rows += len(unit)
                    problems = _unit_problems(unit)
                    if problems:
                        tally.bad += len(unit)
                        tally.add_problems(problems)
                    for r in unit:
                        if r.existing is not None:
                            tally.add_duplicate(actor, r)
                if _is_cancelled(job.pk):
                    return
                ImportJob.objects.filter(pk=job.pk).update(rows_checked=tally.rows)
        else:
            tally.add_problems(header.problems)
    except ValidationError as exc:
        _fail(job.pk, " ".join(exc.messages))
        return
    ImportJob.objects.filter(pk=job.pk).exclude(status=ImportStatus.CANCELLED).update(
        status=ImportStatus.CHECKED,
        header_ok=not header.problems,
        rows_total=tally.rows if not header.problems else job.rows_total,
        rows_checked=tally.rows,
        rows_bad=tally.bad,
        rows_duplicate=tally.duplicates,
        problems=tally.problems,
        problems_total=tally.problems_total,
        duplicates=tally.listed,
        updated_at=timezone.now(),
    )


def _fail(job_id: int, message: str, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED, message=message[:500], finished_at=timezone.now(), **fields
    )
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        files.discard(job.file_key)


def run_import(job_id: int, *, actor: Any | None = None) -> None:
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.IMPORTING, claimed=False).update(
        claimed=True
    )
    if not claimed:
        return  # not confirmed, or another run already has it (a task delivered twice)
    job = ImportJob.objects.select_related("confirmed_by", "area").get(pk=job_id)
    actor = actor or job.confirmed_by
    ctx = Context(actor=actor, area=job.area, job_id=job.pk, merge=job.merge)
    tally = Tally()
    totals = {"created": 0, "merged": 0, "skipped": 0, "ids": []}
    try:
        if job.mode == ImportMode.ALL_OR_NOTHING:
            with transaction.atomic():
                _import_batches(job, actor, ctx, tally, totals, all_or_nothing=True)
        else:
            _import_batches(job, actor, ctx, tally, totals, all_or_nothing=False)
    except Abort:
        _fail(
            job.pk,
            _("导入时发现问题，按“全部无问题才导入”的选择，没有导入任何数据。"),
            problems=tally.problems,
            problems_total=tally.problems_total,
            rows_done=0,
        )
        return
    except Cancelled:
        if job.mode == ImportMode.ALL_OR_NOTHING:
            totals.update(created=0, merged=0, ids=[])
        ImportJob.objects.filter(pk=job.pk).update(
            created_count=totals["created"],
            merged_count=totals["merged"],
            created_ids=totals["ids"],
            finished_at=timezone.now(),
        )
        files.discard(job.file_key)
        return
    except ValidationError as exc:
        _fail(job.pk, " ".join(exc.messages))
        return
    except IntegrityError:
        log.exception("import job %s: a concurrent write", job.pk)
        _fail(job.pk, _("导入时有人同时登记了相同的证件号码，本批未写入。请重新上传检查。"))
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        created_count=totals["created"],
        merged_count=totals["merged"],
        skipped_count=totals["skipped"],
        created_ids=totals["ids"],
        problems=tally.problems,
        problems_total=tally.problems_total,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    files.discard(job.file_key)


def _import_batches(
    job: ImportJob, actor: Any, ctx: Context, tally: Tally, totals: dict[str, Any], *, all_or_nothing: bool
) -> None:
    sheet, header = _open(job)
    if header.problems:
        raise ValidationError({"file": _("文件的列不正确，不能导入。")})
    checker = CHECKERS[job.kind](header, actor, sheet.formulas)
    done = 0
    keep_ids = max_listed()
    for batch in checker.units(sheet.rows, batch_rows()):
        if ctx.merge:
            _refuse_merges(batch)
        good: list[Unit] = []
        for unit in batch:
            problems = _unit_problems(unit)
            if problems:
                tally.add_problems(problems)
                totals["skipped"] += len(unit)
            else:
                good.append(unit)
        if tally.problems_total and all_or_nothing:
            raise Abort
        if _is_cancelled(job.pk):
            raise Cancelled
        if good:
            with transaction.atomic():
                outcome = write(job.kind, ctx, good)
            totals["created"] += len(outcome.created)
            totals["merged"] += len(outcome.merged)
            totals["skipped"] += outcome.skipped
            room = keep_ids - len(totals["ids"])
            if room > 0:
                totals["ids"].extend(outcome.created[:room])
        done += sum(len(u) for u in batch)
        ImportJob.objects.filter(pk=job.pk).update(
            rows_done=done, created_count=totals["created"], merged_count=totals["merged"]
        )


def fail_unexpected(job_id: int) -> None:
    """A job whose background run broke: failed, with a message the user can act on."""
    _fail(job_id, _("处理文件时出现意外错误，没有完成。请重新上传；如仍出错，请联系系统管理员。"))
