"""Applications: submit, list, detail, status by number, the window's actions, ratings and follow-ups."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from pydantic import Field

from shequ.core.api import ERRORS
from shequ.registry import selectors as registry

from .. import selectors, services
from ..models import Authorisation
from ..models import Status as AppStatus
from .common import APPLICATION, application_detail_out, application_out, events_out, router, uploads_from
from .schemas import (
    ApplicationIdPath,
    OwAnswerIn,
    OwApplicationDetailOut,
    OwApplicationIn,
    OwApplicationPage,
    OwCommitmentCheckIn,
    OwDecideIn,
    OwForwardIn,
    OwHandoverIn,
    OwNoteIn,
    OwRateIn,
    OwResubmitIn,
    OwReturnIn,
    OwTrackOut,
)


class OwApplicationFilters(Schema):
    status: AppStatus | None = None
    q: str = Field("", max_length=40)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


class OwTrackQuery(Schema):
    number: str = Field(..., max_length=24)
    phone_tail: str = Field("", max_length=4, description="未登录时：申请人手机号后四位")


def _detail(request: HttpRequest, application_id: int) -> OwApplicationDetailOut:
    return application_detail_out(selectors.application_for(request.user, application_id))


@router.post(
    "/applications", response={201: OwApplicationDetailOut, **ERRORS}, summary="提交申请（一号申请）"
)
def submit(request: HttpRequest, payload: OwApplicationIn) -> Status[OwApplicationDetailOut]:
    item = selectors.item_by_id(payload.item_id)
    if item is None:
        raise ValidationError({"item_id": _("没有这个服务事项。")})
    person = None
    if payload.person_id is not None:
        person = registry.persons_visible_to(request.user).filter(pk=payload.person_id).first()
        if person is None:
            raise ValidationError({"person_id": _("请选择您管辖范围内的申请人。")})
    authorisation = None
    if payload.authorisation_id is not None:
        authorisation = (
            Authorisation.objects.select_related("principal__grid")
            .filter(pk=payload.authorisation_id)
            .first()
        )
        if authorisation is None:
            raise ValidationError({"authorisation_id": _("没有这份委托。")})
        person = person or authorisation.principal
    app = services.application_submit(
        actor=request.user,
        item=item,
        person=person,
        uploads=uploads_from(payload.uploads),
        reuse=payload.reuse_ids,
        commitment=payload.commitment,
        form=payload.form,
        authorisation=authorisation,
        proxy_service=payload.proxy_service,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, _detail(request, app.pk))


@router.get(
    "/applications", response={200: OwApplicationPage, **ERRORS}, summary="办件列表（本人或所辖社区）"
)
def list_applications(request: HttpRequest, filters: Query[OwApplicationFilters]) -> OwApplicationPage:
    qs = selectors.application_list(request.user, status=filters.status, q=filters.q)
    clock = selectors.Clock()
    items = [application_out(a, clock) for a in qs[filters.offset : filters.offset + filters.limit]]
    return OwApplicationPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.get(
    "/applications/track", response={200: OwTrackOut, **ERRORS}, summary="按办件编号查询进度", auth=None
)
def track(request: HttpRequest, query: Query[OwTrackQuery]) -> OwTrackOut:
    from django.http import Http404

    app = selectors.track(query.number, request.user, query.phone_tail)
    if app is None:
        raise Http404
    return OwTrackOut(
        number=app.number,
        item=app.item.name,
        status=app.status,
        status_label=str(app.get_status_display()),
        submitted_at=app.submitted_at,
        deadline=app.deadline,
        events=events_out(list(app.events.order_by("at", "id"))),
    )


@router.get(
    "/applications/{application_id}",
    response={200: OwApplicationDetailOut, **ERRORS},
    summary="办件详情",
    openapi_extra=APPLICATION,
)
def get_application(request: HttpRequest, application_id: ApplicationIdPath) -> OwApplicationDetailOut:
    return _detail(request, application_id)


def _op(path: str, summary: str) -> Any:
    return router.post(
        path, response={200: OwApplicationDetailOut, **ERRORS}, summary=summary, openapi_extra=APPLICATION
    )


@_op("/applications/{application_id}/accept", "受理")
def accept(request: HttpRequest, application_id: ApplicationIdPath) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    services.application_accept(actor=request.user, application=app)
    return _detail(request, application_id)


@_op("/applications/{application_id}/return", "退回补正（一次性告知）")
def return_(
    request: HttpRequest, application_id: ApplicationIdPath, payload: OwReturnIn
) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    chosen = selectors.materials_by_ids(payload.material_ids)
    if len(chosen) != len(set(payload.material_ids)):
        raise ValidationError({"material_ids": _("所选材料不存在。")})
    services.application_return(actor=request.user, application=app, materials=chosen, note=payload.note)
    return _detail(request, application_id)


@_op("/applications/{application_id}/resubmit", "补正材料后重新提交")
def resubmit(
    request: HttpRequest, application_id: ApplicationIdPath, payload: OwResubmitIn
) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    services.application_resubmit(
        actor=request.user,
        application=app,
        uploads=uploads_from(payload.uploads),
        reuse=payload.reuse_ids,
        note=payload.note,
    )
    return _detail(request, application_id)


@_op("/applications/{application_id}/handover", "首问负责移交")
def handover(
    request: HttpRequest, application_id: ApplicationIdPath, payload: OwHandoverIn
) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    to_user = selectors.user_by_id(payload.to_user_id, active_only=True)
    services.application_handover(actor=request.user, application=app, to_user=to_user, note=payload.note)
    return _detail(request, application_id)


@_op("/applications/{application_id}/forward", "全程代办：送单位办理")
def forward(
    request: HttpRequest, application_id: ApplicationIdPath, payload: OwForwardIn
) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    services.application_forward(actor=request.user, application=app, unit=payload.unit, note=payload.note)
    return _detail(request, application_id)


@_op("/applications/{application_id}/decide", "办理决定（准予/不予）")
def decide(
    request: HttpRequest, application_id: ApplicationIdPath, payload: OwDecideIn
) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    services.application_decide(
        actor=request.user, application=app, approved=payload.approved, reason=payload.reason
    )
    return _detail(request, application_id)


@_op("/applications/{application_id}/deliver", "送达")
def deliver(
    request: HttpRequest, application_id: ApplicationIdPath, payload: OwNoteIn
) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    services.application_deliver(actor=request.user, application=app, note=payload.note)
    return _detail(request, application_id)


@_op("/applications/{application_id}/commitment-check", "告知承诺核查")
def check_commitment(
    request: HttpRequest, application_id: ApplicationIdPath, payload: OwCommitmentCheckIn
) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    services.commitment_check(actor=request.user, application=app, kept=payload.kept, note=payload.note)
    return _detail(request, application_id)


@_op("/applications/{application_id}/rating", "好差评")
def rate(
    request: HttpRequest, application_id: ApplicationIdPath, payload: OwRateIn
) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    services.application_rate(
        actor=request.user, application=app, level=payload.level, comment=payload.comment
    )
    return _detail(request, application_id)


@_op("/applications/{application_id}/follow-up/answer", "答复差评回访")
def answer(
    request: HttpRequest, application_id: ApplicationIdPath, payload: OwAnswerIn
) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    services.follow_up_answer(actor=request.user, application=app, answer=payload.answer)
    return _detail(request, application_id)


@_op("/applications/{application_id}/follow-up/close", "办结差评回访")
def close(request: HttpRequest, application_id: ApplicationIdPath) -> OwApplicationDetailOut:
    app = selectors.application_for(request.user, application_id)
    services.follow_up_close(actor=request.user, application=app)
    return _detail(request, application_id)
