"""Reads of the Open311 endpoint.

Who reads what:

- **services** (the active appeal categories) are public, as the spec has them;
- **service requests**, anonymously: only cases whose requester agreed to publication
  (``is_public``), in their redacted form (see :mod:`.present`);
- with an ``api_key``: also the cases that application filed itself, still redacted;
- with a staff (or resident) ``Authorization: Bearer`` token of the platform's API: also
  every case :func:`shequ.appeals.selectors.cases_visible_to` gives that user, and those
  in full (exact text, point and address).  ``full_detail`` on each row says which form.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, Exists, F, Max, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Length

from shequ.appeals.models import OPEN_STATES, Case, CaseState, Category
from shequ.appeals.selectors import cases_visible_to
from shequ.core.held import HeldLookups
from shequ.core.models import Area, AreaLevel

from .models import ApiClient

#: What a request row needs to be shown without further queries.
REQUEST_RELATED = (
    "area__parent__parent",
    "category",
    "suggested_category",
    "merged_into",
    "requester",
    "open311_request",
)


def digest_key(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()


# --------------------------------------------------------------------------- client applications


def api_client_by_key(key: str | None) -> ApiClient | None:
    """The active application holding this key (no actor: the key is the caller's identity)."""
    if not key or len(key) > 200:
        return None
    return HELD_CLIENTS.get(digest_key(key))


def _load_client(key_digest: str) -> ApiClient | None:
    found = list(ApiClient.objects.filter(key_digest=key_digest, is_active=True).order_by()[:1])
    return found[0] if found else None


#: Each process holds the applications it found for a few seconds (:mod:`shequ.core.held`).
HELD_CLIENTS = HeldLookups("open311-clients", _load_client, copy.copy)


def api_client_named(name: str) -> ApiClient | None:
    return ApiClient.objects.filter(name=name.strip()).first()


def api_clients() -> QuerySet[ApiClient]:
    return ApiClient.objects.order_by("name")


# --------------------------------------------------------------------------- services


def open_services() -> QuerySet[Category]:
    """Every active appeal category, in catalogue order (public: the spec's service list)."""
    return Category.objects.filter(is_active=True).order_by("order", "code")


def open_service(code: str) -> Category | None:
    """The active category with this code; each process holds those it found for a few seconds."""
    if not code or len(code) > 32:
        return None
    return HELD_SERVICES.get(code)


def _load_service(code: str) -> Category | None:
    found = list(Category.objects.filter(is_active=True, code=code).order_by()[:1])
    return found[0] if found else None


HELD_SERVICES = HeldLookups(
    "open311-services", _load_service, copy.copy, recheck="SHEQU_REFERENCE_RECHECK_SECONDS"
)


@functools.cache
def service_keywords() -> dict[str, list[str]]:
    """The catalogue's keywords of each category (shipped with the appeals classifier)."""
    from shequ.appeals.classifier.data import KEYWORDS_FILE

    try:
        data = json.loads(KEYWORDS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(code): [str(word) for word in words] for code, words in data.items()}


def catalogue_changed_at() -> datetime | None:
    """When the catalogue last changed (discovery's ``changeset``)."""
    value = Category.objects.aggregate(last=Max("updated_at"))["last"]
    return value if isinstance(value, datetime) else None


# --------------------------------------------------------------------------- places


def area_for_address(address: str) -> Area | None:
    """The one grid, community or village an address names (its name inside the address).

    Several communities of the same name are told apart by their street's name; anything
    still ambiguous (or nothing found) is None, and the caller asks for a point.
    """
    text = (address or "").strip()[:200]
    if not text:
        return None
    found = list(
        Area.objects.current()
        .filter(level__in=(AreaLevel.GRID, AreaLevel.COMMUNITY, AreaLevel.VILLAGE))
        .alias(name_length=Length("name"), haystack=Value(text))
        .filter(name_length__gte=3, haystack__contains=F("name"))
        .select_related("parent")
        .order_by("pk")[:50]
    )
    for levels in ((AreaLevel.GRID,), (AreaLevel.COMMUNITY, AreaLevel.VILLAGE)):
        matches = [a for a in found if a.level in levels]
        if len(matches) > 1:
            matches = [a for a in matches if a.parent is not None and a.parent.name in text]
        if len(matches) == 1:
            return matches[0]
    return None


# --------------------------------------------------------------------------- service requests


def requests_readable(*, user: Any = None, client: ApiClient | None = None) -> QuerySet[Case]:
    """The cases this caller may read, each with ``full_detail`` (see the module docstring)."""
    allowed = Q(is_public=True)
    if client is not None:
        allowed |= Q(open311_request__client=client)
    full = cases_visible_to(user) if user is not None else Case.objects.none()
    if user is not None:
        allowed |= Q(Exists(full.filter(pk=OuterRef("pk"))))
        detail: Any = Exists(full.filter(pk=OuterRef("pk")))
    else:
        detail = Value(False, output_field=BooleanField())
    return Case.objects.filter(allowed).annotate(full_detail=detail).select_related(*REQUEST_RELATED)


def status_q(status: str) -> Q:
    """``open`` / ``closed`` as Open311 has them; a merged case follows the case it went into."""
    is_open = Q(state__in=OPEN_STATES) | Q(state=CaseState.MERGED, merged_into__state__in=OPEN_STATES)
    return is_open if status == "open" else ~is_open


def requests_search(
    qs: QuerySet[Case],
    *,
    numbers: list[str],
    codes: list[str],
    start: datetime | None,
    end: datetime | None,
    statuses: list[str],
) -> QuerySet[Case]:
    """The spec's filters; ``numbers`` (service_request_id) overrides all the others."""
    if numbers:
        return qs.filter(number__in=numbers).order_by("-submitted_at", "-id")
    if codes:
        qs = qs.filter(
            Q(category__code__in=codes) | Q(category__isnull=True, suggested_category__code__in=codes)
        )
    if start is not None:
        qs = qs.filter(submitted_at__gte=start)
    if end is not None:
        qs = qs.filter(submitted_at__lte=end)
    wanted = set(statuses)
    if len(wanted) == 1:
        qs = qs.filter(status_q(wanted.pop()))
    return qs.order_by("-submitted_at", "-id")


def request_by_number(qs: QuerySet[Case], number: str) -> Case | None:
    if not number or len(number) > 20:
        return None
    return qs.filter(number=number).first()
