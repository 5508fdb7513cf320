"""Reads of cases, scoped to the acting user.

Staff see the cases in the areas they serve and the cases dispatched to their organisation
(as lead or assisting unit); residents see only their own; anyone else sees none.  A case
from outside the reader's scope is a 404.  Anonymous callers open one case only with its
number *and* its access code.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from shequ.core.access import area_q, get_or_404, scope_of
from shequ.core.models import Area, Organisation

from ..models import OPEN_STATES, Case, CaseEvent, CasePhoto, CaseState, CaseUnit, Light
from ..services.common import is_resident, is_staff, token_matches

LIST_RELATED = ("area", "category", "suggested_category", "handling_area", "merged_into")


def cases_visible_to(user: Any) -> QuerySet[Case]:
    if is_resident(user):
        return Case.objects.filter(requester=user)
    if not is_staff(user):
        return Case.objects.none()
    scope = scope_of(user)
    if scope.everything:
        return Case.objects.all()
    q = area_q(user, "area")
    if scope.organisation_ids:
        orgs = list(scope.organisation_ids)
        units = CaseUnit.objects.filter(case=OuterRef("pk"), active=True, organisation_id__in=orgs)
        q |= Q(lead_org_id__in=orgs) | Q(Exists(units))
    return Case.objects.filter(q)


def case_for(user: Any, case_id: Any) -> Case:
    return get_or_404(cases_visible_to(user).select_related(*LIST_RELATED), pk=case_id)


def case_detail(user: Any, case_id: Any) -> Case:
    """One case with what its page shows (events, photos, units, hand-overs, extensions)."""
    qs = (
        cases_visible_to(user)
        .select_related(*LIST_RELATED, "lead_org", "lead_area", "escalation_area", "requester")
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id")),
            "photos",
            Prefetch("units", queryset=CaseUnit.objects.filter(active=True)),
            "handovers",
            "extensions",
            "ratings",
        )
    )
    return get_or_404(qs, pk=case_id)


def case_by_number(number: str, token: str) -> Case | None:
    """A case for someone holding its number and access code (hotline callers, anonymous look-ups)."""
    number = (number or "").strip()[:20]
    token = (token or "").strip()[:40]
    if not number or not token:
        return None
    found = (
        Case.objects.select_related(*LIST_RELATED)
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id")))
        .filter(number=number)
        .first()
    )
    if found is None or not token_matches(found, token):
        return None
    return found


def case_by_grant(number: str) -> Case | None:
    """A case a caller has already opened with its access code or an SMS code (the view checks the
    session's grant); with the same related rows as the resident's page."""
    return (
        Case.objects.select_related(*LIST_RELATED)
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id")), "photos", "ratings"
        )
        .filter(number=(number or "").strip()[:20])
        .first()
    )


QUEUE_STATES = {
    "open": OPEN_STATES,
    "pending": (CaseState.SUBMITTED, CaseState.RETURN_REQUESTED),
    **{s.value: (s.value,) for s in CaseState},
}


def _inside_area_scope(user: Any, path: str) -> bool:
    """Whether every case under ``path`` is visible to ``user`` through the areas they serve."""
    if not is_staff(user):
        return False
    scope = scope_of(user)
    return scope.everything or any(path.startswith(p) for p in scope.paths)


def dispatch_queue(
    user: Any,
    *,
    area_id: int | None = None,
    state: str = "open",
    light: str = "",
    supervised: bool = False,
) -> QuerySet[Case]:
    """The staff queue: visible cases, newest first, filtered by area (subtree), state, light, 督办."""
    qs = cases_visible_to(user).select_related(*LIST_RELATED)
    if area_id is not None:
        from shequ.core.access import subtree_q
        from shequ.core.models import Area

        area = Area.objects.filter(pk=area_id).only("path").first()
        if area is None:
            qs = qs.none()
        elif _inside_area_scope(user, area.path):
            # one subtree predicate instead of the scope's and the filter's together: PostgreSQL
            # misjudges two LIKEs on the same path and sorts a street's whole history
            qs = Case.objects.select_related(*LIST_RELATED).filter(subtree_q(area.path, "area"))
        else:
            qs = qs.filter(subtree_q(area.path, "area"))
    states = QUEUE_STATES.get(state)
    if states is not None:
        qs = qs.filter(state__in=states)
    if light in Light.values:
        qs = qs.filter(light=light)
    if supervised:
        qs = qs.filter(supervised=True)
    return qs.order_by("-submitted_at", "-id")


def queue_filter_areas(user: Any) -> QuerySet[Area]:
    """The areas the queue's filter offers: streets and communities the user serves, and grids only
    for someone whose posts sit on grids (a street's hundred grids would bury its communities).
    Names only: a grid's boundary is large and the list never needs it."""
    from shequ.core.access import areas_visible_to
    from shequ.core.models import AreaLevel

    levels = [AreaLevel.STREET, AreaLevel.TOWN, AreaLevel.COMMUNITY, AreaLevel.VILLAGE]
    posts = user.current_posts() if is_staff(user) else []
    if any(p.area is not None and p.area.level == AreaLevel.GRID for p in posts):
        levels.append(AreaLevel.GRID)
    return areas_visible_to(user).filter(level__in=levels).only("pk", "name", "path").order_by("path")[:300]


def my_cases(user: Any) -> QuerySet[Case]:
    if not is_resident(user):
        return Case.objects.none()
    return Case.objects.filter(requester=user).select_related("category").order_by("-submitted_at", "-id")


#: Where the intake map opens when nothing better is known (the demo city's centre).
DEFAULT_CENTRE = (118.7969, 32.0603)


def map_centre(user: Any) -> tuple[float, float]:
    """Where the intake map opens: the first mapped grid of the home area (residents) or the posts."""
    from shequ.core.access import subtree_q
    from shequ.core.geo.shapes import to_shape
    from shequ.core.models import Area, AreaLevel

    roots: list[str] = []
    home = getattr(user, "home_area", None)
    if home is not None:
        roots.append(home.path)
    roots.extend(scope_of(user).paths)
    grids = Area.objects.current().filter(level=AreaLevel.GRID, boundary__isnull=False)
    for path in roots:
        boundary = grids.filter(subtree_q(path)).order_by("pk").values_list("boundary", flat=True).first()
        shape = to_shape(boundary) if boundary else None
        if shape is not None and not shape.is_empty:
            point = shape.representative_point()
            return (round(point.x, 6), round(point.y, 6))
    return DEFAULT_CENTRE


def intake_area_for(actor: Any, area_id: int) -> Area | None:
    """The area an intake names: staff within their scope; a resident may name any area."""
    from shequ.core.access import areas_visible_to
    from shequ.core.geo.placement import current_grid

    if is_staff(actor):
        return _one_area(areas_visible_to(actor), area_id)
    if is_resident(actor):
        return current_grid(area_id) or _one_area(Area.objects.all(), area_id)
    return None


def _one_area(qs: QuerySet[Area], area_id: int) -> Area | None:
    """The area with its parent (intake files the case with the community), no boundaries."""
    found = list(
        qs.select_related("parent").defer("boundary", "parent__boundary").filter(pk=area_id).order_by()[:1]
    )
    return found[0] if found else None


def dispatch_organisations() -> QuerySet[Organisation]:
    """The units a dispatcher may send a case to (active organisations, by name)."""
    return Organisation.objects.filter(is_active=True).order_by("name")


def case_photos_visible_to(user: Any) -> QuerySet[CasePhoto]:
    """Photos of the cases ``user`` may read."""
    return CasePhoto.objects.filter(case__in=cases_visible_to(user))
