"""The access matrix, generated from the routes themselves.

Every URL pattern with a path parameter, and every API operation with one, names the model
its id refers to (``@scoped_object(label, kwarg)`` on a page, ``openapi_extra=
{"x-scoped-model": label}`` on an operation).  For every persona and every such route,
``tests/access_registry.py`` says what must happen: an object of the persona's own area
answers 200 (or, for a persona that may not read such objects, both sides are refused),
and the same kind of object from the sibling area answers 404.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access_registry import ALL_PERSONAS, NOT_OBJECT_ROUTES, REGISTRY, RESIDENT

pytestmark = pytest.mark.django_db

REFUSED = frozenset({403, 404})
DECLARE_HELP = (
    "Declare which model the id names, so the access matrix can test it:\n"
    '  pages:  @scoped_object("app.Model", "<kwarg>") from shequ.core.access on the view\n'
    '  API:    openapi_extra={"x-scoped-model": "app.Model"} on the operation\n'
    "and, for a model not yet in tests/access_registry.py, add a ModelAccess entry there.\n"
    "A route whose parameter is not an object id belongs in NOT_OBJECT_ROUTES instead."
)


@dataclass(frozen=True)
class Route:
    kind: str  # "page" or "api"
    method: str  # the HTTP method (pages: GET, then POST is tried on the sibling)
    template: str  # the URL with {param} placeholders
    params: tuple[str, ...]
    model: str | None
    param: str | None
    action: str  # "view" or "change"
    operation: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"

    def url(self, value: str, others: dict[str, str] | None = None) -> str:
        assert self.param is not None
        url = self.template.replace("{" + self.param + "}", value)
        for name, other in (others or {}).items():
            url = url.replace("{" + name + "}", other)
        return url


# --------------------------------------------------------------------------- discovery


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route, entry


def page_routes() -> tuple[list[Route], list[str]]:
    """Object pages from the URL resolver, and the ones that do not say what they show."""
    routes: list[Route] = []
    undeclared: list[str] = []
    for route, pattern in _walk(get_resolver().url_patterns):
        params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
        regex_groups = re.findall(r"\(\?P<(\w+)>", route)
        if not params and not regex_groups:
            continue
        callback = pattern.callback
        if (getattr(callback, "__module__", "") or "").startswith("ninja."):
            continue  # API operations: checked through the OpenAPI document
        if route.startswith(NOT_OBJECT_ROUTES):
            continue
        declared = getattr(callback, "scoped_model", None) or getattr(
            getattr(callback, "view_class", None), "scoped_model", None
        )
        name = f" (name {pattern.name!r})" if pattern.name else ""
        if regex_groups or not declared:
            undeclared.append(f"page /{route}{name} in {callback.__module__}.{callback.__name__}")
            continue
        model, param = declared
        template = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        action = getattr(callback, "scoped_action", "view")
        routes.append(Route("page", "GET", template, params, model, param, action))
    return routes, undeclared


def api_routes(schema: dict[str, Any]) -> tuple[list[Route], list[str]]:
    routes: list[Route] = []
    undeclared: list[str] = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = tuple(p["name"] for p in operation.get("parameters", []) if p.get("in") == "path")
            if not params:
                continue
            model = operation.get("x-scoped-model")
            param = operation.get("x-scoped-param") or (params[0] if len(params) == 1 else None)
            if not model or param is None:
                undeclared.append(f"API {method.upper()} {path} ({operation.get('operationId', '')})")
                continue
            action = "view" if method == "get" else "change"
            routes.append(Route("api", method.upper(), path, params, model, param, action, operation))
    return routes, undeclared


def _openapi(client: Any) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


# --------------------------------------------------------------------------- request bodies


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def example(schema: dict[str, Any], doc: dict[str, Any]) -> Any:
    """A small value that satisfies ``schema`` (enough for the request to reach the view)."""
    schema = _resolve(schema, doc)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, doc).get("type") != "null"]
            return example(options[0] if options else schema[key][0], doc)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example(part, doc)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            name: example(sub, doc) for name, sub in schema.get("properties", {}).items() if name in required
        }
    if kind == "array":
        return [example(schema.get("items", {}), doc) for _ in range(max(schema.get("minItems", 0), 1))]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if kind == "string":
        formats = {"date": "2026-01-05", "date-time": "2026-01-05T09:00:00+08:00", "email": "a@example.com"}
        if schema.get("format") in formats:
            return formats[schema["format"]]
        return "访问矩阵测试事由"[: max(schema.get("maxLength", 20), 1)].ljust(
            schema.get("minLength", 0), "x"
        )
    return None


def _request(
    client: Any, route: Route, value: str, doc: dict[str, Any], others: dict[str, str] | None = None
) -> Any:
    url = route.url(value, others)
    if route.kind == "page":
        return client.get(url) if route.method == "GET" else client.post(url, {})
    operation = route.operation or {}
    query = {
        p["name"]: example(p.get("schema", {}), doc)
        for p in operation.get("parameters", [])
        if p.get("in") == "query" and p.get("required")
    }
    body = None
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = json.dumps(example(content["application/json"].get("schema", {}), doc))
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query)}"
    return client.generic(route.method, url, data=body or "", content_type="application/json")


# --------------------------------------------------------------------------- the tests


def test_every_route_with_an_id_declares_its_scoped_model(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas["system_admin"])
    _pages, undeclared_pages = page_routes()
    api, undeclared_api = api_routes(_openapi(client))
    undeclared = undeclared_pages + undeclared_api
    assert not undeclared, (
        "These routes take an id but do not declare which model it names:\n  "
        + "\n  ".join(undeclared)
        + "\n\n"
        + DECLARE_HELP
    )
    unknown = sorted({r.model or "" for r in [*_pages, *api] if r.model not in REGISTRY})
    assert not unknown, (
        f"Models without an entry in tests/access_registry.py REGISTRY: {unknown}\n\n{DECLARE_HELP}"
    )
    assert any(r.model == "core.Area" for r in api)
    assert any(r.model == "core.Area" for r in _pages)


def test_undeclared_routes_are_reported(settings: Any) -> None:
    """The discovery itself: a route without a declaration is found, a declared one is not."""
    from django.http import HttpResponse
    from django.urls import path

    from shequ.core.access import scoped_object

    def bare(request: Any, thing_id: int) -> HttpResponse:
        return HttpResponse()

    @scoped_object("core.Area", "area_id")
    def declared(request: Any, area_id: int) -> HttpResponse:
        return HttpResponse()

    module = type("urls", (), {})()
    module.urlpatterns = [path("x/<int:thing_id>/", bare), path("y/<int:area_id>/", declared)]
    import sys

    sys.modules["_matrix_probe_urls"] = module
    settings.ROOT_URLCONF = "_matrix_probe_urls"
    try:
        routes, undeclared = page_routes()
    finally:
        del sys.modules["_matrix_probe_urls"]
    assert [r.template for r in routes] == ["/y/{area_id}/"]
    assert len(undeclared) == 1
    assert "/x/<int:thing_id>/" in undeclared[0]
    _routes, undeclared_api = api_routes(
        {"paths": {"/t/{t_id}": {"get": {"parameters": [{"name": "t_id", "in": "path"}]}}}}
    )
    assert undeclared_api == ["API GET /t/{t_id} ()"]


@pytest.mark.parametrize("role", ALL_PERSONAS)
def test_each_role_reads_its_own_area_and_gets_404_for_the_sibling(
    client: Any, mini: Any, personas: dict[str, Any], role: str
) -> None:
    client.force_login(personas["system_admin"])
    doc = _openapi(client)
    pages, _ = page_routes()
    api, _ = api_routes(doc)
    client.force_login(personas[role])
    failures: list[str] = []
    checked = 0
    for route in [*pages, *api]:
        access = REGISTRY.get(route.model or "")
        if access is None:
            continue  # reported by the declaration test
        obj_a = access.make(mini, personas, "a", role)
        obj_b = access.make(mini, personas, "b", role)
        value_a, value_b = access.path_value(obj_a), access.path_value(obj_b)
        others_a, others_b = access.other_path_values(obj_a), access.other_path_values(obj_b)
        sees_b = access.is_global or role in access.sees_both
        refused = REFUSED | ({302} if route.kind == "page" and role == RESIDENT else set())

        if route.method == "GET":
            allowed = role in (access.change_roles if route.action == "change" else access.read_roles)
            status_a = _request(client, route, value_a, doc, others_a).status_code
            status_b = _request(client, route, value_b, doc, others_b).status_code
            checked += 1
            if status_a == status_b == 405:
                pass  # a page that only takes POST: checked below
            elif allowed:
                if status_a != 200:
                    failures.append(
                        f"{route.label}: own object ({route.model} {value_a}) answered {status_a}, not 200"
                    )
                expected_b = 200 if sees_b else 404
                if status_b != expected_b:
                    failures.append(
                        f"{route.label}: sibling object ({route.model} {value_b}) answered {status_b}, "
                        f"not {expected_b}"
                    )
            elif status_a not in refused or status_b not in refused:
                failures.append(
                    f"{route.label}: this role may not {'change' if route.action == 'change' else 'read'} "
                    f"{route.model} but got {status_a} (own) and {status_b} (sibling); both must be refused "
                    "(403 or 404)"
                )
            if route.kind == "page" and not sees_b:
                # whatever a page does on POST, the sibling's id must not reach it
                status = client.post(route.url(value_b, others_b), {}).status_code
                if status not in refused | {405}:
                    failures.append(f"POST {route.template}: sibling object answered {status}, not 404")
            continue

        # write operations: the sibling's object is never found; a role that may not change is refused
        checked += 1
        may_change = role in access.change_roles
        if not sees_b:
            status_b = _request(client, route, value_b, doc, others_b).status_code
            expected = {404} if may_change else REFUSED
            if status_b not in expected:
                failures.append(f"{route.label}: sibling object answered {status_b}, not {sorted(expected)}")
        if not may_change:
            status_a = _request(client, route, value_a, doc, others_a).status_code
            if not 400 <= status_a < 500:
                failures.append(
                    f"{route.label}: a role that may not change {route.model} got {status_a} on its own"
                )
    assert checked, "no scoped routes found"
    assert not failures, f"persona {str(role)!r}:\n  " + "\n  ".join(failures)
