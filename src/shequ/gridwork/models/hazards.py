"""Hazard checks (隐患排查) on checklists, and the findings they raise."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, TimeStamped
from shequ.registry.models import Building, Household, Place

from .common import grid_fk, key_field


class ChecklistTemplate(models.Model):
    """A checklist (fire safety, e-bike charging, escape routes, gas), seeded as data."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering: ClassVar[list[str]] = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.SlugField(_("代码"), max_length=40)
    text = models.CharField(_("检查内容"), max_length=200)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering: ClassVar[list[str]] = ["template__order", "order", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["template", "code"], name="gridwork_item_code"),
        ]

    def __str__(self) -> str:
        return self.text


class HazardCheck(TimeStamped):
    """A check of a place, building or household (or the grid at large) against checklists."""

    key = key_field()
    grid = grid_fk()
    place = models.ForeignKey(
        Place, verbose_name=_("场所"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("住户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("检查地点"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("检查时间"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人"), on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("检查记录"), blank=True)

    class Meta:
        verbose_name = _("隐患排查")
        verbose_name_plural = _("隐患排查")
        ordering: ClassVar[list[str]] = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return _("排查 %(id)s") % {"id": self.pk or "—"}

    def audit_area(self) -> Area:
        return self.grid


class ItemResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NA = "na", _("不适用")


class CheckResult(models.Model):
    check_record = models.ForeignKey(
        HazardCheck, verbose_name=_("排查"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("结果"), max_length=4, choices=ItemResult.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering: ClassVar[list[str]] = ["check_record_id", "item__template__order", "item__order", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["check_record", "item"], name="gridwork_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_result_display()}"


class Severity(models.TextChoices):
    LOW = "low", _("一般")
    MEDIUM = "medium", _("较大")
    HIGH = "high", _("重大")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFIED = "rectified", _("已整改待复核")
    VERIFIED = "verified", _("已复核销号")


class Finding(TimeStamped):
    """隐患: open → rectified → verified (a failed verification sends it back to open)."""

    check_record = models.ForeignKey(
        HazardCheck, verbose_name=_("排查"), on_delete=models.CASCADE, related_name="findings"
    )
    grid = grid_fk()
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("检查项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("隐患描述"))
    severity = models.CharField(_("隐患等级"), max_length=8, choices=Severity.choices, default=Severity.LOW)
    due_on = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rectify_note = models.TextField(_("整改情况"), blank=True)
    verified_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verify_note = models.TextField(_("复核意见"), blank=True)

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering: ClassVar[list[str]] = ["due_on", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "due_on"], name="gridwork_finding_open"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(verified_at__isnull=False),
                name="gridwork_finding_verified",
            ),
        ]

    def __str__(self) -> str:
        return _("隐患 %(id)s") % {"id": self.pk or "—"}

    def audit_area(self) -> Area:
        return self.grid
