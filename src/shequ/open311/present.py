"""Categories and cases in Open311's shape.

A case is shown in one of two forms:

- **public** (anonymous callers and client applications): the text through
  :func:`.redact.redact` (the requester's own name, other names, phone, ID numbers,
  e-mail addresses and exact addresses removed), the point moved to a representative point
  of the case's grid (or community), the address reduced to the community and street names,
  the result of handling redacted as well, and nothing of a merge but the fact;
- **full** (a platform user whose scope covers the case): the text as filed, the exact
  point and address, and the ``media_url`` the client application sent.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shequ.appeals.models import OPEN_STATES, Case, CaseState, Category
from shequ.core.geo.shapes import to_shape
from shequ.core.models import Area, AreaLevel

from .definitions import attributes_of, group_of
from .params import w3c
from .redact import redact
from .services import DESCRIPTION_MAX

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: The address levels a public address names (most specific first).
PUBLIC_LEVELS = (AreaLevel.COMMUNITY, AreaLevel.VILLAGE, AreaLevel.STREET, AreaLevel.TOWN)
#: Decimal places of a public point (about 10 m; the point is the grid's, not the case's).
PUBLIC_DIGITS = 5


# --------------------------------------------------------------------------- services


def service_notice(category: Category | None) -> str | None:
    if category is None:
        return None
    return _("诉求受理后%(response)d小时内响应，%(resolve)d小时内办结。") % {
        "response": category.response_hours,
        "resolve": category.resolve_hours,
    }


def service_item(category: Category, keywords: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _("责任单位：%(unit)s。") % {"unit": category.responsible_unit}
        + (service_notice(category) or ""),
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(keywords.get(category.code, [])) or None,
        "group": group_of(category),
    }


def service_definition(category: Category) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": attributes_of(category)}


# --------------------------------------------------------------------------- requests


class Presenter:
    """Turns cases into request items, caching each area's public point."""

    def __init__(self) -> None:
        self._points: dict[int, tuple[float, float] | None] = {}

    def _point_of(self, area: Area) -> tuple[float, float] | None:
        if area.pk not in self._points:
            shape = to_shape(area.boundary)
            if shape is None:
                self._points[area.pk] = None
            else:
                point = shape.representative_point()
                self._points[area.pk] = (round(point.y, PUBLIC_DIGITS), round(point.x, PUBLIC_DIGITS))
        return self._points[area.pk]

    @staticmethod
    def _chain(area: Area) -> list[Area]:
        chain: list[Area] = []
        node: Area | None = area
        while node is not None:
            chain.append(node)
            if len(chain) == 3:  # grid, community, street: what the list query selected
                break
            node = node.parent if node.parent_id is not None else None
        return chain

    def _public_point(self, case: Case) -> tuple[float, float] | None:
        for area in self._chain(case.area):
            point = self._point_of(area)
            if point is not None:
                return point
        return None

    def _places(self, case: Case) -> str:
        return "，".join(a.name for a in self._chain(case.area) if a.level in PUBLIC_LEVELS)

    @staticmethod
    def _status(case: Case) -> str:
        state = case.state
        if state == CaseState.MERGED and case.merged_into is not None:
            state = case.merged_into.state
        return "open" if state in OPEN_STATES else "closed"

    @staticmethod
    def _names(case: Case) -> list[str]:
        names = []
        if case.requester_name:
            names.append(case.requester_name.plaintext_for_processing())
        requester = case.requester
        if requester is not None and requester.display_name:
            names.append(requester.display_name)
        return names

    def _notes(self, case: Case, full: bool, names: list[str]) -> str:
        if case.state == CaseState.MERGED:
            return _("已与反映同一问题的诉求合并办理。")
        label = str(case.get_state_display())
        result = (case.result or "").strip()
        if case.state == CaseState.CLOSED and result:
            shown = result if full else redact(result, names=names)
            return f"{label}：{shown[:1000]}"
        return label

    def item(self, case: Case, *, full: bool) -> dict[str, Any]:
        category = case.category or case.suggested_category
        names = [] if full else self._names(case)
        text = case.text if full else redact(case.text, names=names)
        places = self._places(case)
        if full:
            address = "，".join(part for part in (case.address, places) if part) or None
            point = (case.lat, case.lng) if case.has_point else self._public_point(case)
        else:
            address = places or None
            point = self._public_point(case)
        closed = self._status(case) == "closed"
        link = getattr(case, "open311_request", None)
        return {
            "service_request_id": case.number,
            "status": "closed" if closed else "open",
            "status_notes": self._notes(case, full, names),
            "service_name": category.name if category else None,
            "service_code": category.code if category else "",
            "description": text[:DESCRIPTION_MAX],
            "agency_responsible": case.lead_unit or None,
            "service_notice": service_notice(category),
            "requested_datetime": w3c(case.submitted_at),
            "updated_datetime": w3c(case.closed_at if closed and case.closed_at else case.updated_at),
            "expected_datetime": None if closed else w3c(case.resolve_due),
            "address": address,
            "address_id": None,
            "zipcode": None,
            "lat": point[0] if point else None,
            "long": point[1] if point else None,
            "media_url": (link.media_url or None) if full and link is not None else None,
        }

    def items(self, cases: Any) -> list[dict[str, Any]]:
        return [self.item(case, full=bool(getattr(case, "full_detail", False))) for case in cases]
