"""The three rates and rankings under /console/appeals/rates/: tables, drill-down lists, xlsx export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shequ.console.decorators import staff_required

from ..selectors import rates as sel
from ..services import rates_export as export
from .common import flat


def drill_title(kind: str) -> str:
    titles = {
        "dispatched": _("本月派单的案件"),
        "responded": _("按时响应的案件"),
        "response_miss": _("未按时响应的案件"),
        "rated": _("本月评价的案件"),
        "resolved": _("评为已解决的案件"),
        "unresolved": _("评为未解决的案件"),
        "satisfied": _("评为满意的案件"),
        "basic": _("评为基本满意的案件"),
        "dissatisfied": _("评为不满意的案件"),
    }
    return titles[kind]


@dataclass
class Cell:
    text: str
    url: str = ""
    title: str = ""


@dataclass
class Line:
    rank: str
    name: str
    cells: list[Cell]
    total: bool = False


@dataclass
class Table:
    key: str
    title: str
    group: str
    lines: list[Line]


@dataclass
class Filters:
    month: sel.Month
    area: Any
    errors: list[str]

    def query(self, **extra: str) -> str:
        params = {"month": self.month.key}
        if self.area is not None:
            params["area"] = str(self.area.pk)
        params.update(extra)
        return "?" + urlencode(params)


def _filters(request: HttpRequest) -> Filters:
    errors: list[str] = []
    try:
        month = sel.parse_month(request.GET.get("month"))
    except ValidationError as exc:
        errors.extend(flat(exc))
        month = sel.current_month()
    area = sel.rates_area(request.user, request.GET.get("area") or None)
    return Filters(month=month, area=area, errors=errors)


def rate_cell(rate: Any, url: str, title: str) -> Cell:
    """A rate linking to the cases that kept it down; "—" (no denominator) links nowhere."""
    return Cell(sel.percent(rate)) if rate is None else Cell(sel.percent(rate), url, title)


def _lines(filters: Filters, ranking: sel.Ranking, group: str) -> list[Line]:
    def link(fig: sel.Figures, kind: str) -> str:
        extra = {"drill": kind}
        if group and fig.key != "total":
            extra[group] = fig.key
        return filters.query(**extra)

    lines = []
    for fig in [*ranking.rows, ranking.total]:
        c = fig.counts
        cells = [
            Cell(str(c.dispatched), link(fig, "dispatched")),
            Cell(str(c.responded), link(fig, "responded")),
            rate_cell(fig.response_rate, link(fig, "response_miss"), _("查看未按时响应的案件")),
            Cell(str(c.rated), link(fig, "rated")),
            Cell(str(c.resolved), link(fig, "resolved")),
            rate_cell(fig.resolution_rate, link(fig, "unresolved"), _("查看评为未解决的案件")),
            Cell(str(c.satisfied), link(fig, "satisfied")),
            Cell(str(c.basic), link(fig, "basic")),
            Cell(str(c.dissatisfied), link(fig, "dissatisfied")),
            Cell(sel.percent(fig.satisfaction_rate)),
            Cell(sel.score(fig.composite)),
        ]
        total = fig.key == "total"
        rank = "" if total else (str(fig.rank) if fig.rank is not None else "—")
        lines.append(Line(rank=rank, name=fig.name, cells=cells, total=total))
    return lines


def _rankings(request: HttpRequest, filters: Filters) -> tuple[list[tuple[str, sel.Ranking]], Any]:
    user = request.user
    focus = sel.focus_area(user, filters.area)
    weights = sel.weights_for(focus, filters.month)
    titles = {"street": _("街道（镇）排名"), "unit": _("承办单位排名"), "community": _("社区（村）明细")}
    bys = ["street", "unit", *(["community"] if sel.shows_communities(focus) else [])]
    found = [
        (titles[by], sel.ranking(user, month=filters.month, by=by, area=filters.area, weights=weights))
        for by in bys
    ]
    return found, weights


def _drill_context(request: HttpRequest, filters: Filters) -> dict[str, Any]:
    drill = sel.parse_drill(request.user, request.GET)
    assert drill is not None
    qs = sel.drill_cases(request.user, month=filters.month, drill=drill, area=filters.area)
    page = Paginator(qs, sel.DRILL_PAGE_SIZE).get_page(request.GET.get("page"))
    base = filters.query(**drill.params())
    return {
        "drill": drill,
        "drill_title": drill_title(drill.kind),
        "page": page,
        "rows": list(page.object_list),
        "base_query": base,
        "export_query": base,
        "back_query": filters.query(),
    }


@never_cache
@staff_required
@require_GET
def rates(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    context: dict[str, Any] = {
        "month": filters.month,
        "area": filters.area,
        "areas": sel.filter_areas(request.user)[:500],
        "errors": filters.errors,
    }
    if filters.errors:
        return render(request, "appeals/rates/index.html", {**context, "tables": []}, status=400)
    if request.GET.get("drill"):
        try:
            context.update(_drill_context(request, filters))
        except ValidationError as exc:
            context["errors"] = flat(exc)
            return render(request, "appeals/rates/index.html", {**context, "tables": []}, status=400)
        return render(request, "appeals/rates/drill.html", context)
    rankings, weights = _rankings(request, filters)
    context.update(
        {
            "tables": [Table(r.by, title, r.by, _lines(filters, r, r.by)) for title, r in rankings],
            "weights": weights.described(),
            "definitions": export.definitions(rankings[0][1]),
            "export_query": filters.query(),
        }
    )
    return render(request, "appeals/rates/index.html", context)


@staff_required
@require_GET
def rates_export(request: HttpRequest) -> HttpResponse:
    """The rankings (or, with ``drill=``, one drill-down list) as xlsx; recorded in the audit log."""
    filters = _filters(request)
    context: dict[str, Any] = {"month": filters.month, "area": filters.area, "tables": []}
    if filters.errors:
        context["errors"] = filters.errors
        context["areas"] = sel.filter_areas(request.user)[:500]
        return render(request, "appeals/rates/index.html", context, status=400)
    user = request.user
    if request.GET.get("drill"):
        try:
            drill = sel.parse_drill(user, request.GET)
        except ValidationError as exc:
            context["errors"] = flat(exc)
            context["areas"] = sel.filter_areas(user)[:500]
            return render(request, "appeals/rates/index.html", context, status=400)
        assert drill is not None
        cases = sel.drill_cases(user, month=filters.month, drill=drill, area=filters.area)
        title = f"{filters.month.key} {drill_title(drill.kind)} {drill.label}".strip()
        content = export.rates_export(
            actor=user,
            month=filters.month,
            area=filters.area,
            drill=drill,
            cases=cases[: export.DRILL_EXPORT_MAX].iterator(chunk_size=1000),
            title=title,
        )
        name = f"appeal-rates-{filters.month.key}-{drill.kind}.xlsx"
    else:
        rankings, _weights = _rankings(request, filters)
        content = export.rates_export(actor=user, month=filters.month, area=filters.area, rankings=rankings)
        name = f"appeal-rates-{filters.month.key}.xlsx"
    response = HttpResponse(content, content_type=export.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
