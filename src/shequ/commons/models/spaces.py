"""Rooms and spaces for many uses (一室多用), and the slots booked in them.

Double booking is impossible in the database: a partial unique index on
``(space, starts_at)`` over the bookings that hold their slot (pending and approved) works
on SQLite and PostgreSQL alike, because a space's slots are fixed (they start at its
opening times, every ``slot_minutes``).  On PostgreSQL the migration
``0002_booking_no_overlap_pg`` adds an exclusion constraint over
``tstzrange(starts_at, ends_at)`` as well, so that even slots of different lengths (after a
space's slot length changed) can never overlap.  The booking service also locks the space
row (``select_for_update``) so that the weekly limit is counted under the same lock.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, Organisation, TimeStamped


class SpaceKind(models.TextChoices):
    SERVICE_ROOM = "service_room", _("服务用房")
    ACTIVITY_ROOM = "activity_room", _("活动室")
    MEETING_ROOM = "meeting_room", _("会议室")
    COURT = "court", _("球场与运动场地")
    LIBRARY = "library", _("图书阅览室")
    INSTITUTION = "institution", _("驻区单位开放设施")
    OTHER = "other", _("其他")


class Space(TimeStamped):
    """A room or space residents, organisations or staff may book by the slot."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=20, choices=SpaceKind.choices, default=SpaceKind.ACTIVITY_ROOM
    )
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="commons_spaces"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("提供单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commons_spaces",
        help_text=_("驻区单位向居民开放的设施填写提供单位，社区自有场地留空。"),
    )
    location = models.CharField(_("位置"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("容纳人数"))
    equipment = models.TextField(_("设施设备"), blank=True)
    photo = models.ImageField(_("照片"), upload_to="commons/spaces/", blank=True)
    opening_hours = models.JSONField(
        _("开放时间"),
        default=list,
        help_text=_("周一至周日每天的开放时段，如 08:30-12:00。"),
    )
    open_on_holidays = models.BooleanField(_("法定节假日开放"), default=False)
    slot_minutes = models.PositiveSmallIntegerField(_("每个时段（分钟）"), default=60)
    requires_approval = models.BooleanField(_("预约需审核"), default=False)
    allow_residents = models.BooleanField(_("居民可预约"), default=True)
    allow_organisations = models.BooleanField(_("社会组织可预约"), default=True)
    allow_staff = models.BooleanField(_("工作人员可预约"), default=True)
    booking_window_days = models.PositiveSmallIntegerField(_("可提前预约天数"), default=14)
    max_per_week = models.PositiveSmallIntegerField(_("每人每周最多预约次数"), default=3)
    is_active = models.BooleanField(_("开放预约"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("场地")
        verbose_name_plural = _("场地")
        ordering: ClassVar[list[str]] = ["area__path", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["area", "name"], name="commons_space_unique_name_in_area"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="commons_space_capacity_positive"),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=15) & Q(slot_minutes__lte=480), name="commons_space_slot_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BookerKind(models.TextChoices):
    RESIDENT = "resident", _("居民")
    ORGANISATION = "organisation", _("社会组织")
    STAFF = "staff", _("工作人员")


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已预约")
    REJECTED = "rejected", _("未通过")
    CANCELLED = "cancelled", _("已取消")


#: Bookings that hold their slot (a pending booking does, until it is decided).
ACTIVE_BOOKING_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)


class Attendance(models.TextChoices):
    UNMARKED = "", _("未登记")
    ATTENDED = "attended", _("已到场")
    NO_SHOW = "no_show", _("未到场")


class Booking(models.Model):
    """One slot of one space, held by a resident, an organisation or a member of staff."""

    space = models.ForeignKey(
        Space, verbose_name=_("场地"), on_delete=models.PROTECT, related_name="bookings"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("预约人"),
        on_delete=models.PROTECT,
        related_name="commons_bookings",
    )
    booker_kind = models.CharField(_("预约身份"), max_length=16, choices=BookerKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("预约单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commons_bookings",
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    attendees = models.PositiveIntegerField(_("人数"), default=1)
    purpose = models.CharField(_("用途"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=BookingStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    attendance = models.CharField(
        _("到场情况"), max_length=16, choices=Attendance.choices, blank=True, default=Attendance.UNMARKED
    )
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("场地预约")
        verbose_name_plural = _("场地预约")
        ordering: ClassVar[list[str]] = ["-starts_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["space", "starts_at"], name="commons_booking_space_time"),
            models.Index(fields=["booker", "starts_at"], name="commons_booking_booker_time"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["space", "starts_at"],
                condition=Q(status__in=["pending", "approved"]),
                name="commons_booking_one_per_slot",
            ),
            models.UniqueConstraint(
                fields=["booker", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="commons_booking_idempotent",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="commons_booking_ordered"),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="commons_booking_attendees_positive"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.space} {local:%Y-%m-%d %H:%M}"

    @property
    def holds_slot(self) -> bool:
        return self.status in ACTIVE_BOOKING_STATUSES

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class ResidentSpace(Space):
    """A space as the resident portal shows it (the same rows).

    Portal pages name it in their scoped-object declaration: a resident reaches the
    spaces of their own community and of the areas above it, while staff reach spaces
    through the console, so the access matrix holds the two audiences to different rules.
    """

    class Meta:
        proxy = True
        verbose_name = _("居民可预约场地")
        verbose_name_plural = _("居民可预约场地")
