"""The staffing and coverage page under /console/registry/staffing/ and its xlsx export."""

from __future__ import annotations

import io

import xlsxwriter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shequ.console.decorators import staff_required
from shequ.core.views_audit import safe_cell

from .staffing import (
    URBAN_SIZE_TOLERANCE,
    StaffingReport,
    area_choices,
    percent,
    report_root,
    staffing_report,
)


@never_cache
@staff_required
@require_GET
def staffing(request: HttpRequest) -> HttpResponse:
    root = report_root(request.user, request.GET.get("area") or None)
    report = staffing_report(request.user, root)
    if request.GET.get("fmt") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(
            export_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="staffing-{root.pk}-{stamp}.xlsx"'
        return response
    coverage = [{"row": c, "rate": percent(c.rate), "share": percent(c.share)} for c in report.coverage]
    return render(
        request,
        "registry/staffing.html",
        {
            "report": report,
            "root": root,
            "choices": area_choices(request.user),
            "coverage": coverage,
            "tolerance": percent(URBAN_SIZE_TOLERANCE),
        },
    )


def export_rows(report: StaffingReport) -> list[list[str]]:
    """Every finding as one line of text cells (area, finding, actual, expected, rule cited)."""
    rows = [[_("区域"), _("问题"), _("实际"), _("规定"), _("依据规则")]]
    for f in report.findings:
        rows.append([f.area.name, f.message, f.actual, f.expected, f.citation])
    return rows


def coverage_rows(report: StaffingReport) -> list[list[str]]:
    rows = [
        [_("区域"), _("社区（村）数"), _("已覆盖"), _("覆盖率"), _("专职网格员网格内住户占比"), _("依据规则")]
    ]
    for c in report.coverage:
        rows.append(
            [
                c.area.name,
                str(c.committees),
                str(c.covered),
                percent(c.rate),
                percent(c.share),
                c.result.citation if c.result is not None else "",
            ]
        )
    return rows


def export_xlsx(report: StaffingReport) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True})
    for title, rows in ((_("配备问题"), export_rows(report)), (_("网格覆盖率"), coverage_rows(report))):
        sheet = workbook.add_worksheet(title)
        for r, row in enumerate(rows):
            for col, value in enumerate(row):
                sheet.write_string(r, col, safe_cell(value), bold if r == 0 else None)
        sheet.set_column(0, len(rows[0]) - 1, 24)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
