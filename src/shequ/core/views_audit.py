"""The audit viewer under /console/audit/: list with filters, detail, export to xlsx and csv."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .access import scoped_object
from .audit import record
from .models import Area, AuditEntry
from .selectors import area_visible_to
from .selectors_audit import PAGE_SIZE, audit_entry_for, audit_search, require_view_audit

#: The most rows one export may hold; a larger result asks the user to narrow the filters.
EXPORT_MAX_ROWS = 100_000
#: A cell starting with one of these would be taken for a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The cell's text, with a leading apostrophe where a spreadsheet would see a formula."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_header() -> list[str]:
    return [
        _("时间"),
        _("操作人"),
        _("岗位"),
        _("操作"),
        _("对象类型"),
        _("对象编号"),
        _("对象"),
        _("区域"),
        _("变更内容"),
        _("事由"),
        _("IP地址"),
        _("请求编号"),
    ]


def export_row(entry: AuditEntry) -> list[str]:
    area = entry.area if entry.area_id else None
    return [
        safe_cell(timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")),
        safe_cell(entry.actor_label),
        safe_cell(entry.post_label),
        safe_cell(entry.action),
        safe_cell(entry.object_type),
        safe_cell(entry.object_id),
        safe_cell(entry.object_repr),
        safe_cell(area.name if isinstance(area, Area) else entry.area_path),
        safe_cell(entry.changes or ""),
        safe_cell(entry.reason),
        safe_cell(entry.ip or ""),
        safe_cell(entry.request_id),
    ]


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    require_view_audit(request.user)
    form, qs = audit_search(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit/list.html",
        {
            "form": form,
            "page_obj": page,
            "entries": page.object_list,
            "query": _query_without(request, "page"),
            "export_query": _query_without(request, "page", "fmt"),
        },
        status=200 if form.is_valid() else 400,
    )


def _change_rows(changes: Any) -> list[dict[str, Any]]:
    """``{field: [before, after]}`` as rows; anything else as one value per key."""
    if not isinstance(changes, dict):
        return [{"field": "", "value": json.dumps(changes, ensure_ascii=False), "diff": False}]
    rows: list[dict[str, Any]] = []
    for key in sorted(changes):
        value = changes[key]
        if isinstance(value, list) and len(value) == 2:
            before, after = (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value)
            rows.append({"field": key, "before": before, "after": after, "diff": True})
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)
            rows.append({"field": key, "value": text, "diff": False})
    return rows


@login_required
@require_GET
@scoped_object("core.AuditEntry", "entry_id")
def audit_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    require_view_audit(request.user)
    entry = audit_entry_for(request.user, entry_id)
    context = {"entry": entry, "change_rows": _change_rows(entry.changes)}
    return render(request, "core/audit/detail.html", context)


@transaction.atomic
def audit_export_record(*, actor: Any, fmt: str, filters: dict[str, Any], count: int) -> AuditEntry:
    """Exporting the audit log is itself recorded: who, which filters, how many rows."""
    area = filters.get("area")
    area_obj = area_visible_to(actor, area) if area else None
    if area_obj is None:
        post = getattr(actor, "active_post", None)
        area_obj = getattr(post, "area", None)
    return record(
        actor=actor,
        action="audit.export",
        area=area_obj,
        changes={"format": fmt, "filters": filters, "rows": count},
        object_repr=_("审计日志导出 %(count)d 条") % {"count": count},
    )


def _xlsx(entries: Iterable[AuditEntry]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(_("审计日志"))
    bold = workbook.add_format({"bold": True})
    for col, title in enumerate(export_header()):
        sheet.write_string(0, col, title, bold)
    widths = [20, 12, 20, 22, 18, 10, 30, 16, 40, 30, 16, 18]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for row, entry in enumerate(entries, start=1):
        for col, value in enumerate(export_row(entry)):
            sheet.write_string(row, col, value)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(entries: Iterable[AuditEntry]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()  # a BOM, so that Excel reads UTF-8
    yield writer.writerow(export_header()).encode("utf-8")
    for entry in entries:
        yield writer.writerow(export_row(entry)).encode("utf-8")


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponseBase:
    require_view_audit(request.user)
    fmt = request.GET.get("fmt", "xlsx")
    form, qs = audit_search(request.user, request.GET)
    if fmt not in ("xlsx", "csv"):
        form.add_error(None, _("导出格式只能是 xlsx 或 csv。"))
    count = qs.count() if form.is_valid() else 0
    if count > EXPORT_MAX_ROWS:
        message = _("结果共 %(count)d 条，超过单次导出上限 %(max)d 条，请缩小筛选范围。")
        form.add_error(None, message % {"count": count, "max": EXPORT_MAX_ROWS})
    if not form.is_valid():
        page = Paginator(qs.none(), PAGE_SIZE).get_page(1)
        return render(
            request,
            "core/audit/list.html",
            {"form": form, "page_obj": page, "entries": [], "query": "", "export_query": ""},
            status=400,
        )
    audit_export_record(actor=request.user, fmt=fmt, filters=form.active_filters(), count=count)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    entries = qs.iterator(chunk_size=2000)
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_stream(entries), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            _xlsx(entries), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response
