"""The working-day calendar and the deadline clock (Asia/Shanghai).

A day is a working day Monday to Friday unless the calendar marks it a public holiday, and a
Saturday or Sunday is one when the calendar marks it a make-up working day (调休上班).  A year
without any calendar rows falls back to plain Monday–Friday (the console warns about it).

Office hours are the rule records ``office_hours.morning`` and ``office_hours.afternoon``
(minutes after midnight, per area).  Every function takes and returns timezone-aware
datetimes; the calendar rows come from the process's copy of the table (:mod:`.refdata`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import record, record_batch
from .models import Area, CalendarDay, DayKind
from .refdata import mark_stale, special_days
from .rule_catalog import CATALOG
from .rules import rule_values

TZ = ZoneInfo("Asia/Shanghai")
PERMISSION = "core.manage_calendar"
OFFICE_KEYS = ("office_hours.morning", "office_hours.afternoon")
YELLOW_KEY = "deadline.yellow_share"
#: No deadline computation walks further than this many days.
MAX_DAYS = 3660


# --------------------------------------------------------------------------- the calendar


class WorkCalendar:
    """The calendar rows for a computation: the process's copy of every row (:mod:`.refdata`),
    taken once, when the first day is asked about (or at once when ``years`` are named)."""

    def __init__(self, years: Iterable[int] = ()) -> None:
        self._days: dict[date, str] | None = None
        self._configured: set[int] = set()
        if years:
            self.load()

    def load(self) -> dict[date, str]:
        if self._days is None:
            self._days = special_days()
            self._configured = {d.year for d in self._days}
        return self._days

    def kind(self, d: date) -> str | None:
        return self.load().get(d)

    def configured(self, year: int) -> bool:
        self.load()
        return year in self._configured

    def is_workday(self, d: date) -> bool:
        kind = self.kind(d)
        if kind == DayKind.HOLIDAY:
            return False
        if kind == DayKind.WORKDAY:
            return True
        return d.weekday() < 5

    def next_workday(self, d: date) -> date:
        for _i in range(MAX_DAYS):
            d += timedelta(days=1)
            if self.is_workday(d):
                return d
        raise ValueError("no working day within range")

    def add_working_days(self, d: date, n: int) -> date:
        if n < 0:
            raise ValueError("n must not be negative")
        for _i in range(n):
            d = self.next_workday(d)
        return d


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware datetime")
    return moment.astimezone(TZ)


def local_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return _aware(moment).date()
    return moment


def is_workday(d: date | datetime) -> bool:
    day = local_date(d)
    return WorkCalendar([day.year]).is_workday(day)


def next_workday(d: date | datetime) -> date:
    """The first working day strictly after ``d``."""
    day = local_date(d)
    return WorkCalendar([day.year]).next_workday(day)


def add_working_days(moment: datetime | date, n: int) -> date:
    """The date of the ``n``-th working day after the moment's local date (``n`` = 0: that date)."""
    day = local_date(moment)
    return WorkCalendar([day.year]).add_working_days(day, n)


