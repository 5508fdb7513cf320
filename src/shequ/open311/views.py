"""The Open311 GeoReport v2 endpoint: discovery, services, service requests (JSON and XML).

Thin views: parameters come from :mod:`.params`, reads from :mod:`.selectors`, the one
write from :func:`.services.request_submit`, the documents from :mod:`.present` and
:mod:`.render`.  Every error is the spec's error document with a 400, 403 or 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from shequ.accounts.api_auth import BearerToken

from . import selectors
from .params import Params, comma_list, parse_w3c, w3c
from .present import SPECIFICATION, Presenter, service_definition, service_item, service_notice
from .render import CONTENT_TYPES, FORMATS, error_response, respond
from .services import RequestInput, UnknownService, api_client_touch, request_submit

#: The spec's default window and its longest allowed range.
WINDOW = timedelta(days=90)
#: The spec's default limit ("the first 1000 requests"); also the largest page (extension).
MAX_RESULTS = 1000
FALLBACK_CHANGESET = "2000-01-01T00:00:00+08:00"

View = Callable[..., HttpResponse]


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = descriptions or (_("请求无法处理。"),)


def _field_errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            _("%(field)s：%(message)s") % {"field": name, "message": message}
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [str(m) for m in exc.messages]


def endpoint(*methods: str) -> Callable[[View], View]:
    """An Open311 view: the format from the URL, the allowed methods, errors as documents."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            if fmt not in FORMATS:
                message = _("不支持的格式：%(fmt)s（仅支持 json 和 xml）。") % {"fmt": fmt}
                return error_response("json", 404, [message])
            if request.method not in methods:
                response = error_response(fmt, 405, [_("不支持该请求方法。")])
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.status, exc.descriptions)
            except ValidationError as exc:
                return error_response(fmt, 400, _field_errors(exc))
            except Http404:
                return error_response(fmt, 404, [_("未找到。")])

        return wrapper

    return decorate


