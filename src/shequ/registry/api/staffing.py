"""Registry API: staffing and coverage checks for an area in the caller's reach."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema

from shequ.core.api import ERRORS
from shequ.core.rules import RuleValue

from ..staffing import Finding, report_root, staffing_report
from .common import router


class RuleRef(Schema):
    key: str
    version: int
    jurisdiction: str
    source: str
    value: str
    citation: str


class FindingOut(Schema):
    code: str = Field(description="grid_no_full_time、grid_no_leader、workers_short、size_off")
    area_id: int
    area_name: str
    message: str
    actual: str
    expected: str
    rule: RuleRef


class GridOut(Schema):
    area_id: int
    name: str
    full_time_workers: int
    workers: int
    leader: bool
    resident_households: int
    floating_households: int
    staffed: bool


class CommitteeOut(Schema):
    area_id: int
    name: str
    rural: bool
    heavy_load: str
    resident_households: int
    floating_households: int
    workers: int
    required: int
    required_lenient: int | None
    short: bool
    size_ok: bool
    size_deviation: float | None
    covered: bool
    rule: RuleRef


class StaffingCoverageOut(Schema):
    area_id: int
    name: str
    level: str
    committees: int
    covered: int
    rate: float | None
    resident_households: int
    households_in_staffed_grids: int
    household_share: float | None
    ok: bool | None
    rule: RuleRef | None


class StaffingOut(Schema):
    area_id: int
    name: str
    on: str
    findings: list[FindingOut]
    grids: list[GridOut]
    committees: list[CommitteeOut]
    coverage: list[StaffingCoverageOut]


class StaffingFilters(Schema):
    area_id: int | None = Field(None, ge=1, le=2**53, description="默认为本人可见的最高一级区域")


def _rule(rule: RuleValue) -> dict[str, Any]:
    return {
        "key": rule.key,
        "version": rule.version,
        "jurisdiction": rule.jurisdiction,
        "source": rule.source,
        "value": rule.display,
        "citation": rule.citation,
    }


def _float(value: Fraction | None) -> float | None:
    return round(float(value), 6) if value is not None else None


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "area_id": f.area.pk,
        "area_name": f.area.name,
        "message": f.message,
        "actual": f.actual,
        "expected": f.expected,
        "rule": _rule(f.rule),
    }


@router.get("/registry/staffing", response={200: StaffingOut, **ERRORS}, summary="人员配备与网格覆盖检查")
def get_staffing(request: HttpRequest, filters: Query[StaffingFilters]) -> dict[str, Any]:
    root = report_root(request.user, filters.area_id)
    report = staffing_report(request.user, root)
    return {
        "area_id": root.pk,
        "name": root.name,
        "on": report.on.isoformat(),
        "findings": [_finding(f) for f in report.findings],
        "grids": [
            {
                "area_id": g.area.pk,
                "name": g.area.name,
                "full_time_workers": g.full_time,
                "workers": g.workers,
                "leader": g.leader,
                "resident_households": g.households,
                "floating_households": g.floating,
                "staffed": g.staffed.ok,
            }
            for g in report.grids
        ],
        "committees": [
            {
                "area_id": c.area.pk,
                "name": c.area.name,
                "rural": c.area.is_rural,
                "heavy_load": c.area.heavy_load,
                "resident_households": c.households,
                "floating_households": c.floating,
                "workers": c.workers,
                "required": c.required,
                "required_lenient": c.required_lenient,
                "short": c.short,
                "size_ok": c.size_ok,
                "size_deviation": _float(c.size_deviation),
                "covered": c.covered,
                "rule": _rule(c.ratio),
            }
            for c in report.committees
        ],
        "coverage": [
            {
                "area_id": c.area.pk,
                "name": c.area.name,
                "level": c.area.level,
                "committees": c.committees,
                "covered": c.covered,
                "rate": _float(c.rate),
                "resident_households": c.households,
                "households_in_staffed_grids": c.households_staffed,
                "household_share": _float(c.share),
                "ok": c.result.ok if c.result is not None else None,
                "rule": _rule(c.result.rule) if c.result is not None else None,
            }
            for c in report.coverage
        ],
    }
