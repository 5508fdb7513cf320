"""Registry API: households and their members."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..models import Household, Membership, Person
from ..schemas import (
    HistoryOut,
    HouseholdDetailOut,
    HouseholdFilters,
    HouseholdIdPath,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    HouseholdPatch,
    MemberOut,
    PersonBrief,
)
from ..schemas_elements import HeadChangeIn, HouseholdMoveOutIn, MemberAddIn, MemberEndIn
from .common import HOUSEHOLD, _grid, _history, _renamed, router

# --------------------------------------------------------------------------- households


def _brief(p: Person | None) -> PersonBrief | None:
    return PersonBrief(id=p.pk, name=p.name) if p is not None else None


def _household_out(h: Household, members: list[Membership] | None = None) -> dict[str, Any]:
    if members is None:
        members = getattr(h, "current_members", None)
    if members is None:
        members = selectors.members_of(h)
    return {
        "id": h.pk,
        "grid_id": h.grid_id,
        "grid_name": h.grid.name,
        "kind": h.kind,
        "kind_label": str(h.get_kind_display()),
        "address_masked": str(h.address or ""),
        "room_id": h.room_id,
        "courtyard_id": h.courtyard_id,
        "head": _brief(h.head),
        "member_count": len(members),
        "moved_in_on": h.moved_in_on,
        "moved_out_on": h.moved_out_on,
    }


def _household_detail(h: Household) -> HouseholdDetailOut:
    members = selectors.members_of(h)
    return HouseholdDetailOut(
        **_household_out(h, members),
        members=[
            MemberOut(
                person=PersonBrief(id=m.person_id, name=m.person.name),
                relation=m.relation,
                relation_label=str(m.get_relation_display()),
                valid_from=m.valid_from,
            )
            for m in members
        ],
    )


@router.get("/registry/households", response={200: HouseholdPage, **ERRORS}, summary="住户列表")
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]) -> HouseholdPage:
    qs = selectors.household_list(
        request.user,
        grid_id=filters.grid_id,
        kind=(filters.kind or "").replace("\x00", "") or None,
        include_moved_out=filters.include_moved_out,
    )
    items = [HouseholdOut(**_household_out(h)) for h in qs[filters.offset : filters.offset + filters.limit]]
    return HouseholdPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


def _household_refs(actor: Any, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    refs: dict[str, Any] = {}
    if values.get("room_id") is not None:
        refs["room"] = selectors.room_for(actor, values["room_id"])
        if refs["room"] is None:
            errors["room_id"] = _("未找到该户室。")
    elif "room_id" in values:
        refs["room"] = None
    if values.get("courtyard_id") is not None:
        refs["courtyard"] = selectors.courtyard_for(actor, values["courtyard_id"])
        if refs["courtyard"] is None:
            errors["courtyard_id"] = _("未找到该院落。")
    elif "courtyard_id" in values:
        refs["courtyard"] = None
    return refs


HOUSEHOLD_NAMES = {
    "grid": "grid_id",
    "room": "room_id",
    "courtyard": "courtyard_id",
    "head": "head_person_id",
}


@router.post("/registry/households", response={201: HouseholdDetailOut, **ERRORS}, summary="新增住户")
def create_household(request: HttpRequest, payload: HouseholdIn) -> Status[HouseholdDetailOut]:
    actor = request.user
    errors: dict[str, str] = {}
    grid = _grid(actor, payload.grid_id, errors)
    refs = _household_refs(actor, payload.dict(), errors)
    head = None
    if payload.head_person_id is not None:
        head = selectors.persons_visible_to(actor).filter(pk=payload.head_person_id).first()
        if head is None:
            errors["head_person_id"] = _("未找到该人员。")
    if errors:
        raise ValidationError(errors)
    try:
        household = services.household_create(
            actor=actor,
            grid=grid,
            kind=payload.kind,
            address=payload.address,
            moved_in_on=payload.moved_in_on,
            head=head,
            **refs,
        )
    except ValidationError as exc:
        raise _renamed(exc, HOUSEHOLD_NAMES) from exc
    return Status(201, _household_detail(household))


@router.get(
    "/registry/households/{household_id}",
    response={200: HouseholdDetailOut, **ERRORS},
    summary="住户详情（地址已脱敏）",
    openapi_extra=HOUSEHOLD,
)
def get_household(request: HttpRequest, household_id: HouseholdIdPath) -> HouseholdDetailOut:
    return _household_detail(selectors.household_for(request.user, household_id))


@router.patch(
    "/registry/households/{household_id}",
    response={200: HouseholdDetailOut, **ERRORS},
    summary="修改住户",
    openapi_extra=HOUSEHOLD,
)
def update_household(
    request: HttpRequest, household_id: HouseholdIdPath, payload: HouseholdPatch
) -> HouseholdDetailOut:
    actor = request.user
    household = selectors.household_for(actor, household_id)
    values = payload.dict(exclude_unset=True)
    errors: dict[str, str] = {}
    refs = _household_refs(actor, values, errors)
    if errors:
        raise ValidationError(errors)
    changes = {k: v for k, v in values.items() if k in ("kind", "address", "moved_in_on") and v is not None}
    try:
        services.household_update(actor=actor, household=household, **changes, **refs)
    except ValidationError as exc:
        raise _renamed(exc, HOUSEHOLD_NAMES) from exc
    return _household_detail(household)


@router.get(
    "/registry/households/{household_id}/history",
    response={200: list[HistoryOut], **ERRORS},
    summary="住户变更记录",
    openapi_extra=HOUSEHOLD,
)
def household_history(request: HttpRequest, household_id: HouseholdIdPath) -> list[HistoryOut]:
    household = selectors.household_for(request.user, household_id)
    return _history(selectors.history_of(household, request.user))


# --------------------------------------------------------------------------- membership


def _member_person(actor: Any, household: Household, payload: MemberAddIn) -> Person:
    """The person joining: an existing one in reach, or one registered now in the household's grid."""
    if (payload.person_id is None) == (payload.person is None):
        raise ValidationError({"person_id": _("请选择已登记的人员，或填写新人员的信息（二选一）。")})
    if payload.person_id is not None:
        person = selectors.persons_visible_to(actor).filter(pk=payload.person_id).first()
        if person is None:
            raise ValidationError({"person_id": _("未找到该人员。")})
        return person
    assert payload.person is not None
    try:
        return services.person_create(actor=actor, grid=household.grid, **payload.person.dict())
    except ValidationError as exc:
        raise _renamed(exc, {k: f"person.{k}" for k in exc.message_dict}) from exc


