"""Registry API: persons, their history and tags; the tag catalogue."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..models import Membership, Person
from ..schemas import (
    HistoryOut,
    PersonDetailOut,
    PersonFilters,
    PersonIdPath,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
    TagAddIn,
    TagOut,
    TagRemoveIn,
)
from .common import PERSON, _grid, _history, _renamed, router

# --------------------------------------------------------------------------- persons


def _person_out(actor: Any, p: Person, tags: list[Any] | None = None) -> dict[str, Any]:
    if tags is None:
        tags = getattr(p, "visible_tags", None)
    if tags is None:
        tags = selectors.person_tags(actor, p)
    return {
        "id": p.pk,
        "grid_id": p.grid_id,
        "grid_name": p.grid.name,
        "name": p.name,
        "id_doc_type": p.id_doc_type,
        "id_doc_type_label": str(p.get_id_doc_type_display()),
        "id_number_masked": str(p.id_number or ""),
        "sex": p.sex,
        "sex_label": str(p.get_sex_display()) if p.sex else "",
        "age": selectors.age(p),
        "phone_masked": str(p.phone or ""),
        "residence_status": p.residence_status,
        "residence_status_label": str(p.get_residence_status_display()),
        "tags": [TagOut(code=t.tag.code, name=t.tag.name) for t in tags],
    }


def _person_detail(actor: Any, p: Person) -> PersonDetailOut:
    membership: Membership | None = selectors.current_membership(p)
    return PersonDetailOut(
        **_person_out(actor, p),
        registered_address_masked=str(p.registered_address or ""),
        resident_address_masked=str(p.resident_address or ""),
        household_id=membership.household_id if membership else None,
        relation=membership.relation if membership else None,
        deceased_on=p.deceased_on,
        moved_out_on=p.moved_out_on,
    )


@router.get(
    "/registry/persons",
    response={200: PersonPage, **ERRORS},
    summary="人员查询（姓名，或完整证件号码、电话）",
)
def list_persons(request: HttpRequest, filters: Query[PersonFilters]) -> PersonPage:
    qs = selectors.person_list(request.user, q=filters.q, grid_id=filters.grid_id)
    page = qs[filters.offset : filters.offset + filters.limit]
    items = [PersonOut(**_person_out(request.user, p)) for p in page]
    return PersonPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.post("/registry/persons", response={201: PersonDetailOut, **ERRORS}, summary="登记人员")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[PersonDetailOut]:
    errors: dict[str, str] = {}
    grid = _grid(request.user, payload.grid_id, errors)
    if errors:
        raise ValidationError(errors)
    try:
        person = services.person_create(actor=request.user, grid=grid, **payload.dict(exclude={"grid_id"}))
    except ValidationError as exc:
        raise _renamed(exc, {"grid": "grid_id"}) from exc
    return Status(201, _person_detail(request.user, person))


@router.get(
    "/registry/persons/{person_id}",
    response={200: PersonDetailOut, **ERRORS},
    summary="人员详情（已脱敏）",
    openapi_extra=PERSON,
)
def get_person(request: HttpRequest, person_id: PersonIdPath) -> PersonDetailOut:
    return _person_detail(request.user, selectors.person_for(request.user, person_id))


@router.patch(
    "/registry/persons/{person_id}",
    response={200: PersonDetailOut, **ERRORS},
    summary="修改人员信息",
    openapi_extra=PERSON,
)
def update_person(request: HttpRequest, person_id: PersonIdPath, payload: PersonPatch) -> PersonDetailOut:
    person = selectors.person_for(request.user, person_id)
    values = payload.dict(exclude_unset=True)
    if "grid_id" in values:
        errors: dict[str, str] = {}
        values["grid"] = _grid(request.user, values.pop("grid_id"), errors)
        if errors:
            raise ValidationError(errors)
    for name in ("name", "id_doc_type", "residence_status"):
        if name in values and values[name] is None:
            values.pop(name)
    try:
        services.person_update(actor=request.user, person=person, **values)
    except ValidationError as exc:
        raise _renamed(exc, {"grid": "grid_id"}) from exc
    return _person_detail(request.user, person)


@router.get(
    "/registry/persons/{person_id}/history",
    response={200: list[HistoryOut], **ERRORS},
    summary="人员变更记录",
    openapi_extra=PERSON,
)
def person_history(request: HttpRequest, person_id: PersonIdPath) -> list[HistoryOut]:
    person = selectors.person_for(request.user, person_id)
    return _history(selectors.history_of(person, request.user))


@router.post(
    "/registry/persons/{person_id}/tags",
    response={200: PersonDetailOut, **ERRORS},
    summary="添加标签",
    openapi_extra=PERSON,
)
def add_tag(request: HttpRequest, person_id: PersonIdPath, payload: TagAddIn) -> PersonDetailOut:
    person = selectors.person_for(request.user, person_id)
    tag = selectors.tag_for(request.user, payload.tag)
    if tag is None:
        raise ValidationError({"tag": _("未知的标签。")})
    services.person_tag_add(
        actor=request.user, person=person, tag=tag, since=payload.since, note=payload.note
    )
    return _person_detail(request.user, person)


@router.post(
    "/registry/persons/{person_id}/tags/remove",
    response={200: PersonDetailOut, **ERRORS},
    summary="解除标签",
    openapi_extra=PERSON,
)
def remove_tag(request: HttpRequest, person_id: PersonIdPath, payload: TagRemoveIn) -> PersonDetailOut:
    person = selectors.person_for(request.user, person_id)
    tag = selectors.tag_for(request.user, payload.tag)
    if tag is None:
        raise ValidationError({"tag": _("未知的标签。")})
    services.person_tag_remove(actor=request.user, person=person, tag=tag, on=payload.on)
    return _person_detail(request.user, person)


@router.get("/registry/tags", response={200: list[TagOut], **ERRORS}, summary="标签目录")
def list_tags(request: HttpRequest) -> list[TagOut]:
    return [TagOut(code=t.code, name=t.name) for t in selectors.tags_visible_to(request.user)]
