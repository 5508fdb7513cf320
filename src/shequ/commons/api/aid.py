"""Mutual aid for staff: posts of their areas, matching, moderation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..models import AidKind, AidMatch, AidPost, AidPostStatus
from ..selectors.aid import display_name
from .common import AID_MATCH, AID_POST, renamed, router
from .schemas import (
    AidDeclineIn,
    AidHideIn,
    AidMatchIdPath,
    AidMatchIn,
    AidMatchOut,
    AidPostFilters,
    AidPostIdPath,
    AidPostOut,
    AidPostPage,
)


def aid_post_out(p: AidPost) -> AidPostOut:
    return AidPostOut(
        id=p.pk,
        area_id=p.area_id,
        kind=p.kind,
        category=p.category,
        category_label=str(p.get_category_display()),
        title=p.title,
        body=p.body,
        status=p.status,
        author_name_masked=display_name(p.author, None),
        author_phone_masked=str(p.author.phone or ""),
        is_hidden=p.is_hidden,
        hidden_reason=p.hidden_reason,
        created_at=p.created_at,
    )


def aid_match_out(m: AidMatch) -> AidMatchOut:
    return AidMatchOut(
        id=m.pk,
        area_id=m.area_id,
        offer_id=m.offer_id,
        request_id=m.request_id,
        status=m.status,
        status_label=str(m.get_status_display()),
        note=m.note,
    )


@router.get("/aid/posts", response={200: AidPostPage, **ERRORS}, summary="邻里互助信息列表")
def list_aid_posts(request: HttpRequest, filters: Query[AidPostFilters]) -> AidPostPage:
    if filters.kind and filters.kind not in AidKind.values:
        raise ValidationError({"kind": _("请选择有效的选项。")})
    if filters.status and filters.status not in AidPostStatus.values:
        raise ValidationError({"status": _("请选择有效的选项。")})
    qs = selectors.aid_posts_visible_to(request.user)
    if getattr(request.user, "kind", "") != "staff":
        qs = qs.none()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items = [aid_post_out(p) for p in qs[filters.offset : filters.offset + filters.limit]]
    return AidPostPage(count=qs.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.get(
    "/aid/posts/{post_id}",
    response={200: AidPostOut, **ERRORS},
    summary="互助信息详情",
    openapi_extra=AID_POST,
)
def get_aid_post(request: HttpRequest, post_id: AidPostIdPath) -> AidPostOut:
    return aid_post_out(selectors.aid_post_for(request.user, post_id))


@router.post(
    "/aid/posts/{post_id}/hide",
    response={200: AidPostOut, **ERRORS},
    summary="屏蔽互助信息（须说明原因）",
    openapi_extra=AID_POST,
)
def hide_aid_post(request: HttpRequest, post_id: AidPostIdPath, payload: AidHideIn) -> AidPostOut:
    post = selectors.aid_post_for(request.user, post_id)
    return aid_post_out(services.aid_post_hide(actor=request.user, post=post, reason=payload.reason))


@router.post("/aid/matches", response={201: AidMatchOut, **ERRORS}, summary="对接一条帮助与一条需求")
def create_aid_match(request: HttpRequest, payload: AidMatchIn) -> Status[AidMatchOut]:
    errors: dict[str, str] = {}
    posts: dict[str, AidPost] = {}
    for field, pk in (("offer_id", payload.offer_id), ("request_id", payload.request_id)):
        post = (
            selectors.aid_posts_visible_to(request.user).filter(pk=pk).first()
            if getattr(request.user, "kind", "") == "staff"
            else None
        )
        if post is None:
            errors[field] = _("请选择您管辖范围内的互助信息。")
        else:
            posts[field] = post
    if errors:
        raise ValidationError(errors)
    try:
        match = services.aid_match_create(
            actor=request.user, offer=posts["offer_id"], request=posts["request_id"], note=payload.note
        )
    except ValidationError as exc:
        raise renamed(exc, {"area": "offer_id"}) from exc
    return Status(201, aid_match_out(match))


@router.post(
    "/aid/matches/{match_id}/confirm",
    response={200: AidMatchOut, **ERRORS},
    summary="确认居民响应的对接",
    openapi_extra=AID_MATCH,
)
def confirm_aid_match(request: HttpRequest, match_id: AidMatchIdPath) -> AidMatchOut:
    match = selectors.aid_match_for(request.user, match_id)
    return aid_match_out(services.aid_match_confirm(actor=request.user, match=match))


@router.post(
    "/aid/matches/{match_id}/decline",
    response={200: AidMatchOut, **ERRORS},
    summary="不采纳居民响应的对接",
    openapi_extra=AID_MATCH,
)
def decline_aid_match(request: HttpRequest, match_id: AidMatchIdPath, payload: AidDeclineIn) -> AidMatchOut:
    match = selectors.aid_match_for(request.user, match_id)
    return aid_match_out(services.aid_match_decline(actor=request.user, match=match, reason=payload.reason))
