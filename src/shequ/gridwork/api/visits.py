"""Grid work API: household visits and the needs found on them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..models import Visit
from ..schemas import (
    GridworkListFilters,
    GridworkNeedOut,
    GridworkNeedReferIn,
    GridworkVisitBrief,
    GridworkVisitIn,
    GridworkVisitOut,
    GridworkVisitPage,
    NeedIdPath,
    VisitIdPath,
)
from .common import NEED, VISIT, grid_or_error, name_of, need_out, photo_in, photo_out, renamed, router

VISIT_NAMES = {"grid": "grid_id", "household": "household_id", "person": "person_id"}


def _label(visit: Visit) -> str:
    h = visit.household
    return f"{h.head.name if h.head else h} · {h.address or ''}"


def visit_out(visit: Visit) -> GridworkVisitOut:
    return GridworkVisitOut(
        id=visit.pk,
        key=visit.key,
        grid_id=visit.grid_id,
        grid_name=visit.grid.name,
        household_id=visit.household_id,
        household_label=_label(visit),
        person_name=visit.person.name if visit.person else "",
        visited_at=visit.visited_at,
        worker_name=name_of(visit.worker),
        summary=visit.summary,
        needs=[need_out(n) for n in visit.needs.all()],
        photos=[photo_out(p) for p in visit.photos.all()],
    )


@router.get("/visits", response={200: GridworkVisitPage, **ERRORS}, summary="走访记录列表")
def list_visits(request: HttpRequest, filters: Query[GridworkListFilters]) -> GridworkVisitPage:
    qs = selectors.visits_visible_to(request.user)
    if filters.grid_id is not None:
        qs = qs.filter(grid_id=filters.grid_id)
    qs = qs.order_by("-visited_at", "-id")
    items = [
        GridworkVisitBrief(
            id=v.pk,
            grid_id=v.grid_id,
            grid_name=v.grid.name,
            household_id=v.household_id,
            household_label=_label(v),
            visited_at=v.visited_at,
            worker_name=name_of(v.worker),
            need_count=v.need_count,  # type: ignore[attr-defined]
            photo_count=v.photo_count,  # type: ignore[attr-defined]
        )
        for v in qs[filters.offset : filters.offset + filters.limit]
    ]
    return GridworkVisitPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.post(
    "/visits",
    response={201: GridworkVisitOut, 200: GridworkVisitOut, **ERRORS},
    summary="登记入户走访（带幂等键；重复提交返回首次结果）",
)
def create_visit(request: HttpRequest, payload: GridworkVisitIn) -> Status[GridworkVisitOut]:
    actor = request.user
    existing = selectors.own_record_by_key(actor, Visit, payload.key)
    if existing is not None:
        return Status(200, visit_out(selectors.visit_for(actor, existing.pk)))
    errors: dict[str, str] = {}
    grid = grid_or_error(actor, payload.grid_id, errors)
    household = selectors.household_in_reach(actor, payload.household_id)
    if household is None:
        errors["household_id"] = _("未找到该住户。")
    person = None
    if payload.person_id is not None and household is not None:
        person = selectors.person_of_household(household, payload.person_id)
        if person is None:
            errors["person_id"] = _("接待人应为该户的现有成员。")
    if errors:
        raise ValidationError(errors)
    try:
        visit, created = services.visit_create(
            actor=actor,
            key=payload.key,
            grid=grid,
            household=household,
            person=person,
            visited_at=payload.visited_at,
            summary=payload.summary,
            needs=[services.NeedInput(n.kind, n.description) for n in payload.needs],
            photos=[p for p in (photo_in(x) for x in payload.photos) if p is not None],
        )
    except ValidationError as exc:
        raise renamed(exc, VISIT_NAMES) from exc
    return Status(201 if created else 200, visit_out(selectors.visit_for(actor, visit.pk)))


@router.get(
    "/visits/{visit_id}",
    response={200: GridworkVisitOut, **ERRORS},
    summary="走访详情",
    openapi_extra=VISIT,
)
def get_visit(request: HttpRequest, visit_id: VisitIdPath) -> GridworkVisitOut:
    return visit_out(selectors.visit_for(request.user, visit_id))


@router.post(
    "/needs/{need_id}/refer",
    response={200: GridworkNeedOut, **ERRORS},
    summary="将走访发现的需求转为诉求或服务申请",
    openapi_extra=NEED,
)
def refer_need(request: HttpRequest, need_id: NeedIdPath, payload: GridworkNeedReferIn) -> GridworkNeedOut:
    need = selectors.need_for(request.user, need_id)
    return need_out(services.need_refer(actor=request.user, need=need, target=payload.target))
