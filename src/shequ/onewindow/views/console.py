"""Staff pages under /console/onewindow/: queue, window intake, an application and its actions, reports."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shequ.console.decorators import staff_required
from shequ.core.access import scoped_object
from shequ.core.pii import PIIKind, lookup_candidates
from shequ.core.views_audit import safe_cell
from shequ.registry import selectors as registry

from .. import selectors, services
from ..models import Status as AppStatus
from .common import flash_errors, flat, form_uploads, ids

#: Console pages show an application to staff only (residents see theirs on the portal): the
#: access matrix knows this view of the model under its own label.
WINDOW_APPLICATION = "onewindow.ApplicationAtWindow"


@never_cache
@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in AppStatus.values:
        status = ""
    q = request.GET.get("q", "")[:40]
    apps = list(selectors.application_list(request.user, status=status or None, q=q)[:100])
    clock = selectors.Clock()
    rows = [(a, clock.state(a)) for a in apps]
    return render(
        request,
        "onewindow/console/queue.html",
        {"rows": rows, "status": status, "q": q, "statuses": AppStatus.choices},
    )


def _find_person(request: HttpRequest) -> Any:
    raw = (request.GET.get("person_id") or request.POST.get("person_id") or "").strip()
    if raw.isdigit():
        return registry.persons_visible_to(request.user).filter(pk=int(raw)).first()
    number = (request.GET.get("id_number") or "").strip()
    if len(number) >= 15:
        return (
            registry.persons_visible_to(request.user)
            .filter(id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, number))
            .first()
        )
    return None


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def window(request: HttpRequest) -> HttpResponse:
    """一窗受理: find the applicant (ID-card reader or number), choose the item, take the materials."""
    person = _find_person(request)
    items = selectors.catalogue_search()
    item = None
    raw_item = request.GET.get("item") or request.POST.get("item") or ""
    if raw_item.isdigit():
        item = selectors.item_by_id(int(raw_item))
    version = selectors.version_detail(item) if item else None
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if item is None:
            errors, status = [_("请选择服务事项。")], 400
        else:
            try:
                links = list(version.item_materials.all()) if version else []
                app = services.application_submit(
                    actor=request.user,
                    item=item,
                    person=person,
                    uploads=form_uploads(request, [link.material_id for link in links]),
                    reuse=ids(request, "reuse"),
                    commitment=request.POST.get("commitment") == "1",
                    proxy_service=request.POST.get("proxy_service") == "1",
                    form={"note": request.POST.get("note", "")[:500]},
                )
            except ValidationError as exc:
                errors, status = flat(exc), 400
            else:
                messages.success(request, _("已登记，办件编号%(number)s。") % {"number": app.number})
                return redirect("onewindow:application", application_id=app.pk)
    prefill = selectors.prefill_for(person, version) if person else None
    return render(
        request,
        "onewindow/console/window.html",
        {
            "person": person,
            "items": items,
            "item": item,
            "version": version,
            "pre": prefill,
            "errors": errors,
        },
        status=status,
    )


@never_cache
@staff_required
@require_GET
@scoped_object(WINDOW_APPLICATION, "application_id")
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.application_for(request.user, application_id)
    info = selectors.detail(app)
    colleagues = selectors.colleagues_of(app, request.user)[:50]
    return render(
        request,
        "onewindow/console/application.html",
        {
            "app": app,
            "state": selectors.Clock().state(app),
            "links": list(app.version.item_materials.select_related("material")),
            "colleagues": colleagues,
            **info,
        },
    )


def _act(request: HttpRequest, application_id: int, action: Callable[[Any], Any], done: str) -> HttpResponse:
    app = selectors.application_for(request.user, application_id)
    try:
        action(app)
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("onewindow:application", application_id=app.pk)


def _action_view(name: str, run: Callable[[HttpRequest, Any], Any], done: str) -> Callable[..., HttpResponse]:
    @never_cache
    @staff_required
    @require_POST
    @scoped_object(WINDOW_APPLICATION, "application_id", action="change")
    def view(request: HttpRequest, application_id: int) -> HttpResponse:
        return _act(request, application_id, lambda app: run(request, app), done)

    view.__name__ = f"application_{name}"
    return view


def _user(request: HttpRequest) -> Any:
    raw = request.POST.get("to_user", "")
    return selectors.user_by_id(int(raw)) if raw.isdigit() else None


ACTIONS: dict[str, Callable[..., HttpResponse]] = {
    "accept": _action_view(
        "accept", lambda r, a: services.application_accept(actor=r.user, application=a), _("已受理。")
    ),
    "return": _action_view(
        "return",
        lambda r, a: services.application_return(
            actor=r.user,
            application=a,
            materials=selectors.materials_by_ids(ids(r, "materials")),
            note=r.POST.get("note", ""),
        ),
        _("已退回，并一次性告知需补正的材料。"),
    ),
    "handover": _action_view(
        "handover",
        lambda r, a: services.application_handover(
            actor=r.user, application=a, to_user=_user(r), note=r.POST.get("note", "")
        ),
        _("已移交。"),
    ),
    "forward": _action_view(
        "forward",
        lambda r, a: services.application_forward(
            actor=r.user, application=a, unit=r.POST.get("unit", ""), note=r.POST.get("note", "")
        ),
        _("已记录代办步骤。"),
    ),
    "decide": _action_view(
        "decide",
        lambda r, a: services.application_decide(
            actor=r.user,
            application=a,
            approved=r.POST.get("approved") == "1",
            reason=r.POST.get("reason", ""),
        ),
        _("已作出办理决定。"),
    ),
    "deliver": _action_view(
        "deliver",
        lambda r, a: services.application_deliver(actor=r.user, application=a, note=r.POST.get("note", "")),
        _("已送达。"),
    ),
    "answer": _action_view(
        "answer",
        lambda r, a: services.follow_up_answer(actor=r.user, application=a, answer=r.POST.get("answer", "")),
        _("已答复居民。"),
    ),
    "close": _action_view(
        "close", lambda r, a: services.follow_up_close(actor=r.user, application=a), _("回访已办结。")
    ),
    "check": _action_view(
        "check",
        lambda r, a: services.commitment_check(
            actor=r.user, application=a, kept=r.POST.get("kept") == "1", note=r.POST.get("note", "")
        ),
        _("已记录核查结果。"),
    ),
}


@never_cache
@staff_required
@require_GET
@scoped_object(WINDOW_APPLICATION, "application_id")
def receipt(request: HttpRequest, application_id: int) -> HttpResponse:
    """受理回执, for printing."""
    app = selectors.application_for(request.user, application_id)
    info = selectors.detail(app)
    return render(request, "onewindow/console/receipt.html", {"app": app, **info})


@never_cache
@staff_required
@require_GET
@scoped_object("onewindow.ApplicationMaterial", "material_id")
def material_file(request: HttpRequest, material_id: int) -> FileResponse:
    row = selectors.material_file_for(request.user, material_id)
    return FileResponse(row.file.open("rb"), content_type=row.content_type or "application/octet-stream")


@never_cache
@staff_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    rows = selectors.item_report(request.user)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows)
    return render(
        request,
        "onewindow/console/reports.html",
        {"rows": rows, "refusals": selectors.refusal_counts(request.user)},
    )


def _xlsx(rows: list[selectors.ItemRow]) -> HttpResponse:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(_("事项办理统计"))
    header = [
        _("服务事项"),
        _("申请数"),
        _("办结数"),
        _("按时办结率（%）"),
        _("平均用时（工作日）"),
        _("评价数"),
        _("平均评价"),
        _("差评数"),
    ]
    for col, text in enumerate(header):
        sheet.write_string(0, col, text)
    for r, row in enumerate(rows, start=1):
        sheet.write_string(r, 0, safe_cell(row.item))
        for col, value in enumerate(
            [
                row.applications,
                row.decided,
                row.on_time_rate,
                row.average_days,
                row.rated,
                row.average_rating,
                row.bad,
            ],
            start=1,
        ):
            if value is None:
                sheet.write_string(r, col, "—")
            else:
                sheet.write_number(r, col, value)
    book.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="onewindow-report.xlsx"'
    return response
