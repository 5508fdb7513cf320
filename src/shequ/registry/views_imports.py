"""Import and export pages under /console/registry/imports/: choose, download, upload, check, confirm.

Views are thin: the services in :mod:`.imports` do the work.  A job's page shows the check
result as a table of row, column and message, the choice of how to import, a progress bar
that polls while a background job runs, and at the end the people imported.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shequ.console.decorators import staff_required
from shequ.core.access import scoped_object
from shequ.core.pii import REVEAL_PERMISSION

from . import imports, selectors
from .imports.forms import ConfirmForm, ExportForm, UploadForm
from .models import ImportKind, ImportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows of the problem table shown on the page (the API gives them all).
PROBLEMS_SHOWN = 1000


def _put_errors(form: object, exc: ValidationError) -> None:
    fields = getattr(form, "fields", {})
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in fields else None, errors)  # type: ignore[attr-defined]
    else:
        form.add_error(None, exc.messages)  # type: ignore[attr-defined]


def _home(request: HttpRequest, form: UploadForm, export_form: ExportForm, status: int = 200) -> HttpResponse:
    user = request.user
    return render(
        request,
        "registry/imports/home.html",
        {
            "form": form,
            "export_form": export_form,
            "kinds": ImportKind.choices,
            "jobs": imports.recent_jobs(user),
            "can_import": selectors.grids_for(user, write=True).exists(),
            "can_reveal": user.has_perm(REVEAL_PERMISSION),
        },
        status=status,
    )


@never_cache
@staff_required
@require_GET
def import_home(request: HttpRequest) -> HttpResponse:
    return _home(request, UploadForm(initial={"kind": ImportKind.PEOPLE}), ExportForm())


@never_cache
@staff_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in ImportKind.values:
        return HttpResponse(_("请选择导入类别。"), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(imports.template_xlsx(kind, request.user), content_type=XLSX)
    name = quote(imports.template_name(kind))
    response["Content-Disposition"] = f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{name}"
    return response


@never_cache
@staff_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = imports.job_upload(
                actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            return redirect("registry:import_job", job_id=job.pk)
    return _home(request, form, ExportForm(), status=400)


@never_cache
@staff_required
@require_GET
@scoped_object("registry.ImportJob", "job_id")
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = imports.job_for(request.user, job_id)
    return render(request, "registry/imports/job.html", _job_context(request, job, ConfirmForm()))


def _job_context(request: HttpRequest, job: object, form: ConfirmForm) -> dict[str, object]:
    from .imports.selectors import imported_people

    assert hasattr(job, "status")
    done = job.status == ImportStatus.DONE
    return {
        "job": job,
        "form": form,
        "problems": job.problems[:PROBLEMS_SHOWN],  # type: ignore[attr-defined]
        "problems_more": max(job.problems_total - PROBLEMS_SHOWN, 0),  # type: ignore[attr-defined]
        "running": job.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING, ImportStatus.UPLOADED),
        "can_confirm": job.status == ImportStatus.CHECKED and job.header_ok,  # type: ignore[attr-defined]
        "people": imported_people(request.user, job) if done else [],  # type: ignore[arg-type]
    }


@never_cache
@staff_required
@require_GET
@scoped_object("registry.ImportJob", "job_id")
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress bar alone (polled by htmx); when the job has moved on, the page reloads."""
    job = imports.job_for(request.user, job_id)
    response = render(request, "registry/imports/_progress.html", {"job": job, "running": True})
    if job.status not in (ImportStatus.CHECKING, ImportStatus.IMPORTING, ImportStatus.UPLOADED):
        response["HX-Redirect"] = reverse("registry:import_job", kwargs={"job_id": job.pk})
    return response


@never_cache
@staff_required
@require_POST
@scoped_object("registry.ImportJob", "job_id", action="change")
def import_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job = imports.job_for(request.user, job_id, write=True)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            job = imports.job_confirm(
                actor=request.user,
                job=job,
                mode=form.cleaned_data["mode"],
                merge=form.cleaned_data["merge"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            if job.status == ImportStatus.DONE:
                messages.success(request, _("导入完成。"))
            return redirect("registry:import_job", job_id=job.pk)
    return render(request, "registry/imports/job.html", _job_context(request, job, form), status=400)


@never_cache
@staff_required
@require_POST
@scoped_object("registry.ImportJob", "job_id", action="change")
def import_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = imports.job_for(request.user, job_id, write=True)
    try:
        imports.job_cancel(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已取消该导入任务。"))
    return redirect("registry:import_job", job_id=job.pk)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def import_export(request: HttpRequest) -> HttpResponse:
    """GET ?kind=…: the masked export. POST kind + reason: the full export (permission, audited)."""
    reveal = request.method == "POST"
    form = ExportForm(request.POST if reveal else request.GET)
    if form.is_valid():
        try:
            stream, name, _count = imports.export_roster(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                reveal=reveal,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _put_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            response = FileResponse(stream, as_attachment=True, filename=name, content_type=XLSX)
            return cast(HttpResponse, response)  # a streamed file (staff_required is typed for HttpResponse)
    return _home(request, UploadForm(initial={"kind": ImportKind.PEOPLE}), form, status=400)
