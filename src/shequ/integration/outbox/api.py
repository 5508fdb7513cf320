"""``/api/v1/me/notifications``: the caller's in-app messages.

Mounted in config/api.py with ``api.add_router("/", outbox_router)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from shequ.core.api import ERRORS

from . import selectors, services
from .models import Notification

router = Router(tags=["notifications"])

NOTIFICATION = {"x-scoped-model": "integration.Notification"}
MAX_ID = 2**63 - 1
NotificationIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="消息编号")]


class InboxMessageOut(Schema):
    id: int
    text: str
    template_key: str
    created_at: datetime
    read_at: datetime | None
    unread: bool


class InboxPage(Schema):
    count: int
    unread: int
    limit: int
    offset: int
    items: list[InboxMessageOut]


class InboxFilters(Schema):
    unread_only: bool = False
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=10**9)] = 0


class InboxReadAllOut(Schema):
    marked: int


def message_out(n: Notification) -> InboxMessageOut:
    return InboxMessageOut(
        id=n.pk,
        text=n.text.plaintext_for_processing() if n.text else "",
        template_key=n.template_key,
        created_at=n.created_at,
        read_at=n.read_at,
        unread=n.read_at is None,
    )


@router.get("/me/notifications", response={200: InboxPage, **ERRORS}, summary="我的消息")
def list_my_notifications(request: HttpRequest, filters: Query[InboxFilters]) -> InboxPage:
    qs = selectors.inbox_for(request.user)
    if filters.unread_only:
        qs = qs.filter(read_at__isnull=True)
    items = [message_out(n) for n in qs[filters.offset : filters.offset + filters.limit]]
    return InboxPage(
        count=qs.count(),
        unread=selectors.unread_count(request.user),
        limit=filters.limit,
        offset=filters.offset,
        items=items,
    )


@router.post("/me/notifications/read-all", response={200: InboxReadAllOut, **ERRORS}, summary="全部标为已读")
def read_all_my_notifications(request: HttpRequest) -> InboxReadAllOut:
    return InboxReadAllOut(marked=services.mark_all_read(actor=request.user))


@router.get(
    "/me/notifications/{notification_id}",
    response={200: InboxMessageOut, **ERRORS},
    summary="消息详情",
    openapi_extra=NOTIFICATION,
)
def get_my_notification(request: HttpRequest, notification_id: NotificationIdPath) -> InboxMessageOut:
    return message_out(selectors.own_notification(request.user, notification_id))


@router.post(
    "/me/notifications/{notification_id}/read",
    response={200: InboxMessageOut, **ERRORS},
    summary="标为已读",
    openapi_extra=NOTIFICATION,
)
def read_my_notification(request: HttpRequest, notification_id: NotificationIdPath) -> InboxMessageOut:
    n = selectors.own_notification(request.user, notification_id)
    return message_out(services.mark_read(actor=request.user, notification=n))