def working_days_between(start: date | datetime, end: date | datetime) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``)."""
    a, b = local_date(start), local_date(end)
    if b <= a:
        return 0
    cal = WorkCalendar(range(a.year, b.year + 1))
    count = 0
    d = a
    while d < b:
        d += timedelta(days=1)
        count += cal.is_workday(d)
    return count


# --------------------------------------------------------------------------- office hours


def _minutes_to_time(minutes: Decimal) -> time:
    m = int(minutes)
    if m >= 1440:
        return time(23, 59, 59)
    return time(m // 60, m % 60)


def office_windows(area: Area | int | None = None, on: date | None = None) -> list[tuple[time, time]]:
    """Office hours for the area on the date, e.g. [(08:30, 12:00), (14:00, 17:30)].

    Read from the rule records; the catalog default applies to a key without any record.
    """
    found = rule_values(OFFICE_KEYS, area, on)
    windows: list[tuple[time, time]] = []
    for key in OFFICE_KEYS:
        if key in found:
            lo, hi = found[key].value, found[key].value_max
        else:
            lo, hi = CATALOG[key].default, CATALOG[key].default_max
        if hi is None or hi <= lo:
            continue
        windows.append((_minutes_to_time(lo), _minutes_to_time(hi)))
    windows.sort()
    return windows


def working_days_deadline(moment: datetime | date, n: int, *, area: Area | int | None = None) -> datetime:
    """The close of office hours on the ``n``-th working day after the moment (aware)."""
    day = add_working_days(moment, n)
    windows = office_windows(area, day)
    close = windows[-1][1] if windows else time(23, 59, 59)
    return datetime.combine(day, close, tzinfo=TZ)


def _hours(hours: Any) -> timedelta:
    seconds = Decimal(str(hours)) * 3600
    if seconds < 0:
        raise ValueError("hours must not be negative")
    return timedelta(seconds=float(seconds))


def add_working_hours(moment: datetime, hours: Any, *, area: Area | int | None = None) -> datetime:
    """The moment after ``hours`` of office time have passed, counting only working days."""
    start = _aware(moment)
    remaining = _hours(hours)
    if not remaining:
        return start
    windows = office_windows(area, start.date())
    if not windows:
        raise ValueError("no office hours configured")
    cal = WorkCalendar([start.year])
    day, cursor = start.date(), start
    for _i in range(MAX_DAYS):
        if cal.is_workday(day):
            for opens, closes in windows:
                w_start = datetime.combine(day, opens, tzinfo=TZ)
                w_end = datetime.combine(day, closes, tzinfo=TZ)
                if cursor >= w_end:
                    continue
                begin = max(cursor, w_start)
                available = w_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0), tzinfo=TZ)
    raise ValueError("deadline beyond range")


def add_hours(moment: datetime, hours: Any) -> datetime:
    """Natural hours (around the clock, holidays included)."""
    return _aware(moment) + _hours(hours)


def _working_time(
    cal: WorkCalendar, windows: list[tuple[time, time]], start: datetime, end: datetime
) -> timedelta:
    total = timedelta(0)
    if end <= start:
        return total
    day = start.date()
    last = end.date()
    while day <= last:
        if cal.is_workday(day):
            for opens, closes in windows:
                a = max(start, datetime.combine(day, opens, tzinfo=TZ))
                b = min(end, datetime.combine(day, closes, tzinfo=TZ))
                if b > a:
                    total += b - a
        day += timedelta(days=1)
    return total


def working_time_between(start: datetime, end: datetime, *, area: Area | int | None = None) -> timedelta:
    """Office time between two moments on working days."""
    s, e = _aware(start), _aware(end)
    cal = WorkCalendar(range(s.year, max(s.year, e.year) + 1))
    return _working_time(cal, office_windows(area, s.date()), s, e)


def elapsed_fraction(
    start: datetime, deadline: datetime, now: datetime, *, working: bool, area: Area | int | None = None
) -> float:
    """The share of the allowed time used (above 1 when overdue); office time when ``working``."""
    s, d, n = _aware(start), _aware(deadline), _aware(now)
    if working:
        last = max(d, n)
        cal = WorkCalendar(range(s.year, max(s.year, last.year) + 1))
        windows = office_windows(area, s.date())
        allowed = _working_time(cal, windows, s, d)
        used = _working_time(cal, windows, s, n)
    else:
        allowed = d - s
        used = max(n - s, timedelta(0))
    if allowed <= timedelta(0):
        return 1.0 if n >= d else 0.0
    return used / allowed


def yellow_share(area: Area | int | None = None, on: date | None = None) -> Decimal:
    found = rule_values((YELLOW_KEY,), area, on)
    return found[YELLOW_KEY].value if YELLOW_KEY in found else CATALOG[YELLOW_KEY].default


def deadline_state(
    start: datetime,
    deadline: datetime,
    now: datetime,
    *,
    yellow_at: float | Decimal | None = None,
    working: bool = False,
    area: Area | int | None = None,
) -> str:
    """ "green", "yellow" (the used share reached ``yellow_at``) or "red" (past the deadline)."""
    if _aware(now) > _aware(deadline):
        return "red"
    threshold = float(yellow_at if yellow_at is not None else yellow_share(area))
    fraction = elapsed_fraction(start, deadline, now, working=working, area=area)
    return "yellow" if fraction >= threshold else "green"


# --------------------------------------------------------------------------- reading the table


@dataclass(frozen=True)
class YearCalendar:
    year: int
    days: list[CalendarDay]

    @property
    def configured(self) -> bool:
        return bool(self.days)

    @property
    def holidays(self) -> list[CalendarDay]:
        return [d for d in self.days if d.kind == DayKind.HOLIDAY]

    @property
    def workdays(self) -> list[CalendarDay]:
        return [d for d in self.days if d.kind == DayKind.WORKDAY]


def year_calendar(year: int) -> YearCalendar:
    return YearCalendar(year, list(CalendarDay.objects.filter(date__year=year).order_by("date")))


def year_is_configured(year: int) -> bool:
    return CalendarDay.objects.filter(date__year=year).exists()


def calendar_day_get(day: date) -> CalendarDay | None:
    """The calendar record of ``day`` (a holiday or a make-up working day), or None.

    The calendar is national, the same for every user, so this read needs no scope.
    """
    return CalendarDay.objects.filter(date=day).first()


# --------------------------------------------------------------------------- writing


def _check_permission(actor: Any) -> None:
    if actor is None or not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("没有维护节假日日历的权限。"))


@transaction.atomic
def calendar_day_set(
    *, actor: Any, day: date, kind: str, name: str = "", source: str = "", reason: str = ""
) -> CalendarDay:
    """Mark a date as a holiday or a make-up working day (create or change). One audit entry."""
    _check_permission(actor)
    errors: dict[str, str] = {}
    name, source = (name or "").strip(), (source or "").strip()
    if not isinstance(day, date):
        errors["date"] = _("请填写日期。")
    if kind not in DayKind.values:
        errors["kind"] = _("请选择“法定节假日”或“调休上班”。")
    elif isinstance(day, date) and kind == DayKind.WORKDAY and day.weekday() < 5:
        errors["kind"] = _("调休上班日应为周六或周日；工作日本来就上班。")
    if len(name) > 50:
        errors["name"] = _("名称不能超过50个字符。")
    if len(source) > 200:
        errors["source"] = _("依据不能超过200个字符。")
    if errors:
        raise ValidationError(errors)
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    if existing is None:
        obj = CalendarDay.objects.create(date=day, kind=kind, name=name, source=source)
        changes: dict[str, Any] = {"date": day, "kind": kind, "name": name, "source": source}
        action = "calendar.add"
    else:
        before = {"kind": existing.kind, "name": existing.name, "source": existing.source}
        existing.kind, existing.name, existing.source = kind, name, source
        existing.save(update_fields=["kind", "name", "source"])
        obj = existing
        changes = {k: [before[k], getattr(existing, k)] for k in before if before[k] != getattr(existing, k)}
        action = "calendar.change"
    record(actor=actor, action=action, obj=obj, changes=changes, reason=reason)
    return obj


@transaction.atomic
def calendar_day_remove(*, actor: Any, day: date, reason: str = "") -> None:
    """Return a date to the plain Monday–Friday rule. One audit entry."""
    _check_permission(actor)
    obj = CalendarDay.objects.select_for_update().filter(date=day).first()
    if obj is None:
        raise ValidationError({"date": _("%(day)s不在日历中。") % {"day": day.isoformat()}})
    changes = {"date": obj.date, "kind": obj.kind, "name": obj.name, "source": obj.source}
    record(actor=actor, action="calendar.remove", obj=obj, changes=changes, reason=reason)
    obj.delete()


# --------------------------------------------------------------------------- the State Council calendars

NOTICE_2025 = "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）"
NOTICE_2026 = "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）"

#: (source, holidays as (name, first, last), make-up working days as (name, date)).
STATE_COUNCIL_CALENDARS: tuple[
    tuple[str, tuple[tuple[str, date, date], ...], tuple[tuple[str, date], ...]], ...
] = (
    (
        NOTICE_2025,
        (
            ("元旦", date(2025, 1, 1), date(2025, 1, 1)),
            ("春节", date(2025, 1, 28), date(2025, 2, 4)),
            ("清明节", date(2025, 4, 4), date(2025, 4, 6)),
            ("劳动节", date(2025, 5, 1), date(2025, 5, 5)),
            ("端午节", date(2025, 5, 31), date(2025, 6, 2)),
            ("国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8)),
        ),
        (
            ("春节调休上班", date(2025, 1, 26)),
            ("春节调休上班", date(2025, 2, 8)),
            ("劳动节调休上班", date(2025, 4, 27)),
            ("国庆节、中秋节调休上班", date(2025, 9, 28)),
            ("国庆节、中秋节调休上班", date(2025, 10, 11)),
        ),
    ),
    (
        NOTICE_2026,
        (
            ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
            ("春节", date(2026, 2, 15), date(2026, 2, 23)),
            ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
            ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
            ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
            ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
            ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
        ),
        (
            ("元旦调休上班", date(2026, 1, 4)),
            ("春节调休上班", date(2026, 2, 14)),
            ("春节调休上班", date(2026, 2, 28)),
            ("劳动节调休上班", date(2026, 5, 9)),
            ("国庆节调休上班", date(2026, 9, 20)),
            ("国庆节调休上班", date(2026, 10, 10)),
        ),
    ),
)


def state_council_rows() -> list[tuple[date, str, str, str]]:
    """(date, kind, name, source) for every day the bundled notices set."""
    rows: list[tuple[date, str, str, str]] = []
    for source, holidays, workdays in STATE_COUNCIL_CALENDARS:
        for name, first, last in holidays:
            d = first
            while d <= last:
                rows.append((d, DayKind.HOLIDAY.value, name, source))
                d += timedelta(days=1)
        for name, d in workdays:
            rows.append((d, DayKind.WORKDAY.value, name, source))
    return sorted(rows)


@transaction.atomic
def seed_calendar(*, audit: bool = True) -> int:
    """Add the bundled notices' days that are missing (idempotent; edited days are kept).

    One audit entry names the rows it wrote (``audit=False`` for test fixtures re-adding them).
    """
    rows = state_council_rows()
    have = set(CalendarDay.objects.filter(date__in=[r[0] for r in rows]).values_list("date", flat=True))
    created = [
        CalendarDay(date=d, kind=kind, name=name, source=source)
        for d, kind, name, source in rows
        if d not in have
    ]
    CalendarDay.objects.bulk_create(created)
    if created:
        mark_stale()  # bulk_create sends no signal
        transaction.on_commit(mark_stale)
    if created and audit:
        ids = list(
            CalendarDay.objects.filter(date__in=[c.date for c in created]).values_list("pk", flat=True)
        )
        record_batch(
            actor=None, action="calendar.seed", object_type="core.calendarday", object_ids=ids, area=None
        )
    return len(created)
