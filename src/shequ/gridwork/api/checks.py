"""Grid work API: checklists, hazard checks, findings (rectify, verify)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..models import ChecklistItem, HazardCheck
from ..schemas import (
    CheckIdPath,
    FindingIdPath,
    GridworkCheckBrief,
    GridworkCheckIn,
    GridworkChecklistItemOut,
    GridworkChecklistOut,
    GridworkCheckOut,
    GridworkCheckPage,
    GridworkFindingFilters,
    GridworkFindingOut,
    GridworkFindingPage,
    GridworkListFilters,
    GridworkRectifyIn,
    GridworkResultOut,
    GridworkVerifyIn,
)
from .common import CHECK, FINDING, finding_out, grid_or_error, name_of, photo_in, photo_out, renamed, router

CHECK_NAMES = {"grid": "grid_id", "place": "place_id", "building": "building_id", "household": "household_id"}


@router.get("/checklists", response={200: list[GridworkChecklistOut], **ERRORS}, summary="隐患排查检查表")
def list_checklists(request: HttpRequest) -> list[GridworkChecklistOut]:
    return [
        GridworkChecklistOut(
            id=t.pk,
            code=t.code,
            name=t.name,
            items=[GridworkChecklistItemOut(id=i.pk, code=i.code, text=i.text) for i in t.items.all()],
        )
        for t in selectors.templates_with_items()
    ]


def check_out(check: HazardCheck) -> GridworkCheckOut:
    findings = list(check.findings.select_related("grid").prefetch_related("photos"))
    return GridworkCheckOut(
        id=check.pk,
        key=check.key,
        grid_id=check.grid_id,
        grid_name=check.grid.name,
        location=_where(check),
        checked_at=check.checked_at,
        worker_name=name_of(check.worker),
        notes=check.notes,
        results=[
            GridworkResultOut(
                item_id=r.item_id,
                template=r.item.template.name,
                text=r.item.text,
                result=r.result,
                result_label=str(r.get_result_display()),
                note=r.note,
            )
            for r in selectors.check_results(check)
        ],
        findings=[finding_out(f, list(f.photos.all())) for f in findings],
        photos=[photo_out(p) for p in check.photos.all()],
    )


def _where(check: HazardCheck) -> str:
    parts = [str(x) for x in (check.place, check.building) if x is not None]
    if check.location:
        parts.append(check.location)
    return " · ".join(parts)


@router.get("/checks", response={200: GridworkCheckPage, **ERRORS}, summary="隐患排查记录列表")
def list_checks(request: HttpRequest, filters: Query[GridworkListFilters]) -> GridworkCheckPage:
    qs = selectors.checks_visible_to(request.user)
    if filters.grid_id is not None:
        qs = qs.filter(grid_id=filters.grid_id)
    qs = qs.order_by("-checked_at", "-id")
    items = [
        GridworkCheckBrief(
            id=c.pk,
            grid_id=c.grid_id,
            grid_name=c.grid.name,
            location=_where(c),
            checked_at=c.checked_at,
            worker_name=name_of(c.worker),
            finding_count=c.finding_count,  # type: ignore[attr-defined]
        )
        for c in qs[filters.offset : filters.offset + filters.limit]
    ]
    return GridworkCheckPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


def _refs(actor: Any, payload: GridworkCheckIn, errors: dict[str, str]) -> dict[str, Any]:
    refs: dict[str, Any] = {}
    for name, finder in (
        ("place", selectors.place_in_reach),
        ("building", selectors.building_in_reach),
        ("household", selectors.household_in_reach),
    ):
        value = getattr(payload, f"{name}_id")
        if value is not None:
            refs[name] = finder(actor, value)
            if refs[name] is None:
                errors[f"{name}_id"] = _("未找到该对象。")
    return refs


@router.post(
    "/checks",
    response={201: GridworkCheckOut, 200: GridworkCheckOut, **ERRORS},
    summary="登记隐患排查（带幂等键；重复提交返回首次结果）",
)
def create_check(request: HttpRequest, payload: GridworkCheckIn) -> Status[GridworkCheckOut]:
    actor = request.user
    existing = selectors.own_record_by_key(actor, HazardCheck, payload.key)
    if existing is not None:
        return Status(200, check_out(selectors.check_for(actor, existing.pk)))
    errors: dict[str, str] = {}
    grid = grid_or_error(actor, payload.grid_id, errors)
    refs = _refs(actor, payload, errors)
    if errors:
        raise ValidationError(errors)
    wanted = {r.item_id for r in payload.results} | {f.item_id for f in payload.findings if f.item_id}
    items = ChecklistItem.objects.select_related("template").in_bulk(list(wanted))
    try:
        check, created = services.hazard_check_create(
            actor=actor,
            key=payload.key,
            grid=grid,
            location=payload.location,
            checked_at=payload.checked_at,
            notes=payload.notes,
            results=[services.ResultInput(items.get(r.item_id), r.result, r.note) for r in payload.results],
            findings=[
                services.FindingInput(
                    description=f.description,
                    severity=f.severity,
                    item=items.get(f.item_id) if f.item_id else None,
                    due_on=f.due_on,
                    photo=photo_in(f.photo),
                )
                for f in payload.findings
            ],
            photos=[p for p in (photo_in(x) for x in payload.photos) if p is not None],
            **refs,
        )
    except ValidationError as exc:
        raise renamed(exc, CHECK_NAMES) from exc
    return Status(201 if created else 200, check_out(selectors.check_for(actor, check.pk)))


@router.get(
    "/checks/{check_id}", response={200: GridworkCheckOut, **ERRORS}, summary="排查详情", openapi_extra=CHECK
)
def get_check(request: HttpRequest, check_id: CheckIdPath) -> GridworkCheckOut:
    return check_out(selectors.check_for(request.user, check_id))


@router.get("/findings", response={200: GridworkFindingPage, **ERRORS}, summary="隐患列表")
def list_findings(request: HttpRequest, filters: Query[GridworkFindingFilters]) -> GridworkFindingPage:
    qs = selectors.finding_list(
        request.user,
        status=(filters.status or "").replace("\x00", "") or None,
        grid_id=filters.grid_id,
        overdue=filters.overdue,
    ).prefetch_related("photos")
    items = [finding_out(f) for f in qs[filters.offset : filters.offset + filters.limit]]
    return GridworkFindingPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.get(
    "/findings/{finding_id}",
    response={200: GridworkFindingOut, **ERRORS},
    summary="隐患详情",
    openapi_extra=FINDING,
)
def get_finding(request: HttpRequest, finding_id: FindingIdPath) -> GridworkFindingOut:
    return finding_out(selectors.finding_for(request.user, finding_id))


@router.post(
    "/findings/{finding_id}/rectify",
    response={200: GridworkFindingOut, **ERRORS},
    summary="登记隐患整改",
    openapi_extra=FINDING,
)
def rectify_finding(
    request: HttpRequest, finding_id: FindingIdPath, payload: GridworkRectifyIn
) -> GridworkFindingOut:
    finding = selectors.finding_for(request.user, finding_id)
    services.finding_rectify(
        actor=request.user, finding=finding, note=payload.note, photo=photo_in(payload.photo)
    )
    return finding_out(selectors.finding_for(request.user, finding_id))


@router.post(
    "/findings/{finding_id}/verify",
    response={200: GridworkFindingOut, **ERRORS},
    summary="复核隐患整改（通过则销号，不通过退回待整改）",
    openapi_extra=FINDING,
)
def verify_finding(
    request: HttpRequest, finding_id: FindingIdPath, payload: GridworkVerifyIn
) -> GridworkFindingOut:
    finding = selectors.finding_for(request.user, finding_id)
    services.finding_verify(actor=request.user, finding=finding, passed=payload.passed, note=payload.note)
    return finding_out(selectors.finding_for(request.user, finding_id))
