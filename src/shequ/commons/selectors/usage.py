"""Usage statistics per space and month: bookings, hours booked against bookable hours, attendance.

Definitions (the console page and the export say the same):
- *bookings*: approved bookings whose slot starts in the month; pending, cancelled and
  rejected ones are counted apart;
- *hours booked*: the approved bookings' hours; *open hours*: the hours of every bookable
  slot of the month (public holidays closed unless the space opens on them);
- *utilisation*: hours booked ÷ open hours;
- *attendance*: of the approved bookings already started, those marked attended, no-show
  or not yet marked; the attendance rate is attended ÷ (attended + no-show).
"""

from __future__ import annotations

import calendar as pycal
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shequ.core.calendar import TZ, WorkCalendar

from ..hours import slots_on
from ..models import Attendance, Booking, BookingStatus, Space


@dataclass
class Usage:
    space: Space
    month: date
    bookings: int = 0
    pending: int = 0
    cancelled: int = 0
    rejected: int = 0
    hours_booked: Decimal = Decimal(0)
    open_hours: Decimal = Decimal(0)
    attended: int = 0
    no_show: int = 0
    unmarked: int = 0
    people: int = 0
    _seconds: float = field(default=0.0, repr=False)

    @property
    def utilisation(self) -> Decimal | None:
        """Hours booked ÷ open hours (a fraction, 4 places), None for a month without open hours."""
        if not self.open_hours:
            return None
        return (self.hours_booked / self.open_hours).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def utilisation_percent(self) -> str:
        if not self.open_hours:
            return "—"
        return _percent(self.hours_booked / self.open_hours)

    @property
    def attendance_rate(self) -> Decimal | None:
        marked = self.attended + self.no_show
        if not marked:
            return None
        return (Decimal(self.attended) / Decimal(marked)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def attendance_percent(self) -> str:
        marked = self.attended + self.no_show
        return _percent(Decimal(self.attended) / Decimal(marked)) if marked else "—"


def _percent(ratio: Decimal) -> str:
    """One decimal place, rounded once from the exact ratio (4/63 → 6.3%, not 6.4%)."""
    return f"{(ratio * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    last = first.replace(day=pycal.monthrange(first.year, first.month)[1])
    return first, last


def _hours(seconds: float) -> Decimal:
    return (Decimal(str(seconds)) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def usage_for(spaces: QuerySet[Space] | list[Space], month: date) -> list[Usage]:
    """One :class:`Usage` per space for ``month`` (two queries whatever the number of spaces)."""
    spaces = list(spaces)
    first, last = month_bounds(month)
    start = datetime.combine(first, datetime.min.time(), tzinfo=TZ)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    rows = Booking.objects.filter(space__in=spaces, starts_at__gte=start, starts_at__lt=end).values_list(
        "space_id", "status", "attendance", "starts_at", "ends_at", "attendees"
    )
    result = {s.pk: Usage(space=s, month=first) for s in spaces}
    seconds: dict[int, float] = defaultdict(float)
    now = timezone.now()
    for space_id, status, attendance, starts_at, ends_at, attendees in rows:
        usage = result[space_id]
        if status == BookingStatus.APPROVED:
            usage.bookings += 1
            usage.people += attendees
            seconds[space_id] += (ends_at - starts_at).total_seconds()
            if starts_at <= now:
                if attendance == Attendance.ATTENDED:
                    usage.attended += 1
                elif attendance == Attendance.NO_SHOW:
                    usage.no_show += 1
                else:
                    usage.unmarked += 1
        elif status == BookingStatus.PENDING:
            usage.pending += 1
        elif status == BookingStatus.CANCELLED:
            usage.cancelled += 1
        elif status == BookingStatus.REJECTED:
            usage.rejected += 1
    cal = WorkCalendar([first.year])
    for space in spaces:
        usage = result[space.pk]
        usage.hours_booked = _hours(seconds[space.pk])
        open_seconds = 0.0
        day = first
        while day <= last:
            open_seconds += sum((s.ends_at - s.starts_at).total_seconds() for s in slots_on(space, day, cal))
            day += timedelta(days=1)
        usage.open_hours = _hours(open_seconds)
    return [result[s.pk] for s in spaces]


def parse_month(value: Any, default: date | None = None) -> date | None:
    """``2026-11`` → 2026-11-01; None when unreadable."""
    if value in (None, ""):
        return (default or timezone.localdate()).replace(day=1)
    try:
        year, month = str(value).split("-")
        return date(int(year), int(month), 1)
    except (ValueError, TypeError):
        return None
