"""Reports: applications per item, on-time rate, average working days, ratings; certificates refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from shequ.core.access import area_q, get_or_404

from ..models import BAD_LEVELS, Certificate, CertificateRefusal
from .applications import Clock, applications_visible_to


@dataclass
class ItemRow:
    item_id: int
    item: str
    applications: int = 0
    decided: int = 0
    on_time: int = 0
    working_days_total: int = 0
    rated: int = 0
    rating_total: int = 0
    bad: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None

    @property
    def average_days(self) -> float | None:
        return round(self.working_days_total / self.decided, 1) if self.decided else None

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_total / self.rated, 2) if self.rated else None


def item_report(user: Any, *, start: date | None = None, end: date | None = None) -> list[ItemRow]:
    """One row per item with applications in the user's areas (three queries whatever the size)."""
    qs = applications_visible_to(user)
    if start:
        qs = qs.filter(submitted_at__date__gte=start)
    if end:
        qs = qs.filter(submitted_at__date__lte=end)
    rows: dict[int, ItemRow] = {}
    clock = Clock()
    values = qs.values_list("item_id", "item__name", "accepted_at", "decided_at", "deadline", "rating__level")
    for item_id, name, accepted, decided, deadline, level in values:
        row = rows.setdefault(item_id, ItemRow(item_id=item_id, item=name))
        row.applications += 1
        if accepted and decided:
            row.decided += 1
            row.on_time += bool(deadline and decided <= deadline)
            row.working_days_total += clock.working_days(
                timezone.localdate(accepted), timezone.localdate(decided)
            )
        if level:
            row.rated += 1
            row.rating_total += level
            row.bad += level in BAD_LEVELS
    return sorted(rows.values(), key=lambda r: (-r.applications, r.item))


def certificates_visible_to(user: Any) -> QuerySet[Certificate]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    if getattr(user, "kind", "") == "resident":
        from ..services.common import person_for_resident

        person = person_for_resident(user)
        return (
            Certificate.objects.filter(person=person).select_related("kind", "area")
            if person
            else Certificate.objects.none()
        )
    return Certificate.objects.filter(area_q(user, "area")).select_related("kind", "area", "person")


def certificate_for(user: Any, certificate_id: Any) -> Certificate:
    return get_or_404(certificates_visible_to(user), pk=certificate_id)


def refusals_visible_to(user: Any) -> QuerySet[CertificateRefusal]:
    if getattr(user, "kind", "") != "staff":
        return CertificateRefusal.objects.none()
    return CertificateRefusal.objects.filter(area_q(user, "area")).select_related("kind", "area")


def refusal_counts(user: Any) -> list[dict[str, Any]]:
    """Refused certificate requests by what was asked (the burden-reduction count)."""
    return list(
        refusals_visible_to(user)
        .values("requested")
        .annotate(count=Count("id"))
        .order_by("-count", "requested")
    )
