"""The rankings: visible cases counted in one aggregate per table, grouped by area or lead unit."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from shequ.core.access import get_or_404, scope, scope_of, subtree_q
from shequ.core.models import Area

from ...models import Case, CaseState, ReviewState, Satisfaction
from ..cases import cases_visible_to
from .figures import (
    ABOVE_STREET,
    COMMUNITY_LEVELS,
    FILTER_LEVELS,
    NONE_KEY,
    STREET_LEVELS,
    Counts,
    Figures,
    Month,
    Ranking,
    Weights,
    weights_for,
)

# --------------------------------------------------------------------------- the querysets


def dispatched_q(month: Month) -> Q:
    return Q(dispatched_at__gte=month.start, dispatched_at__lt=month.end)


def responded_q() -> Q:
    """Accepted and contacted, both no later than the response deadline."""
    return Q(
        accepted_at__isnull=False,
        contacted_at__isnull=False,
        response_due__isnull=False,
        accepted_at__lte=F("response_due"),
        contacted_at__lte=F("response_due"),
    )


def missed_q() -> Q:
    """The exact complement of :func:`responded_q` (spelled out: NULLs never match a comparison)."""
    return (
        Q(accepted_at__isnull=True)
        | Q(contacted_at__isnull=True)
        | Q(response_due__isnull=True)
        | Q(accepted_at__gt=F("response_due"))
        | Q(contacted_at__gt=F("response_due"))
    )


def rated_q(month: Month) -> Q:
    return Q(rated_at__gte=month.start, rated_at__lt=month.end, rating_level__in=Satisfaction.values)


def counted_cases(user: Any, month: Month, area: Area | None = None) -> QuerySet[Case]:
    """Visible cases dispatched or rated in ``month`` (within ``area``), minus excluded and merged ones."""
    qs = (
        cases_visible_to(user)
        .exclude(review_state=ReviewState.EXCLUDED)
        .exclude(state=CaseState.MERGED)
        .filter(dispatched_q(month) | rated_q(month))
    )
    if area is not None:
        qs = qs.filter(subtree_q(area.path, "area"))
    return qs


def _aggregate(qs: QuerySet[Case], month: Month, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    dispatched, rated = dispatched_q(month), rated_q(month)
    return list(
        qs.order_by()
        .values(*fields)
        .annotate(
            dispatched=Count("pk", filter=dispatched),
            responded=Count("pk", filter=dispatched & responded_q()),
            rated=Count("pk", filter=rated),
            resolved=Count("pk", filter=rated & Q(rating_resolved=True)),
            satisfied=Count("pk", filter=rated & Q(rating_level=Satisfaction.SATISFIED)),
            basic=Count("pk", filter=rated & Q(rating_level=Satisfaction.BASIC)),
            dissatisfied=Count("pk", filter=rated & Q(rating_level=Satisfaction.DISSATISFIED)),
        )
    )


def _prefixes(path: str) -> list[str]:
    """``/1/12/305/`` → ``["/1/12/305/", "/1/12/", "/1/"]`` (the nearest first)."""
    ids = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(ids[:n]) + "/" for n in range(len(ids), 0, -1)]


def _ancestor_paths(paths: Iterable[str]) -> list[str]:
    return sorted({p for path in paths for p in _prefixes(path)})


def _candidate_areas(user: Any, area: Area | None, levels: tuple[str, ...]) -> dict[str, Area]:
    """The areas of ``levels`` a case may be grouped under, by path (one query).

    Under a chosen area: its subtree and its ancestors.  Otherwise the viewer's scope and the
    areas above it; a viewer who also sees cases through an organisation gets every such area.
    """
    qs = Area.objects.filter(level__in=levels).only("pk", "name", "path", "level")
    roots: list[str] = []
    if area is not None:
        roots = [area.path]
    else:
        scope_now = scope_of(user)
        if not scope_now.everything and not scope_now.organisation_ids:
            roots = list(scope_now.paths)
            if not roots:
                return {}
    if roots:
        q = Q(path__in=_ancestor_paths(roots))
        for root in roots:
            q |= subtree_q(root)
        qs = qs.filter(q)
    return {a.path: a for a in qs}


def _group_by_area(
    user: Any, month: Month, area: Area | None, levels: tuple[str, ...], weights: Weights
) -> list[Figures]:
    rows = _aggregate(counted_cases(user, month, area), month, ("area__path",))
    candidates = _candidate_areas(user, area, levels) if rows else {}
    buckets: dict[str, Figures] = {}
    for row in rows:
        found = next((candidates[p] for p in _prefixes(row["area__path"]) if p in candidates), None)
        key = str(found.pk) if found is not None else NONE_KEY
        if key not in buckets:
            name = found.name if found is not None else other_label(levels)
            buckets[key] = Figures(
                key=key, name=name, counts=Counts(), weights=weights, area_id=found.pk if found else None
            )
        buckets[key].counts.add(row)
    return list(buckets.values())


def other_label(levels: tuple[str, ...]) -> str:
    if levels == STREET_LEVELS:
        return _("（未落到街道的案件）")
    return _("（未落到社区的案件）")


def unit_key(org_id: int | None, area_id: int | None, name: str) -> str:
    if org_id is not None:
        return f"org:{org_id}"
    if area_id is not None:
        return f"area:{area_id}"
    return f"name:{name}" if name else NONE_KEY


def _group_by_unit(user: Any, month: Month, area: Area | None, weights: Weights) -> list[Figures]:
    fields = ("lead_org_id", "lead_org__name", "lead_area_id", "lead_area__name", "lead_unit")
    buckets: dict[str, Figures] = {}
    for row in _aggregate(counted_cases(user, month, area), month, fields):
        key = unit_key(row["lead_org_id"], row["lead_area_id"], row["lead_unit"] or "")
        if key not in buckets:
            if row["lead_org_id"] is not None:
                name = row["lead_org__name"]
            elif row["lead_area_id"] is not None:
                name = row["lead_unit"] or row["lead_area__name"]
            else:
                name = row["lead_unit"] or _("（未记录主办单位）")
            buckets[key] = Figures(key=key, name=name, counts=Counts(), weights=weights)
        buckets[key].counts.add(row)
    return list(buckets.values())


def rank_rows(rows: list[Figures]) -> list[Figures]:
    """Highest composite first; equal composites share a rank (1, 1, 3); rows without one last, unranked."""
    scored = [r for r in rows if r.composite is not None]
    unscored = [r for r in rows if r.composite is None]
    scored.sort(key=lambda r: (-(r.composite or 0), -r.counts.dispatched, -r.counts.rated, r.name))
    unscored.sort(key=lambda r: (-r.counts.dispatched, r.name))
    previous: Fraction | None = None
    for index, row in enumerate(scored, start=1):
        row.rank = index if row.composite != previous else scored[index - 2].rank
        previous = row.composite
    for row in unscored:
        row.rank = None
    return scored + unscored


def ranking(
    user: Any, *, month: Month, by: str = "street", area: Area | None = None, weights: Weights | None = None
) -> Ranking:
    """The ranking of streets, units or communities for the month, over the cases ``user`` may see.

    ``weights`` defaults to the rules in force for the chosen area (else the viewer's one top
    area, else the platform's), so that every row of a table is scored with the same weights.
    """
    if weights is None:
        weights = weights_for(focus_area(user, area), month)
    if by == "unit":
        rows = _group_by_unit(user, month, area, weights)
    else:
        levels = COMMUNITY_LEVELS if by == "community" else STREET_LEVELS
        rows = _group_by_area(user, month, area, levels, weights)
    total = Figures(key="total", name=_("合计"), counts=Counts(), weights=weights)
    for row in rows:
        total.counts.add(row.counts)
    return Ranking(by=by, month=month, area=area, weights=weights, rows=rank_rows(rows), total=total)


# --------------------------------------------------------------------------- areas


def rates_area(user: Any, area_id: Any) -> Area | None:
    """The area the page is narrowed to: one the viewer covers, else 404 (empty: none)."""
    if area_id in (None, ""):
        return None
    return get_or_404(scope(Area.objects.all(), user, field=""), pk=area_id)


def focus_area(user: Any, area: Area | None) -> Area | None:
    """The chosen area, else the viewer's one top area (None when they cover several or all)."""
    if area is not None:
        return area
    paths = scope_of(user).paths
    if scope_of(user).everything or len(paths) != 1:
        return None
    return Area.objects.filter(path=paths[0]).first()


def filter_areas(user: Any) -> QuerySet[Area]:
    """The districts, zones, streets and towns the viewer may narrow the page to."""
    return scope(Area.objects.filter(level__in=FILTER_LEVELS), user, field="").order_by("path")


def shows_communities(focus: Area | None) -> bool:
    """The community table appears at a street or town (or below, for a community's own staff)."""
    return focus is not None and focus.level not in ABOVE_STREET
