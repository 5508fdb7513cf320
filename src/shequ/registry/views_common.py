"""What the registry's console pages share: paging, the query string of a filter, write checks."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from shequ.core.access import can_write
from shequ.core.models import Area

PAGE_SIZE = 50


def paged(request: HttpRequest, qs: Any, size: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def query_of(**values: Any) -> str:
    """The filter's query string for the pagination links (empty values left out)."""
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def require_write(user: Any, grid: Area) -> None:
    """A form page that only writers of the record's grid may open (403 for readers; others got 404)."""
    if not can_write(user, grid):
        raise PermissionDenied


def filter_values(form: Any, *names: str) -> tuple[dict[str, Any], int]:
    """The cleaned filter values of a bound GET form (none when unbound), and the status to answer."""
    if not form.is_bound:
        return {}, 200
    if not form.is_valid():
        return {}, 400
    return {name: form.cleaned_data.get(name) for name in names}, 200
