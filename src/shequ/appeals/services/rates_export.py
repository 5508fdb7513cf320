"""Export of the three rates to xlsx: the rankings (with the definitions) or one drill-down list.

Formula-safe like every export of the platform: text cells pass through the audit
export's ``safe_cell`` (a leading = + - @ tab or CR gets an apostrophe) and xlsxwriter is
told never to turn strings into formulas.  Every export leaves one audit entry
(``appeals.rates.export``) naming the month, the area, what was exported and how many rows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import xlsxwriter
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.models import Area
from shequ.core.views_audit import safe_cell

from ..models import Case
from ..selectors.rates import Drill, Figures, Month, Ranking, as_float, plain

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The most cases one drill-down export may hold.
DRILL_EXPORT_MAX = 50_000


def ranking_header() -> list[str]:
    return [
        _("名次"),
        _("名称"),
        _("派单数"),
        _("按时响应"),
        _("响应率"),
        _("评价数"),
        _("已解决"),
        _("解决率"),
        _("满意"),
        _("基本满意"),
        _("不满意"),
        _("满意率"),
        _("综合得分"),
    ]


def drill_header() -> list[str]:
    return [
        _("案件编号"),
        _("所在区域"),
        _("主办单位"),
        _("状态"),
        _("派单时间"),
        _("签收时间"),
        _("联系诉求人时间"),
        _("响应时限"),
        _("评价时间"),
        _("问题是否解决"),
        _("满意程度"),
    ]


def definitions(ranking: Ranking) -> list[tuple[str, str]]:
    """The definitions printed on the page and in the export, with the weights in force."""
    w = ranking.weights
    return [
        (
            _("响应率"),
            _(
                "本月派单的案件中，主办单位在响应时限内签收并联系诉求人（签收时间、联系时间均不晚于响应时限）"
                "的案件数 ÷ 本月派单的案件数。"
            ),
        ),
        (
            _("解决率"),
            _(
                "本月评价的案件中，诉求人评为“已解决”的案件数 ÷ 本月评价的案件数"
                "（重办后再次评价的，以最近一次为准）。"
            ),
        ),
        (
            _("满意率"),
            _("（评为“满意”的案件数 + 评为“基本满意”的案件数 × %(basic)s）÷ 本月评价的案件数。")
            % {"basic": plain(w.basic)},
        ),
        (
            _("综合得分"),
            _(
                "100 ×（响应率 × %(response)s + 解决率 × %(resolution)s + 满意率 × %(satisfaction)s）"
                "÷ 权重合计。某项比率分母为 0（显示“—”）时，该项不计入，权重合计只算其余各项；"
                "三项都为“—”时不计算综合得分，也不参加排名。得分相同的名次并列。"
            )
            % {
                "response": plain(w.response),
                "resolution": plain(w.resolution),
                "satisfaction": plain(w.satisfaction),
            },
        ),
        (
            _("统计范围"),
            _(
                "月份按北京时间自然月计算；只统计您有权查看的案件。经复核认定“诉求不合理，不计入考核”的案件"
                "不计入任何分子和分母；并入其他案件的重复诉求不单独统计。街道（镇）、社区（村）按案件所在区域"
                "归属统计；单位按主办单位统计，派至街道或社区办理的按该街道、社区统计。"
            ),
        ),
        (
            _("权重依据"),
            _("按月末（本月按今日）有效的规则记录：%(rules)s。")
            % {"rules": "；".join(f"{name} {value}（{where}）" for name, value, where in w.described())},
        ),
    ]


def _write_rate(sheet: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    number = as_float(value)
    if number is None:
        sheet.write_string(row, col, "—")
    else:
        sheet.write_number(row, col, number, fmt)


def _write_ranking(workbook: Any, title: str, ranking: Ranking, formats: dict[str, Any]) -> int:
    sheet = workbook.add_worksheet(title[:31])
    for col, text in enumerate(ranking_header()):
        sheet.write_string(0, col, text, formats["bold"])
    rows: list[Figures] = [*ranking.rows, ranking.total]
    for r, fig in enumerate(rows, start=1):
        if fig.rank is None:
            sheet.write_string(r, 0, "—")
        else:
            sheet.write_number(r, 0, fig.rank)
        sheet.write_string(r, 1, safe_cell(fig.name))
        c = fig.counts
        sheet.write_number(r, 2, c.dispatched)
        sheet.write_number(r, 3, c.responded)
        _write_rate(sheet, r, 4, fig.response_rate, formats["percent"])
        sheet.write_number(r, 5, c.rated)
        sheet.write_number(r, 6, c.resolved)
        _write_rate(sheet, r, 7, fig.resolution_rate, formats["percent"])
        sheet.write_number(r, 8, c.satisfied)
        sheet.write_number(r, 9, c.basic)
        sheet.write_number(r, 10, c.dissatisfied)
        _write_rate(sheet, r, 11, fig.satisfaction_rate, formats["percent"])
        composite = fig.composite
        if composite is None:
            sheet.write_string(r, 12, "—")
        else:
            sheet.write_number(r, 12, round(float(composite) * 100, 4), formats["score"])
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 12, 11)
    sheet.freeze_panes(1, 2)
    return len(ranking.rows)


def rankings_xlsx(rankings: list[tuple[str, Ranking]]) -> tuple[bytes, int]:
    """One sheet per ranking plus the definitions; the bytes and the number of ranked rows."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    formats = {
        "bold": workbook.add_format({"bold": True}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
        "score": workbook.add_format({"num_format": "0.0"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
    }
    count = sum(_write_ranking(workbook, title, ranking, formats) for title, ranking in rankings)
    sheet = workbook.add_worksheet(_("口径说明"))
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 100)
    first = rankings[0][1]
    sheet.write_string(0, 0, _("月份"), formats["bold"])
    sheet.write_string(0, 1, first.month.key)
    sheet.write_string(1, 0, _("区域"), formats["bold"])
    sheet.write_string(1, 1, safe_cell(first.area.name if first.area is not None else _("全部")))
    for r, (term, text) in enumerate(definitions(first), start=2):
        sheet.write_string(r, 0, term, formats["bold"])
        sheet.write_string(r, 1, safe_cell(text), formats["wrap"])
    workbook.close()
    return buffer.getvalue(), count


def _local(value: Any) -> str:
    if value is None:
        return ""
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")


def drill_row(case: Case) -> list[str]:
    resolved = ""
    if case.rating_resolved is not None:
        resolved = _("已解决") if case.rating_resolved else _("未解决")
    unit = case.lead_org.name if case.lead_org is not None else case.lead_unit
    return [
        case.number,
        case.area.name,
        unit or "",
        str(case.get_state_display()),
        _local(case.dispatched_at),
        _local(case.accepted_at),
        _local(case.contacted_at),
        _local(case.response_due),
        _local(case.rated_at),
        str(resolved),
        str(case.get_rating_level_display()) if case.rating_level else "",
    ]


def drill_xlsx(cases: Iterable[Case], title: str) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(_("案件明细"))
    sheet.write_string(0, 0, safe_cell(title), bold)
    for col, text in enumerate(drill_header()):
        sheet.write_string(1, col, text, bold)
    count = 0
    for r, case in enumerate(cases, start=2):
        for col, value in enumerate(drill_row(case)):
            sheet.write_string(r, col, safe_cell(value))
        count += 1
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 10, 16)
    sheet.freeze_panes(2, 1)
    workbook.close()
    return buffer.getvalue(), count


@transaction.atomic
def rates_export(
    *,
    actor: Any,
    month: Month,
    area: Area | None,
    rankings: list[tuple[str, Ranking]] | None = None,
    drill: Drill | None = None,
    cases: Iterable[Case] = (),
    title: str = "",
) -> bytes:
    """The xlsx of the rankings (or of one drill-down list), with one audit entry."""
    what: dict[str, Any]
    if drill is not None:
        content, count = drill_xlsx(cases, title)
        what = {"drill": drill.kind, "group": drill.group, "value": drill.value}
    else:
        content, count = rankings_xlsx(rankings or [])
        what = {"tables": [r.by for _t, r in rankings or []]}
    post_area = getattr(getattr(actor, "active_post", None), "area", None)
    record(
        actor=actor,
        action="appeals.rates.export",
        area=area or post_area,
        changes={"month": month.key, "area": area.pk if area is not None else None, **what, "rows": count},
        object_repr=_("三率统计导出 %(month)s") % {"month": month.key},
    )
    return content
