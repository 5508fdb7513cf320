"""Reads of the kernel, always scoped to the acting user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .access import area_q, get_or_404, scope, top_areas
from .models import Area, AreaChange, AreaLevel, AreaQuerySet, JobHeartbeat

STATISTICAL_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.TOWN)


def areas_visible_to(user: Any, *, current_only: bool = True) -> QuerySet[Area]:
    qs = cast(AreaQuerySet, scope(Area.objects.all(), user, field=""))
    if current_only:
        qs = qs.current()
    return qs.select_related("parent", "stat_parent", "successor")


def area_for(user: Any, area_id: Any) -> Area:
    """One area the user covers (closed ones included), else 404."""
    return get_or_404(areas_visible_to(user, current_only=False), pk=area_id)


def area_visible_to(user: Any, area_id: Any) -> Area | None:
    """One area the user covers (closed ones included), else None — whether it exists elsewhere
    or not at all, so that an answer built on this reveals nothing about other areas."""
    return areas_visible_to(user, current_only=False).filter(pk=area_id).first()


def statistical_area(area_id: Any) -> Area | None:
    """A current district, zone or street by id, whoever asks, or None.

    Only for naming a *statistical* parent: the published division tree is public, and a
    statistical parent grants no access (scoping follows the managing parent), so a 江北新区
    admin may name 浦口区 as the statistical parent of a street it manages.
    """
    try:
        return Area.objects.current().filter(pk=int(area_id), level__in=STATISTICAL_LEVELS).first()
    except (TypeError, ValueError):
        return None


def area_choices(user: Any, *, levels: Iterable[str], limit: int = 500) -> list[Area]:
    """Current areas the user covers at ``levels``, in tree order, for a menu (at most ``limit``)."""
    return list(
        Area.objects.current()
        .filter(area_q(user, ""), level__in=list(levels))
        .order_by("path")
        .only("pk", "name", "depth")[:limit]
    )


def area_search(
    user: Any,
    *,
    level: str | None = None,
    parent_id: int | None = None,
    q: str | None = None,
    include_closed: bool = False,
) -> QuerySet[Area]:
    qs = areas_visible_to(user, current_only=not include_closed)
    if level:
        qs = qs.filter(level=level)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    return qs.order_by("path")


def _count_of(model_qs: QuerySet[Any], field: str) -> Coalesce:
    """A correlated ``COUNT`` subquery (no join fan-out when several counts are annotated)."""
    counted = (
        model_qs.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(qs: QuerySet[Area]) -> QuerySet[Area]:
    """Annotate ``n_children`` (current children) and ``n_posts`` (active posts on the area)."""
    from django.apps import apps

    Post = apps.get_model("accounts", "Post")
    today = timezone.localdate()
    return qs.annotate(
        n_children=_count_of(Area.objects.filter(valid_to__isnull=True), "parent"),
        n_posts=_count_of(
            Post.objects.filter(is_active=True).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)),
            "area",
        ),
    )


def area_children(user: Any, area: Area, *, include_closed: bool = False) -> QuerySet[Area]:
    """The children of an area the user already holds (the area itself was fetched scoped)."""
    qs = cast(AreaQuerySet, scope(Area.objects.filter(parent=area), user, field=""))
    if not include_closed:
        qs = qs.current()
    return qs.select_related("parent", "stat_parent").order_by("level", "code", "name")


def tree_roots(user: Any) -> QuerySet[Area]:
    """Where the user's area tree starts: the highest areas they cover."""
    return (
        cast(AreaQuerySet, top_areas(user)).current().select_related("parent", "stat_parent").order_by("path")
    )


def area_history(user: Any, area: Area) -> QuerySet[AreaChange]:
    """The adjustments an area took part in, as source or as result, newest first."""
    ids = AreaChange.objects.filter(Q(sources=area) | Q(results=area)).values("pk")
    return (
        AreaChange.objects.filter(pk__in=ids)
        .select_related("recorded_by")
        .prefetch_related("sources", "results")
        .order_by("-effective_on", "-id")
    )


def area_ancestors(user: Any, area: Area) -> list[tuple[Area, bool]]:
    """The area's managing ancestors, each with whether the user may open it."""
    ancestors = list(Area.objects.filter(pk__in=area.ancestor_ids()).order_by("depth"))
    visible = set(
        scope(Area.objects.filter(pk__in=[a.pk for a in ancestors]), user, field="").values_list(
            "pk", flat=True
        )
    )
    return [(a, a.pk in visible) for a in ancestors]


def job_heartbeat(name: str = "heartbeat") -> JobHeartbeat | None:
    """The last beat of the background jobs (system status, the same for everyone)."""
    return JobHeartbeat.objects.filter(name=name).first()