def _bearer_user(request: HttpRequest) -> Any:
    """The platform user of an ``Authorization: Bearer`` token, None without one, 403 for a bad one."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _sep, token = header.partition(" ")
    user = BearerToken().authenticate(request, token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Open311Error(403, _("访问令牌无效或已过期。"))
    return user


def _client(params: Params, *, required: bool) -> Any:
    key = params.get("api_key")
    if key is None and not required:
        return None
    client = selectors.api_client_by_key(key)
    if client is None:
        raise Open311Error(403, _("api_key 缺失、无效或已吊销，无法提交诉求。"))
    api_client_touch(client=client, now=timezone.now())
    return client


def _base_url(request: HttpRequest) -> str:
    services = reverse("open311:services", kwargs={"fmt": "xml"})
    return request.build_absolute_uri(services.rsplit("/", 1)[0] + "/")


# --------------------------------------------------------------------------- discovery and services


@endpoint("GET", "HEAD")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    changeset = w3c(selectors.catalogue_changed_at()) or FALLBACK_CHANGESET
    name = settings.SHEQU_DEPLOYMENT_NAME
    document = {
        "changeset": changeset,
        "contact": _("%(name)s运维团队（诉求请通过本接口提交，或拨打12345热线）。") % {"name": name},
        "key_service": _(
            "提交诉求需要 api_key：由平台管理员为每个接入应用签发（每个应用一个密钥，只显示一次），"
            "请联系%(name)s运维团队。查询接口无需密钥。"
        )
        % {"name": name},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _base_url(request),
                "changeset": changeset,
                "type": "test" if settings.DEBUG else "production",
                "formats": [CONTENT_TYPES["xml"].split(";")[0], CONTENT_TYPES["json"].split(";")[0]],
            }
        ],
    }
    return respond(fmt, "discovery", document)


@endpoint("GET", "HEAD")
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    keywords = selectors.service_keywords()
    items = [service_item(category, keywords) for category in selectors.open_services()]
    return respond(fmt, "services", items)


@endpoint("GET", "HEAD")
def service(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    category = selectors.open_service(service_code)
    if category is None:
        raise Open311Error(404, _("未找到服务：%(code)s。") % {"code": service_code})
    return respond(fmt, "service_definition", service_definition(category))


# --------------------------------------------------------------------------- service requests


def _window(params: Params) -> tuple[datetime | None, datetime | None, list[str]]:
    errors: list[str] = []
    start = end = None
    raw_start, raw_end = params.get("start_date"), params.get("end_date")
    if raw_start is not None:
        start = parse_w3c(raw_start)
        if start is None:
            errors.append(
                _("start_date：日期时间格式不正确，应为带时区的 W3C 格式，如 2026-01-01T00:00:00+08:00。")
            )
    if raw_end is not None:
        end = parse_w3c(raw_end, end=True)
        if end is None:
            errors.append(
                _("end_date：日期时间格式不正确，应为带时区的 W3C 格式，如 2026-01-31T23:59:59+08:00。")
            )
    if errors:
        return None, None, errors
    if start is None:
        end = end or timezone.now()
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if start > end:
        errors.append(_("start_date 不能晚于 end_date。"))
    elif end - start > WINDOW + timedelta(days=1):
        errors.append(_("start_date 与 end_date 相隔不能超过90天。"))
    return start, end, errors


def _positive(params: Params, name: str, default: int, high: int, errors: list[str]) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        errors.append(_("%(name)s：应为1到%(high)d之间的整数。") % {"name": name, "high": high})
        return default
    return int(raw)


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    params = Params(request)
    user = _bearer_user(request)
    client = _client(params, required=False)
    readable = selectors.requests_readable(user=user, client=client)
    errors: list[str] = []
    numbers = comma_list(params.get("service_request_id"), limit=MAX_RESULTS)
    codes = comma_list(params.get("service_code"))
    statuses = [s.lower() for s in comma_list(params.get("status"))]
    page = _positive(params, "page", 1, 100_000, errors)
    size = _positive(params, "page_size", MAX_RESULTS, MAX_RESULTS, errors)
    start = end = None
    if not numbers:
        start, end, window_errors = _window(params)
        errors += window_errors
        bad = sorted({s for s in statuses if s not in ("open", "closed")})
        if bad:
            errors.append(_("status：只能是 open 或 closed（可用逗号分隔）。"))
    if errors:
        raise Open311Error(400, *errors)
    found = selectors.requests_search(
        readable, numbers=numbers, codes=codes, start=start, end=end, statuses=statuses
    )
    cases = list(found[(page - 1) * size : page * size])
    response = respond(fmt, "service_requests", Presenter().items(cases))
    patch_vary_headers(response, ["Authorization"])
    return response


def _file_request(request: HttpRequest, fmt: str) -> HttpResponse:
    params = Params(request)
    client = _client(params, required=True)
    data = RequestInput(
        **{
            name: params.get(name)
            for name in (
                "service_code",
                "lat",
                "long",
                "address_string",
                "address_id",
                "description",
                "media_url",
                "email",
                "first_name",
                "last_name",
                "phone",
                "device_id",
                "account_id",
            )
        },
        attributes=params.attributes(),
    )
    try:
        filed = request_submit(
            client=client, data=data, idempotency_key=request.headers.get("Idempotency-Key", "")
        )
    except UnknownService:
        raise Open311Error(404, _("未找到服务：%(code)s。") % {"code": data.service_code}) from None
    item = {
        "service_request_id": filed.case.number,
        "service_notice": service_notice(filed.case.category),
        "account_id": filed.account_id or None,
    }
    return respond(fmt, "service_requests", [item], status=201 if filed.created else 200)


@csrf_exempt
@endpoint("GET", "HEAD", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _file_request(request, fmt)
    return _list_requests(request, fmt)


@endpoint("GET", "HEAD")
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    params = Params(request)
    user = _bearer_user(request)
    client = _client(params, required=False)
    readable = selectors.requests_readable(user=user, client=client)
    case = selectors.request_by_number(readable, service_request_id)
    if case is None:
        raise Open311Error(404, _("未找到诉求：%(id)s。") % {"id": service_request_id})
    response = respond(fmt, "service_requests", Presenter().items([case]))
    patch_vary_headers(response, ["Authorization"])
    return response


@endpoint("GET", "HEAD")
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    """``GET tokens/{token}``: every service here is ``realtime`` (POST answers the
    ``service_request_id`` at once), so no token is ever issued and none is found."""
    raise Open311Error(
        404,
        _("未找到令牌：%(token)s。本平台的服务均为实时受理，提交时直接返回 service_request_id，不发放令牌。")
        % {"token": token},
    )
