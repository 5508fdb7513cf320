"""The outbox's pages live in this package (``templates/`` beside this file).

They are compiled by the project's Django template engine, so they extend the portal's
base template and get the usual context processors, without an app-level templates folder.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import engines

FOLDER = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=8)
def _template(name: str) -> Any:
    return engines["django"].from_string((FOLDER / name).read_text(encoding="utf-8"))


def render_page(request: HttpRequest, name: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(_template(name).render(context, request), status=status)
