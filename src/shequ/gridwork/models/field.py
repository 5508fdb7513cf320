"""Patrols with their track, and photos taken in the field."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, TimeStamped

from .common import grid_fk, key_field, latitude_field, longitude_field


class Patrol(TimeStamped):
    """巡查: a grid worker walking their grid; track points are taken only while it is on."""

    key = key_field()
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="+"
    )
    grid = grid_fk()
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    notes = models.TextField(_("巡查记录"), blank=True)
    distance_m = models.PositiveIntegerField(_("巡查距离（米）"), default=0)

    class Meta:
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")
        ordering: ClassVar[list[str]] = ["-started_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(ended_at__isnull=True), name="gridwork_patrol_one_open"
            ),
        ]

    def __str__(self) -> str:
        return _("巡查 %(id)s") % {"id": self.pk or "—"}

    @property
    def is_on(self) -> bool:
        return self.ended_at is None

    def audit_area(self) -> Area:
        return self.grid


class TrackPoint(models.Model):
    """A WGS-84 fix on a patrol. ``key`` is the client's id for the fix (a resend is ignored)."""

    key = key_field()
    patrol = models.ForeignKey(
        Patrol, verbose_name=_("巡查"), on_delete=models.CASCADE, related_name="points"
    )
    at = models.DateTimeField(_("定位时间"))
    lat = models.DecimalField(_("纬度（WGS-84）"), max_digits=9, decimal_places=6)
    lng = models.DecimalField(_("经度（WGS-84）"), max_digits=9, decimal_places=6)
    accuracy = models.FloatField(_("精度（米）"), null=True, blank=True)

    class Meta:
        verbose_name = _("轨迹点")
        verbose_name_plural = _("轨迹点")
        ordering: ClassVar[list[str]] = ["patrol_id", "at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["patrol", "at"], name="gridwork_track_at")
        ]

    def __str__(self) -> str:
        return f"{self.lat},{self.lng}"


def photo_path(instance: Photo, filename: str) -> str:
    taken = instance.taken_at
    return f"gridwork/photos/{taken:%Y/%m}/{filename}"


class Photo(models.Model):
    """A photo taken in the page, watermarked in the browser, re-encoded without metadata here.

    It belongs to exactly one of a visit, a hazard check or a finding (a rectification photo
    also belongs to its finding).
    """

    grid = grid_fk()
    file = models.FileField(_("照片文件"), upload_to=photo_path, max_length=200)
    taken_at = models.DateTimeField(_("拍摄时间"))
    lat = latitude_field()
    lng = longitude_field()
    watermark = models.CharField(_("水印文字"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("宽度"))
    height = models.PositiveIntegerField(_("高度"))
    size = models.PositiveIntegerField(_("文件大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    visit = models.ForeignKey(
        "gridwork.Visit", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    check_record = models.ForeignKey(
        "gridwork.HazardCheck", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    finding = models.ForeignKey(
        "gridwork.Finding", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering: ClassVar[list[str]] = ["taken_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(
                    Q(visit__isnull=False, check_record__isnull=True, finding__isnull=True)
                    | Q(visit__isnull=True, check_record__isnull=False, finding__isnull=True)
                    | Q(visit__isnull=True, check_record__isnull=True, finding__isnull=False)
                ),
                name="gridwork_photo_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return _("照片 %(id)s") % {"id": self.pk or "—"}

    def audit_area(self) -> Area:
        return self.grid
