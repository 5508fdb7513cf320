"""Catalogue, the resident's pre-filled form, window devices, authorisations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status

from shequ.core.api import ERRORS
from shequ.core.pii import PIIKind, lookup_candidates, mask_address, mask_id_number
from shequ.registry import selectors as registry

from .. import selectors, services
from ..devices import DeviceError, as_base64, document_camera, id_card_reader
from ..models import ServiceCategory
from ..services.common import is_staff
from .common import ITEM, item_detail_out, item_out, router
from .schemas import (
    ItemIdPath,
    OwAuthorisationIn,
    OwAuthorisationOut,
    OwCameraOut,
    OwIdCardOut,
    OwItemDetailOut,
    OwItemPage,
    OwItemVersionIn,
    OwItemWithdrawIn,
    OwOnFileOut,
    OwPrefillOut,
)


class OwCatalogueFilters(Schema):
    q: str = ""
    category: ServiceCategory | None = None


@router.get("/items", response={200: OwItemPage, **ERRORS}, summary="服务事项目录（检索）")
def list_items(request: HttpRequest, filters: Query[OwCatalogueFilters]) -> OwItemPage:
    qs = selectors.catalogue_search(filters.q[:50], filters.category or "")
    items = [item_out(i) for i in qs]
    return OwItemPage(count=len(items), items=items)


@router.get(
    "/items/{item_id}", response={200: OwItemDetailOut, **ERRORS}, summary="服务事项详情", openapi_extra=ITEM
)
def get_item(request: HttpRequest, item_id: ItemIdPath) -> OwItemDetailOut:
    return item_detail_out(selectors.item_for(item_id))


@router.get(
    "/items/{item_id}/prefill",
    response={200: OwPrefillOut, **ERRORS},
    summary="一号申请：本人信息、申请条件核对与已有材料",
    openapi_extra=ITEM,
)
def item_prefill(request: HttpRequest, item_id: ItemIdPath) -> OwPrefillOut:
    item = selectors.item_for(item_id)
    pre = selectors.prefill_for_resident(request.user, selectors.version_detail(item))
    person = pre.person
    return OwPrefillOut(
        found=pre.found,
        name=person.name if person else "",
        id_number_masked=str(person.id_number or "") if person else "",
        phone_masked=str(person.phone or "") if person else "",
        age=person.age_on(timezone.localdate()) if person else None,
        community=pre.community.name if pre.community else "",
        eligible=pre.verdict.eligible if pre.verdict else None,
        failures=pre.verdict.failures if pre.verdict else [],
        on_file=[
            OwOnFileOut(
                id=r.pk, material_id=r.material_id, material=r.material.name, from_number=r.application.number
            )
            for r in pre.on_file.values()
        ],
        supplied_material_ids=sorted(pre.supplied),
    )


def _require_window(user: Any) -> None:
    if not is_staff(user):
        raise PermissionDenied(_("只有窗口工作人员可以使用窗口设备。"))


@router.post("/devices/id-card", response={200: OwIdCardOut, **ERRORS}, summary="读取身份证（窗口读卡器）")
def read_id_card(request: HttpRequest) -> OwIdCardOut:
    _require_window(request.user)
    try:
        card = id_card_reader().read(window=str(request.user.pk))
    except DeviceError as exc:
        raise ValidationError({"device": _("未读到身份证，请将证件放在读卡器上后重试。")}) from exc
    person = (
        registry.persons_visible_to(request.user)
        .filter(id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, card.id_number))
        .first()
    )
    return OwIdCardOut(
        name=card.name,
        id_number_masked=mask_id_number(card.id_number),
        address_masked=mask_address(card.address),
        has_photo=bool(card.photo),
        person_id=person.pk if person else None,
        person_name=person.name if person else None,
    )


@router.post("/devices/camera", response={200: OwCameraOut, **ERRORS}, summary="高拍仪拍摄材料")
def capture_document(request: HttpRequest) -> OwCameraOut:
    _require_window(request.user)
    try:
        data = document_camera().capture(window=str(request.user.pk))
    except DeviceError as exc:
        raise ValidationError({"device": _("高拍仪未连接，请检查设备后重试。")}) from exc
    return OwCameraOut(content_type="image/png", content_base64=as_base64(data))


@router.post(
    "/authorisations", response={201: OwAuthorisationOut, **ERRORS}, summary="登记家属代办委托（窗口）"
)
def record_authorisation(request: HttpRequest, payload: OwAuthorisationIn) -> Status[OwAuthorisationOut]:
    _require_window(request.user)
    person = registry.persons_visible_to(request.user).filter(pk=payload.principal_id).first()
    if person is None:
        raise ValidationError({"principal_id": _("请选择您管辖范围内的委托人。")})
    auth = services.authorisation_record(
        actor=request.user,
        principal=person,
        agent_name=payload.agent_name,
        agent_id_number=payload.agent_id_number,
        relation=payload.relation,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        scope=payload.scope,
    )
    return Status(
        201,
        OwAuthorisationOut(
            id=auth.pk,
            principal=person.name,
            agent_name=auth.agent_name,
            agent_id_masked=str(auth.agent_id_number or ""),
            relation=auth.relation,
            valid_from=auth.valid_from,
            valid_to=auth.valid_to,
        ),
    )


@router.post(
    "/items/{item_id}/versions",
    response={201: OwItemDetailOut, **ERRORS},
    summary="发布事项新版本（原版本于新版本生效前一日失效）",
    openapi_extra=ITEM,
)
def publish_version(
    request: HttpRequest, item_id: ItemIdPath, payload: OwItemVersionIn
) -> Status[OwItemDetailOut]:
    item = selectors.item_for(item_id)
    changes = payload.dict(exclude_unset=True, exclude={"effective_from", "materials"})
    changes = {k: v for k, v in changes.items() if v is not None}
    materials = (
        [(m.code, m.required, m.commitment_ok) for m in payload.materials]
        if payload.materials is not None
        else None
    )
    services.item_version_publish(
        actor=request.user,
        item=item,
        effective_from=payload.effective_from,
        changes=changes,
        materials=materials,
    )
    return Status(201, item_detail_out(item))


@router.post(
    "/items/{item_id}/withdraw",
    response={200: OwItemDetailOut, **ERRORS},
    summary="停止办理（此后不再受理新的申请）",
    openapi_extra=ITEM,
)
def withdraw_item(request: HttpRequest, item_id: ItemIdPath, payload: OwItemWithdrawIn) -> OwItemDetailOut:
    item = selectors.item_for(item_id)
    services.item_withdraw(actor=request.user, item=item, last_day=payload.last_day)
    return item_detail_out(item)
