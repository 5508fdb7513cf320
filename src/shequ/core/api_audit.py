"""Audit API: the audit log of the areas the caller serves (permission ``core.view_audit``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from .models import AuditEntry
from .selectors_audit import PAGE_SIZE, audit_entry_for, audit_search, require_view_audit

router = Router(tags=["audit"])

MAX_PAGE_SIZE = 200


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    post_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    area_id: int | None
    area_name: str
    area_path: str
    changes: Any
    reason: str
    ip: str | None
    request_id: str


class AuditPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[AuditEntryOut]


class AuditFilters(Schema):
    date_from: str | None = None
    date_to: str | None = None
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    area: str | None = None
    q: str | None = None
    page: int = 1
    page_size: int = PAGE_SIZE


def _out(entry: AuditEntry) -> AuditEntryOut:
    area = entry.area if entry.area_id else None
    return AuditEntryOut(
        id=entry.pk,
        at=timezone.localtime(entry.at),
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        post_label=entry.post_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        area_id=entry.area_id,
        area_name=area.name if area is not None else "",
        area_path=entry.area_path,
        changes=entry.changes,
        reason=entry.reason,
        ip=entry.ip,
        request_id=entry.request_id,
    )


@router.get("/audit", response=AuditPageOut, summary="审计日志")
def list_audit(request: HttpRequest, filters: Query[AuditFilters]) -> AuditPageOut:
    require_view_audit(request.user)
    skip = ("page", "page_size")
    params = {k: v for k, v in filters.dict().items() if k not in skip and v not in (None, "")}
    form, qs = audit_search(request.user, params)
    errors: dict[str, list[Any]] = {name: list(errs) for name, errs in form.errors.items()}
    if not 1 <= filters.page_size <= MAX_PAGE_SIZE:
        errors["page_size"] = [_("每页条数应在 1 至 %(max)d 之间。") % {"max": MAX_PAGE_SIZE}]
    if filters.page < 1:
        errors["page"] = [_("页码应为正整数。")]
    if errors:
        raise ValidationError(errors)
    paginator = Paginator(qs, filters.page_size)
    page = paginator.get_page(filters.page)
    return AuditPageOut(
        count=paginator.count,
        page=page.number,
        pages=paginator.num_pages,
        page_size=filters.page_size,
        items=[_out(e) for e in page.object_list],
    )


@router.get(
    "/audit/{entry_id}",
    response=AuditEntryOut,
    summary="审计记录详情",
    openapi_extra={"x-scoped-model": "core.AuditEntry"},
)
def get_audit(request: HttpRequest, entry_id: int) -> AuditEntryOut:
    require_view_audit(request.user)
    return _out(audit_entry_for(request.user, entry_id))
