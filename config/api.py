"""The JSON API under /api/v1/ (Django Ninja): token or session auth, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from shequ.accounts.api import router as accounts_router
from shequ.accounts.api_auth import api_auth
from shequ.appeals.api import router as appeals_router
from shequ.commons.api import router as commons_router
from shequ.core.api import router as core_router
from shequ.core.api_audit import router as audit_router
from shequ.core.api_geo import router as geo_router
from shequ.core.api_rules import router as rules_router
from shequ.gridwork.api import router as gridwork_router
from shequ.integration.outbox.api import router as outbox_router
from shequ.onewindow.api import router as onewindow_router
from shequ.registry.api import router as registry_router

api = NinjaAPI(
    title="Shequ 社区综合服务管理平台 API",
    version="1",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=api_auth,
)


def _errors_from_validation(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@api.exception_handler(ValidationError)
def django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "invalid", "errors": _errors_from_validation(exc)}, status=400
    )


@api.exception_handler(NinjaValidationError)
def schema_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        errors.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "invalid")))
    return api.create_response(request, {"detail": "invalid", "errors": errors}, status=422)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) // (1024 * 1024)
    message = _("请求内容超过%(mb)dMB，请压缩照片后重新提交。") % {"mb": limit}
    return api.create_response(request, {"detail": "too large", "errors": {"body": [message]}}, status=413)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
    return api.create_response(request, {"detail": "authentication required"}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/", rules_router)
api.add_router("/", audit_router)
api.add_router("/", geo_router)
api.add_router("/", registry_router)
api.add_router("/", outbox_router)
api.add_router("/gridwork", gridwork_router)
api.add_router("/appeals", appeals_router)
api.add_router("/onewindow", onewindow_router)
api.add_router("/commons", commons_router)