@router.post(
    "/registry/households/{household_id}/members",
    response={201: HouseholdDetailOut, **ERRORS},
    summary="添加成员（已登记的人员，或同时登记新人员）",
    openapi_extra=HOUSEHOLD,
)
def add_member(
    request: HttpRequest, household_id: HouseholdIdPath, payload: MemberAddIn
) -> Status[HouseholdDetailOut]:
    actor = request.user
    household = selectors.household_for(actor, household_id)
    with transaction.atomic():
        person = _member_person(actor, household, payload)
        try:
            services.membership_add(
                actor=actor,
                household=household,
                person=person,
                relation=payload.relation,
                valid_from=payload.valid_from,
            )
        except ValidationError as exc:
            raise _renamed(exc, {"person": "person_id"}) from exc
    return Status(201, _household_detail(household))


@router.post(
    "/registry/households/{household_id}/members/end",
    response={200: HouseholdDetailOut, **ERRORS},
    summary="成员离开本户或迁出本地",
    openapi_extra=HOUSEHOLD,
)
def end_member(
    request: HttpRequest, household_id: HouseholdIdPath, payload: MemberEndIn
) -> HouseholdDetailOut:
    actor = request.user
    household = selectors.household_for(actor, household_id)
    membership = selectors.current_member(household, payload.person_id)
    if membership is None:
        raise ValidationError({"person_id": _("此人不是该户的现有成员。")})
    try:
        services.membership_end(
            actor=actor, membership=membership, valid_to=payload.valid_to, reason=payload.reason
        )
    except ValidationError as exc:
        raise _renamed(exc, {"person": "person_id", "moved_out_on": "valid_to"}) from exc
    return _household_detail(household)


@router.post(
    "/registry/households/{household_id}/head",
    response={200: HouseholdDetailOut, **ERRORS},
    summary="变更户主",
    openapi_extra=HOUSEHOLD,
)
def change_head(
    request: HttpRequest, household_id: HouseholdIdPath, payload: HeadChangeIn
) -> HouseholdDetailOut:
    actor = request.user
    household = selectors.household_for(actor, household_id)
    membership = selectors.current_member(household, payload.person_id)
    if membership is None:
        raise ValidationError({"person_id": _("户主须是该户的现有成员。")})
    try:
        services.household_set_head(
            actor=actor,
            household=household,
            person=membership.person,
            former_head_relation=payload.former_head_relation,
        )
    except ValidationError as exc:
        raise _renamed(exc, {"person": "person_id"}) from exc
    return _household_detail(household)


@router.post(
    "/registry/households/{household_id}/moved-out",
    response={200: HouseholdDetailOut, **ERRORS},
    summary="整户迁出",
    openapi_extra=HOUSEHOLD,
)
def move_out_household(
    request: HttpRequest, household_id: HouseholdIdPath, payload: HouseholdMoveOutIn
) -> HouseholdDetailOut:
    actor = request.user
    household = selectors.household_for(actor, household_id)
    try:
        services.household_mark_moved_out(actor=actor, household=household, on=payload.on)
    except ValidationError as exc:
        raise _renamed(exc, {"moved_out_on": "on"}) from exc
    return _household_detail(household)
