"""Usage statistics per space and month: the console page and its xlsx export (formula-safe)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import xlsxwriter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shequ.console.decorators import staff_required
from shequ.core.audit import record
from shequ.core.views_audit import safe_cell

from .. import selectors

EXPORT_MAX_SPACES = 5000


def _month(request: HttpRequest) -> tuple[date, int]:
    month = selectors.parse_month(request.GET.get("month"))
    if month is None or not 2000 <= month.year <= 2100:
        return timezone.localdate().replace(day=1), 400
    return month, 200


def _rows(request: HttpRequest, month: date) -> list[selectors.Usage]:
    spaces = selectors.spaces_visible_to(request.user)[:EXPORT_MAX_SPACES]
    return selectors.usage_for(spaces, month)


def export_header() -> list[str]:
    return [
        _("场地"),
        _("所属区域"),
        _("月份"),
        _("预约次数"),
        _("待审核"),
        _("已取消"),
        _("未通过"),
        _("预约小时数"),
        _("开放小时数"),
        _("使用率"),
        _("到场"),
        _("未到场"),
        _("未登记"),
        _("到场率"),
    ]


@never_cache
@staff_required
@require_GET
def usage(request: HttpRequest) -> HttpResponse:
    month, status = _month(request)
    return render(
        request,
        "commons/usage.html",
        {
            "rows": _rows(request, month),
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "invalid": status == 400,
        },
        status=status,
    )


def _xlsx(rows: list[selectors.Usage], month: date) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(_("场地使用统计"))
    bold = workbook.add_format({"bold": True})
    percent = workbook.add_format({"num_format": "0.0%"})
    for col, title in enumerate(export_header()):
        sheet.write_string(0, col, title, bold)
    sheet.set_column(0, 1, 20)
    for row, u in enumerate(rows, start=1):
        sheet.write_string(row, 0, safe_cell(u.space.name))
        sheet.write_string(row, 1, safe_cell(u.space.area.name))
        sheet.write_string(row, 2, f"{month:%Y-%m}")
        for col, value in enumerate((u.bookings, u.pending, u.cancelled, u.rejected), start=3):
            sheet.write_number(row, col, value)
        sheet.write_number(row, 7, float(u.hours_booked))
        sheet.write_number(row, 8, float(u.open_hours))
        _write_rate(sheet, row, 9, u.utilisation, percent)
        for col, value in enumerate((u.attended, u.no_show, u.unmarked), start=10):
            sheet.write_number(row, col, value)
        _write_rate(sheet, row, 13, u.attendance_rate, percent)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def _write_rate(sheet: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None:
        sheet.write_string(row, col, "—")
    else:
        sheet.write_number(row, col, float(value), fmt)


@staff_required
@require_GET
def usage_export(request: HttpRequest) -> HttpResponse:
    month, status = _month(request)
    if status == 400:
        return render(
            request, "commons/usage.html", {"rows": [], "month": month, "invalid": True}, status=400
        )
    rows = _rows(request, month)
    record(
        actor=request.user,
        action="commons.usage.export",
        changes={"month": f"{month:%Y-%m}", "rows": len(rows)},
        object_repr=_("场地使用统计导出 %(month)s") % {"month": f"{month:%Y-%m}"},
    )
    response = HttpResponse(
        _xlsx(rows, month), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="space-usage-{month:%Y-%m}.xlsx"'
    return response
