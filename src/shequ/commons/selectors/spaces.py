"""Reads of spaces and bookings, always scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shequ.core.access import area_q, get_or_404, scope
from shequ.core.calendar import TZ, WorkCalendar
from shequ.core.models import Area, Organisation

from ..access import is_staff, resident_space_q, staff_space_q
from ..hours import WEEKDAY_LABELS, is_closed_day, slots_on
from ..models import ACTIVE_BOOKING_STATUSES, Booking, BookingStatus, Space


def spaces_visible_to(user: Any) -> QuerySet[Space]:
    """Staff: spaces in their areas and of their organisations (residents: :func:`spaces_for_resident`)."""
    return Space.objects.filter(staff_space_q(user)).select_related("area", "organisation")


def space_for(user: Any, space_id: Any) -> Space:
    return get_or_404(spaces_visible_to(user), pk=space_id)


def spaces_for_resident(user: Any) -> QuerySet[Space]:
    return Space.objects.filter(resident_space_q(user), is_active=True, allow_residents=True).select_related(
        "area", "organisation"
    )


def resident_space_for(user: Any, space_id: Any) -> Space:
    return get_or_404(spaces_for_resident(user), pk=space_id)


def bookings_visible_to(user: Any) -> QuerySet[Booking]:
    """Staff: bookings of the spaces they reach, and their own; residents: their own."""
    if is_staff(user):
        q = staff_space_q(user, field="area", org_field="space__organisation")
        if q:  # an empty Q (everything) must not be narrowed by the OR below
            q |= Q(booker=user)
    elif getattr(user, "is_authenticated", False):
        q = Q(booker=user)
    else:
        q = Q(pk__in=[])
    return Booking.objects.filter(q).select_related("space", "area", "booker", "organisation")


def booking_for(user: Any, booking_id: Any) -> Booking:
    return get_or_404(bookings_visible_to(user), pk=booking_id)


def own_bookings(user: Any) -> QuerySet[Booking]:
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    return Booking.objects.filter(booker=user).select_related("space", "space__area", "organisation")


def get_own_booking(user: Any, booking_id: Any) -> Booking:
    return get_or_404(own_bookings(user), pk=booking_id)


def booking_list(
    user: Any, *, space_id: int | None = None, status: str | None = None, since: date | None = None
) -> QuerySet[Booking]:
    qs = bookings_visible_to(user)
    if space_id is not None:
        qs = qs.filter(space_id=space_id)
    if status:
        qs = qs.filter(status=status)
    if since is not None:
        qs = qs.filter(starts_at__gte=datetime.combine(since, datetime.min.time(), tzinfo=TZ))
    return qs


def organisations_for_booking(user: Any) -> QuerySet[Organisation]:
    """Organisations a member of staff may book for: their own, or those based in their areas."""
    from shequ.core.access import area_q, scope_of

    if not is_staff(user):
        return Organisation.objects.none()
    scope = scope_of(user)
    q = Q(pk__in=scope.organisation_ids) | area_q(user, "home_area", write=True)
    return Organisation.objects.filter(q, is_active=True).order_by("name")


# --------------------------------------------------------------------------- the week grid


@dataclass(frozen=True)
class Cell:
    starts_at: datetime
    ends_at: datetime
    state: str  # free, taken, mine, mine_pending, past
    booking: Booking | None = None

    @property
    def label(self) -> str:
        return f"{self.starts_at.astimezone(TZ):%H:%M}-{self.ends_at.astimezone(TZ):%H:%M}"

    @property
    def value(self) -> str:
        return self.starts_at.astimezone(TZ).isoformat()


@dataclass(frozen=True)
class Day:
    day: date
    weekday: str
    closed: bool
    holiday: bool
    cells: list[Cell]


def week_grid(space: Space, monday: date, viewer: Any, *, staff_view: bool = False) -> list[Day]:
    """Seven days of slots with their state (one query for the week's bookings)."""
    first = datetime.combine(monday, datetime.min.time(), tzinfo=TZ)
    held = {
        b.starts_at: b
        for b in Booking.objects.filter(
            space=space,
            status__in=ACTIVE_BOOKING_STATUSES,
            starts_at__gte=first,
            starts_at__lt=first + timedelta(days=7),
        ).select_related("booker", "organisation")
    }
    now = timezone.now()
    cal = WorkCalendar({monday.year, (monday + timedelta(days=6)).year})
    viewer_id = getattr(viewer, "pk", None)
    days: list[Day] = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        cells: list[Cell] = []
        for slot in slots_on(space, day, cal):
            booking = held.get(slot.starts_at)
            if booking is not None and booking.booker_id == viewer_id:
                state = "mine_pending" if booking.status == BookingStatus.PENDING else "mine"
            elif booking is not None:
                state = "taken"
            elif slot.starts_at <= now:
                state = "past"
            else:
                state = "free"
            shown = booking if (staff_view or state.startswith("mine")) else None
            cells.append(Cell(slot.starts_at, slot.ends_at, state, shown))
        closed = is_closed_day(space, day, cal)
        days.append(Day(day, str(WEEKDAY_LABELS[day.weekday()]), closed or not cells, closed, cells))
    return days


def owner_areas_for(user: Any) -> QuerySet[Area]:
    """The areas whose spaces ``user`` may manage (current communities, streets and above in scope)."""
    from ..services.spaces import OWNER_LEVELS  # the services import this package

    return scope(
        Area.objects.filter(level__in=OWNER_LEVELS, valid_to__isnull=True), user, field="", write=True
    )


def organisations_for_staff(user: Any) -> QuerySet[Organisation]:
    """Active organisations based in the areas ``user`` covers."""
    return Organisation.objects.filter(area_q(user, "home_area"), is_active=True).order_by("name")


def organisation_by_id(organisation_id: int) -> Organisation | None:
    """An organisation (with its home area) by id, or None; the caller checks what it may do with it."""
    return Organisation.objects.filter(pk=organisation_id).select_related("home_area").first()


def space_owner_choices(space: Space) -> tuple[QuerySet[Area], QuerySet[Organisation]]:
    """The owner area and organisation of ``space`` as the (fixed) choices of its edit form."""
    organisation_ids = [space.organisation_id] if space.organisation_id else []
    return Area.objects.filter(pk=space.area_id), Organisation.objects.filter(pk__in=organisation_ids)
