"""Household visits (大走访) and the needs found on them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, TimeStamped
from shequ.registry.models import Household, Person

from .common import grid_fk, key_field


class Visit(TimeStamped):
    """入户走访: a grid worker's visit to a household of their grid."""

    key = key_field()
    grid = grid_fk()
    household = models.ForeignKey(
        Household, verbose_name=_("走访住户"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("接待人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_at = models.DateTimeField(_("走访时间"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("走访情况"))

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        ordering: ClassVar[list[str]] = ["-visited_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["household", "visited_at"], name="gridwork_visit_household"),
        ]

    def __str__(self) -> str:
        return _("走访 %(id)s") % {"id": self.pk or "—"}

    def audit_area(self) -> Area:
        return self.grid


class NeedKind(models.TextChoices):
    ELDERLY_CARE = "elderly_care", _("养老服务")
    ASSISTANCE = "assistance", _("困难救助")
    HEALTH = "health", _("医疗健康")
    EMPLOYMENT = "employment", _("就业创业")
    DISPUTE = "dispute", _("矛盾纠纷")
    ENVIRONMENT = "environment", _("环境卫生")
    FACILITY = "facility", _("设施维修")
    OTHER = "other", _("其他诉求")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    REFERRED = "referred", _("已转办")
    CLOSED = "closed", _("已办结")


class Need(TimeStamped):
    """A need found on a visit; ``need_refer`` turns it into an appeal or a service application."""

    visit = models.ForeignKey(Visit, verbose_name=_("走访"), on_delete=models.CASCADE, related_name="needs")
    grid = grid_fk()
    kind = models.CharField(_("需求类别"), max_length=20, choices=NeedKind.choices)
    description = models.TextField(_("需求描述"))
    status = models.CharField(_("状态"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    referred_target = models.CharField(_("转办去向"), max_length=40, blank=True)
    reference = models.CharField(_("转办编号"), max_length=100, blank=True)
    referred_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("转办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("走访需求")
        verbose_name_plural = _("走访需求")
        ordering: ClassVar[list[str]] = ["visit_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description[:30]}"

    def audit_area(self) -> Area:
        return self.grid
