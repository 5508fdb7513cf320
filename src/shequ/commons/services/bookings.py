"""Booking a slot, deciding on it, cancelling it, recording attendance.

:func:`booking_submit` locks the space row (``select_for_update``; on SQLite the write lock
of the whole database does the same), checks the slot against the opening hours, the
calendar, the booking window, the capacity and the weekly limit, and inserts the booking.
Two parallel submissions for one slot: the second waits for the first's lock, then finds
the slot taken.  Should anything slip past the check, the database's unique index (and the
exclusion constraint on PostgreSQL) refuses the row and the same message is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import can_write, scope_of
from shequ.core.audit import record
from shequ.core.calendar import TZ, WorkCalendar
from shequ.core.models import Organisation

from ..access import ancestor_paths, is_resident, is_staff, manages_space, staff_space_q
from ..hours import WEEKDAY_LABELS, is_closed_day, local, slots_on, week_start
from ..models import ACTIVE_BOOKING_STATUSES, Attendance, BookerKind, Booking, BookingStatus, Space
from . import common as c


def slot_taken() -> str:
    return _("该时段已被预约，请选择其他时段。")


@dataclass(frozen=True)
class Submitted:
    booking: Booking
    created: bool


def _booker_kind(actor: Any, space: Space, organisation: Organisation | None, errors: c.Errors) -> str:
    if is_resident(actor):
        if organisation is not None:
            errors["organisation"] = _("居民不能以单位名义预约。")
        home = actor.home_area
        if home is None or space.area.path not in ancestor_paths(home):
            errors["space"] = _("只能预约本社区及上级区域开放的场地。")
        elif not space.allow_residents:
            errors["space"] = _("该场地不接受居民预约。")
        return BookerKind.RESIDENT
    if not is_staff(actor) or not Space.objects.filter(staff_space_q(actor), pk=space.pk).exists():
        errors["space"] = _("只能预约您服务区域内的场地。")
        return BookerKind.STAFF
    if organisation is not None:
        scope = scope_of(actor)
        acts_for = organisation.pk in scope.organisation_ids or can_write(actor, organisation.home_area)
        if not organisation.is_active or not acts_for:
            errors["organisation"] = _("您不能代表该单位预约。")
        elif not space.allow_organisations:
            errors["organisation"] = _("该场地不接受单位预约。")
        return BookerKind.ORGANISATION
    if not space.allow_staff:
        errors["space"] = _("该场地不接受工作人员预约。")
    return BookerKind.STAFF


def _check_slot(space: Space, starts_at: Any, errors: c.Errors) -> datetime | None:
    """The slot's end when ``starts_at`` is a bookable slot of the space, else an error."""
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        errors["starts_at"] = _("请选择预约时段。")
        return None
    start = local(starts_at)
    now = timezone.now()
    today = timezone.localdate()
    day = start.date()
    if start <= now:
        errors["starts_at"] = _("不能预约已经开始或已经过去的时段。")
        return None
    if day > today + timedelta(days=space.booking_window_days):
        errors["starts_at"] = _("最多只能提前%(n)d天预约。") % {"n": space.booking_window_days}
        return None
    cal = WorkCalendar([day.year])
    if is_closed_day(space, day, cal):
        errors["starts_at"] = _("该日为法定节假日，场地不开放。")
        return None
    slots = slots_on(space, day, cal)
    if not slots:
        errors["starts_at"] = _("该场地%(weekday)s不开放。") % {"weekday": WEEKDAY_LABELS[day.weekday()]}
        return None
    for slot in slots:
        if slot.starts_at == start:
            return slot.ends_at
    errors["starts_at"] = _("所选时间不在开放时段内，请从可预约时段中选择。")
    return None


def _week_count(
    space: Space, actor: Any, kind: str, organisation: Organisation | None, start: datetime
) -> int:
    monday = week_start(local(start).date())
    first = datetime.combine(monday, datetime.min.time(), tzinfo=TZ)
    qs = Booking.objects.filter(
        space=space,
        status__in=ACTIVE_BOOKING_STATUSES,
        starts_at__gte=first,
        starts_at__lt=first + timedelta(days=7),
    )
    if kind == BookerKind.ORGANISATION:
        return qs.filter(organisation=organisation).count()
    return qs.filter(booker=actor, organisation__isnull=True).count()


