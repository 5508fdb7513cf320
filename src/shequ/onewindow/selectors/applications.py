"""Reads of applications, scoped: staff see those of the areas they serve, residents their own."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shequ.core.access import area_q, get_or_404
from shequ.core.calendar import WorkCalendar, yellow_share

from ..models import (
    OPEN_STATUSES,
    Application,
    ApplicationMaterial,
    Event,
    FollowUpStatus,
    ReturnNotice,
    Status,
)


def applications_visible_to(user: Any) -> QuerySet[Application]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    if getattr(user, "kind", "") == "resident":
        # their own applications, and those made for them at the window or by family
        from ..services.common import person_for_resident

        person = person_for_resident(user)
        mine = Q(resident=user) | Q(person=person) if person is not None else Q(resident=user)
        qs = Application.objects.filter(mine)
    else:
        qs = Application.objects.filter(area_q(user, "area"))
    return qs.select_related("item", "area", "owner", "version")


def application_for(user: Any, application_id: Any) -> Application:
    return get_or_404(applications_visible_to(user), pk=application_id)


def application_list(
    user: Any, *, status: str | None = None, q: str | None = None, open_only: bool = False
) -> QuerySet[Application]:
    qs = applications_visible_to(user).select_related("rating__follow_up")
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    q = (q or "").replace("\x00", "").strip()
    if q:
        qs = qs.filter(Q(number__startswith=q) | Q(applicant_name__contains=q) | Q(item__name__contains=q))
    return qs.order_by("-submitted_at", "-id")


def track(number: str, user: Any, phone_tail: str = "") -> Application | None:
    """Status by number: one's own when signed in; otherwise the number and the phone's last four digits."""
    number = (number or "").strip()
    if not number or len(number) > 24:
        return None
    own = applications_visible_to(user).filter(number=number).first()
    if own is not None:
        return own
    tail = (phone_tail or "").strip()
    if len(tail) != 4 or not tail.isdigit():
        return None
    app = Application.objects.select_related("item", "area").filter(number=number).first()
    if app is None or not app.applicant_phone:
        return None
    return app if app.applicant_phone.plaintext_for_processing().endswith(tail) else None


def detail(app: Application) -> dict[str, Any]:
    """Materials, notices and steps of one application (a fixed number of queries)."""
    materials = list(
        ApplicationMaterial.objects.filter(application=app).select_related(
            "material", "certificate", "reused_from"
        )
    )
    notices = list(
        ReturnNotice.objects.filter(application=app).prefetch_related("materials").select_related("issued_by")
    )
    events = list(Event.objects.filter(application=app).order_by("at", "id"))
    rating = getattr(app, "rating", None) if hasattr(app, "rating") else None
    follow = (
        getattr(rating, "follow_up", None) if rating is not None and hasattr(rating, "follow_up") else None
    )
    return {
        "materials": materials,
        "notices": notices,
        "events": events,
        "rating": rating,
        "follow_up": follow,
    }


class Clock:
    """Time-limit lights for many applications from one calendar load."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        today = timezone.localdate(self.now)
        self.calendar = WorkCalendar(range(today.year - 1, today.year + 2))
        self.yellow = float(yellow_share())

    def working_days(self, start: date, end: date) -> int:
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            count += self.calendar.is_workday(d)
        return count

    def state(self, app: Application) -> str:
        """ "green", "yellow", "red", or "" when no clock runs (not accepted, or decided)."""
        if app.accepted_at is None or app.deadline is None or app.decided_at is not None:
            return ""
        if self.now > app.deadline:
            return "red"
        limit = max(app.version.time_limit_days, 1)
        used = self.working_days(timezone.localdate(app.accepted_at), timezone.localdate(self.now))
        return "yellow" if Decimal(used) / limit >= Decimal(str(self.yellow)) else "green"


def follow_ups_open(user: Any) -> QuerySet[Application]:
    return applications_visible_to(user).filter(
        rating__follow_up__status__in=(FollowUpStatus.OPEN, FollowUpStatus.ANSWERED)
    )


def todo_rows(user: Any, limit: int = 50) -> list[Application]:
    """Open applications and open follow-ups, for the staff to-do list (one query)."""
    if getattr(user, "kind", "") != "staff":
        return []
    qs = (
        applications_visible_to(user)
        .filter(
            Q(
                status__in=(
                    Status.SUBMITTED,
                    Status.RESUBMITTED,
                    Status.ACCEPTED,
                    Status.IN_PROCESS,
                    Status.APPROVED,
                    Status.REJECTED,
                )
            )
            | Q(rating__follow_up__status__in=(FollowUpStatus.OPEN, FollowUpStatus.ANSWERED))
        )
        .select_related("rating__follow_up")
    )
    return list(qs.order_by("deadline", "submitted_at")[:limit])


def colleagues_of(application: Application, user: Any) -> QuerySet[Any]:
    """Active staff on current posts in the application's area, other than ``user`` (for a hand-over)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(kind="staff", is_active=True, posts__area=application.area, posts__is_active=True)
        .exclude(pk=getattr(user, "pk", None) or 0)
        .distinct()
    )


def user_by_id(user_id: Any, *, active_only: bool = False) -> Any:
    """A user to hand an application to, or None; the hand-over service checks who may receive it."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk=user_id)
    return (users.filter(is_active=True) if active_only else users).first()


def material_file_for(user: Any, material_id: Any) -> ApplicationMaterial:
    """An uploaded material of an application ``user`` may read (404 otherwise)."""
    rows = ApplicationMaterial.objects.filter(application__in=applications_visible_to(user)).exclude(file="")
    return get_or_404(rows, pk=material_id)
