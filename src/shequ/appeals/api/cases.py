"""Case API under /api/v1/appeals/cases: intake, the scoped list, detail, and one operation per transition.

Staff see cases in the areas they serve or dispatched to their organisation, residents
their own; another's id is a 404.  A transition names the ``version`` the caller saw; if
someone acted first the answer is 409 "该案件已被他人处理，请刷新后重试。".
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Path, Query, Router, Schema, Status

from shequ.core.api import ERRORS
from shequ.core.models import Area

from .. import selectors, services
from ..models import Case, Channel
from ..services import allowed_for
from .schemas import (
    AppealCaseActionIn,
    AppealCaseConflictOut,
    AppealCaseCreatedOut,
    AppealCaseDetailOut,
    AppealCaseEventOut,
    AppealCaseIn,
    AppealCaseOut,
    AppealCasePage,
    AppealCaseSuggestionOut,
    AppealCaseUnitOut,
    case_out_fields,
)

router = Router(tags=["appeals-cases"])
SCOPED = {"x-scoped-model": "appeals.Case"}
CasePath = Annotated[int, Path(ge=1, le=2**63 - 1, description="案件 id")]
PAGE_SIZE = 25


class AppealCaseFilters(Schema):
    state: str = NinjaField("open", max_length=20, description="open、pending 或某一状态")
    area_id: int | None = NinjaField(None, ge=1, le=2**63 - 1)
    light: str = NinjaField("", max_length=8)
    supervised: bool = False
    page: int = NinjaField(1, ge=1, le=100_000)


def _require_user(request: HttpRequest) -> Any:
    from django.core.exceptions import PermissionDenied

    user: Any = request.user
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    return user


def _area(actor: Any, area_id: int | None) -> Area | None:
    if area_id is None:
        return None
    from django.core.exceptions import ValidationError

    found = selectors.intake_area_for(actor, area_id)
    if found is None:
        raise ValidationError({"area_id": _("请选择有效的选项。")})
    return found


@router.post(
    "/cases",
    response={200: AppealCaseCreatedOut, 201: AppealCaseCreatedOut, **ERRORS},
    summary="提交诉求（幂等：请求头 Idempotency-Key 或字段 idempotency_key）",
)
def create_case(request: HttpRequest, payload: AppealCaseIn) -> Status[AppealCaseCreatedOut]:
    actor = _require_user(request)
    key = request.headers.get("Idempotency-Key", "") or payload.idempotency_key
    result = services.case_submit(
        actor=actor,
        channel=Channel.API,
        text=payload.text,
        lng=payload.lng,
        lat=payload.lat,
        crs=payload.crs,
        address=payload.address,
        area=_area(actor, payload.area_id),
        photos=payload.photos,
        is_public=payload.is_public,
        category=payload.category or None,
        urgent=payload.urgent,
        danger=payload.danger,
        emergency_line=payload.emergency_line,
        requester_name=payload.requester_name if services.common.is_staff(actor) else "",
        requester_phone=payload.requester_phone if services.common.is_staff(actor) else "",
        idempotency_key=key[:64],
    )
    # the case just written (or found again by its key) is the caller's own: answer from it
    body = AppealCaseCreatedOut(**case_out_fields(result.case), token=result.token, created=result.created)
    return Status(201 if result.created else 200, body)


@router.get("/cases", response={200: AppealCasePage, **ERRORS}, summary="案件列表（按权限范围）")
def list_cases(request: HttpRequest, filters: Query[AppealCaseFilters]) -> AppealCasePage:
    actor = _require_user(request)
    qs = selectors.dispatch_queue(
        actor,
        area_id=filters.area_id,
        state=filters.state,
        light=filters.light,
        supervised=filters.supervised,
    )
    start = (filters.page - 1) * PAGE_SIZE
    items = [AppealCaseOut(**case_out_fields(c)) for c in qs[start : start + PAGE_SIZE]]
    return AppealCasePage(count=qs.count(), page=filters.page, items=items)


def _detail(actor: Any, case: Case) -> AppealCaseDetailOut:
    staff = services.common.is_staff(actor)
    return AppealCaseDetailOut(
        **case_out_fields(case),
        result=case.result,
        suggestions=[AppealCaseSuggestionOut(**s) for s in case.suggestions] if staff else [],
        units=[
            AppealCaseUnitOut(role=u.role, name=u.name, organisation_id=u.organisation_id, area_id=u.area_id)
            for u in case.units.all()
        ],
        events=[
            AppealCaseEventOut(
                kind=e.kind,
                from_state=e.from_state,
                to_state=e.to_state,
                actor=e.actor_label if staff else "",
                note=e.note,
                at=e.at,
            )
            for e in case.events.all()
        ],
        allowed_actions=[t.name for t in allowed_for(actor, case)],
        duplicates=[d.case.number for d in services.duplicate_candidates(case)] if staff else [],
    )


@router.get(
    "/cases/{case_id}",
    response={200: AppealCaseDetailOut, **ERRORS},
    summary="案件详情",
    openapi_extra=SCOPED,
)
def get_case(request: HttpRequest, case_id: CasePath) -> AppealCaseDetailOut:
    actor = _require_user(request)
    return _detail(actor, selectors.case_detail(actor, case_id))


def _make_action(name: str) -> Any:
    def act(request: HttpRequest, case_id: CasePath, payload: AppealCaseActionIn) -> Any:
        actor = _require_user(request)
        case = selectors.case_for(actor, case_id)
        params = payload.dict()
        try:
            services.case_act(actor=actor, case=case, action=name, version=payload.version, params=params)
        except services.CaseConflict as exc:
            return Status(409, AppealCaseConflictOut(detail=str(exc)))
        return _detail(actor, selectors.case_detail(actor, case_id))

    act.__name__ = f"case_{name}"
    return act


for _name, _transition in services.TRANSITIONS.items():
    router.post(
        f"/cases/{{case_id}}/{_name.replace('_', '-')}",
        response={200: AppealCaseDetailOut, 409: AppealCaseConflictOut, **ERRORS},
        summary=f"案件操作：{_transition.label}",
        operation_id=f"appeals_case_{_name}",
        openapi_extra=SCOPED,
    )(_make_action(_name))