@transaction.atomic
def booking_submit(
    *,
    actor: Any,
    space: Space,
    starts_at: Any,
    attendees: Any = 1,
    purpose: str = "",
    organisation: Organisation | None = None,
    idempotency_key: str = "",
) -> Submitted:
    """Book one slot. A repeated ``idempotency_key`` returns the first booking unchanged."""
    errors: c.Errors = {}
    key = c.idempotency(errors, idempotency_key)
    c.raise_if(errors)
    space = Space.objects.select_for_update().select_related("area").get(pk=space.pk)
    if key:
        earlier = Booking.objects.filter(booker=actor, idempotency_key=key).first()
        if earlier is not None:
            return Submitted(earlier, False)
    kind = _booker_kind(actor, space, organisation, errors)
    if not space.is_active:
        errors.setdefault("space", _("该场地暂停预约。"))
    purpose = c.text(errors, "purpose", purpose, max_length=200, required=True)
    people = c.number(errors, "attendees", attendees, low=1, high=100000)
    if "attendees" not in errors and people > space.capacity:
        errors["attendees"] = _("人数超过场地容量（最多%(n)d人）。") % {"n": space.capacity}
    ends_at = _check_slot(space, starts_at, errors) if "space" not in errors else None
    if ends_at is not None:
        overlapping = Booking.objects.filter(
            space=space, status__in=ACTIVE_BOOKING_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        if overlapping.exists():
            errors["starts_at"] = slot_taken()
        elif _week_count(space, actor, kind, organisation, starts_at) >= space.max_per_week:
            errors["starts_at"] = _("每周最多预约该场地%(n)d次，本周已约满。") % {"n": space.max_per_week}
    c.raise_if(errors)
    assert ends_at is not None
    status = BookingStatus.PENDING if space.requires_approval else BookingStatus.APPROVED
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                space=space,
                area=space.area,
                booker=actor,
                booker_kind=kind,
                organisation=organisation if kind == BookerKind.ORGANISATION else None,
                starts_at=starts_at,
                ends_at=ends_at,
                attendees=people,
                purpose=purpose,
                status=status,
                idempotency_key=key,
            )
    except IntegrityError as exc:
        if key:
            earlier = Booking.objects.filter(booker=actor, idempotency_key=key).first()
            if earlier is not None:
                return Submitted(earlier, False)
        raise ValidationError({"starts_at": slot_taken()}) from exc
    record(
        actor=actor,
        action="commons.booking.submit",
        obj=booking,
        changes={
            "space": space,
            "starts_at": booking.starts_at,
            "ends_at": booking.ends_at,
            "attendees": people,
            "status": status,
            "booker_kind": kind,
            "organisation": booking.organisation,
        },
    )
    when = f"{local(booking.starts_at):%m月%d日 %H:%M}"
    if status == BookingStatus.PENDING:
        c.notify(
            actor, _("您预约的%(space)s（%(when)s）已提交，等待社区审核。") % {"space": space, "when": when}
        )
    else:
        c.notify(actor, _("您已成功预约%(space)s（%(when)s），请按时使用。") % {"space": space, "when": when})
    return Submitted(booking, True)


def _locked(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("space", "area", "booker").get(pk=booking.pk)


@transaction.atomic
def booking_decide(*, actor: Any, booking: Booking, approve: bool, reason: str = "") -> Booking:
    booking = _locked(booking)
    errors: c.Errors = {}
    if not manages_space(actor, booking.space):
        raise ValidationError({"booking": _("您没有审核该场地预约的权限。")})
    reason = c.text(errors, "reason", reason, max_length=200, required=not approve)
    if booking.status != BookingStatus.PENDING:
        errors["booking"] = _("只有待审核的预约可以审核。")
    c.raise_if(errors)
    booking.status = BookingStatus.APPROVED if approve else BookingStatus.REJECTED
    booking.decided_by = actor
    booking.decided_at = timezone.now()
    booking.decision_reason = reason
    booking.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    record(
        actor=actor,
        action="commons.booking.approve" if approve else "commons.booking.reject",
        obj=booking,
        changes={"status": [BookingStatus.PENDING, booking.status]},
        reason=reason,
    )
    when = f"{local(booking.starts_at):%m月%d日 %H:%M}"
    if approve:
        text = _("您预约的%(space)s（%(when)s）已通过审核。") % {"space": booking.space, "when": when}
    else:
        text = _("您预约的%(space)s（%(when)s）未通过审核：%(reason)s") % {
            "space": booking.space,
            "when": when,
            "reason": reason,
        }
    c.notify(booking.booker, text)
    return booking


@transaction.atomic
def booking_cancel(*, actor: Any, booking: Booking, reason: str = "") -> Booking:
    """The booker cancels before the start; a manager of the space may too, with a reason."""
    booking = _locked(booking)
    errors: c.Errors = {}
    own = booking.booker_id == getattr(actor, "pk", None)
    manager = manages_space(actor, booking.space)
    if not own and not manager:
        raise ValidationError({"booking": _("只能取消自己的预约。")})
    reason = c.text(errors, "reason", reason, max_length=200, required=not own)
    if booking.status not in ACTIVE_BOOKING_STATUSES:
        errors["booking"] = _("该预约已取消或未通过，无需取消。")
    elif booking.starts_at <= timezone.now():
        errors["booking"] = _("预约时段已开始，不能取消。")
    c.raise_if(errors)
    before = booking.status
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at", "updated_at"])
    record(
        actor=actor,
        action="commons.booking.cancel",
        obj=booking,
        changes={"status": [before, booking.status]},
        reason=reason,
    )
    if not own:
        when = f"{local(booking.starts_at):%m月%d日 %H:%M}"
        c.notify(
            booking.booker,
            _("您预约的%(space)s（%(when)s）已被社区取消：%(reason)s")
            % {"space": booking.space, "when": when, "reason": reason},
        )
    return booking


@transaction.atomic
def booking_mark_attendance(*, actor: Any, booking: Booking, attendance: str) -> Booking:
    booking = _locked(booking)
    errors: c.Errors = {}
    if not manages_space(actor, booking.space):
        raise ValidationError({"booking": _("您没有管理该场地的权限。")})
    value = c.choice(errors, "attendance", attendance, Attendance)
    if booking.status != BookingStatus.APPROVED:
        errors["booking"] = _("只有已预约的时段可以登记到场情况。")
    elif booking.starts_at > timezone.now():
        errors["booking"] = _("预约时段开始后才能登记到场情况。")
    c.raise_if(errors)
    before = booking.attendance
    booking.attendance = value
    booking.attendance_by = actor
    booking.save(update_fields=["attendance", "attendance_by", "updated_at"])
    record(
        actor=actor,
        action="commons.booking.attendance",
        obj=booking,
        changes={"attendance": [before, value]},
    )
    return booking
