"""Appeals API under /api/v1/appeals/: classification suggestions, the category catalogue, model versions.

Any staff caller may classify and read; changing categories and classifier versions needs
``core.manage_rules``.  Residents are refused (403), anonymous callers 401.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from shequ.core.api import ERRORS

from .. import selectors, services
from ..classifier.runtime import suggest
from ..models import Category, ClassifierVersion
from ..schemas import (
    AppealActivateIn,
    AppealCategoryIn,
    AppealCategoryOut,
    AppealCategoryPatch,
    AppealClassifierVersionOut,
    AppealClassifyIn,
    AppealClassifyOut,
    AppealRetrainIn,
    AppealRetrainOut,
    AppealSuggestionOut,
)
from ..services._checks import is_staff

router = Router(tags=["appeals"])

CATEGORY = {"x-scoped-model": "appeals.Category"}
VERSION = {"x-scoped-model": "appeals.ClassifierVersion"}
VersionPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="模型版本号")]
CodePath = Annotated[str, Path(max_length=64, description="分类代码")]


def _staff(request: HttpRequest) -> Any:
    if not is_staff(request.user):
        raise PermissionDenied(_("仅限工作人员。"))
    return request.user


def _manager(request: HttpRequest) -> Any:
    user = _staff(request)
    if not services.can_manage_categories(user):
        raise PermissionDenied(_("您没有管理诉求分类的权限。"))
    return user


def _category_out(c: Category) -> AppealCategoryOut:
    return AppealCategoryOut(
        code=c.code,
        name=c.name,
        name_en=c.name_en,
        responsible_unit=c.responsible_unit,
        unit_level=c.unit_level,
        unit_level_label=str(c.get_unit_level_display()),
        urgency=c.urgency,
        urgency_label=str(c.get_urgency_display()),
        response_hours=c.response_hours,
        resolve_hours=c.resolve_hours,
        emergency_line=c.emergency_line,
        is_active=c.is_active,
        order=c.order,
        updated_at=c.updated_at,
    )


@router.post("/classify", response={200: AppealClassifyOut, **ERRORS}, summary="智能分拨：建议分类与责任单位")
def classify(request: HttpRequest, payload: AppealClassifyIn) -> AppealClassifyOut:
    """The three most likely categories for an appeal text, best first, with a score in 0..1."""
    _staff(request)
    if not payload.text.strip():
        raise ValidationError({"text": _("请填写诉求内容。")})
    return AppealClassifyOut(
        suggestions=[
            AppealSuggestionOut(category=s.category, unit=s.unit, score=s.score, name=s.name)
            for s in suggest(payload.text)
        ]
    )


@router.get("/categories", response={200: list[AppealCategoryOut], **ERRORS}, summary="诉求分类目录")
def list_categories(request: HttpRequest, include_inactive: bool = True) -> list[AppealCategoryOut]:
    actor = _staff(request)
    qs = selectors.categories_visible_to(actor, include_inactive=include_inactive)
    return [_category_out(c) for c in qs]


@router.post("/categories", response={201: AppealCategoryOut, **ERRORS}, summary="新增诉求分类")
def create_category(request: HttpRequest, payload: AppealCategoryIn) -> Status[AppealCategoryOut]:
    actor = _manager(request)
    values = payload.dict()
    category = services.category_create(actor=actor, **values)
    return Status(201, _category_out(category))


@router.patch(
    "/categories/{code}",
    response={200: AppealCategoryOut, **ERRORS},
    summary="修改诉求分类",
    openapi_extra=CATEGORY,
)
def update_category(request: HttpRequest, code: CodePath, payload: AppealCategoryPatch) -> AppealCategoryOut:
    actor = _staff(request)
    category = selectors.category_for(actor, code)
    _manager(request)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "") or ""
    return _category_out(services.category_update(actor=actor, category=category, reason=reason, **changes))


@router.get(
    "/classifier/versions",
    response={200: list[AppealClassifierVersionOut], **ERRORS},
    summary="分拨模型版本与准确率",
)
def list_versions(request: HttpRequest) -> list[AppealClassifierVersionOut]:
    actor = _staff(request)
    return [AppealClassifierVersionOut.from_orm(v) for v in selectors.classifier_versions(actor)[:200]]


@router.post(
    "/classifier/retrain", response={202: AppealRetrainOut, **ERRORS}, summary="重新训练分拨模型（后台任务）"
)
def retrain(request: HttpRequest, payload: AppealRetrainIn) -> Status[AppealRetrainOut]:
    actor = _manager(request)
    from ..tasks import retrain_classifier

    transaction.on_commit(lambda: retrain_classifier.delay(actor_id=actor.pk, reason=payload.reason))
    return Status(202, AppealRetrainOut(queued=True))


@router.post(
    "/classifier/versions/{version}/activate",
    response={200: AppealClassifierVersionOut, **ERRORS},
    summary="启用某一模型版本",
    openapi_extra=VERSION,
)
def activate_version(
    request: HttpRequest, version: VersionPath, payload: AppealActivateIn
) -> AppealClassifierVersionOut:
    actor = _staff(request)
    found: ClassifierVersion | None = selectors.classifier_versions(actor).filter(version=version).first()
    if found is None:
        raise Http404
    _manager(request)
    activated = services.classifier_activate(actor=actor, version=found, reason=payload.reason)
    return AppealClassifierVersionOut.from_orm(activated)
