"""Appeal categories (data, editable by admins) and the dispatch classifier's examples and versions.

Cases (:mod:`.cases`) point at :class:`Category`; dispatch names the actual unit with
:func:`shequ.appeals.units.unit_for` and calls
:func:`shequ.appeals.services.record_dispatch_label` when a dispatcher confirms or corrects
the suggested category.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.models import TimeStamped

#: The longest appeal text the classifier (and intake) accepts.
MAX_TEXT_LENGTH = 10_000


class UnitLevel(models.TextChoices):
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")
    STREET = "street", _("街道（镇）级")
    COMMUNITY = "community", _("社区（村）级")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class EmergencyLine(models.TextChoices):
    NONE = "", _("无")
    POLICE = "110", _("110 报警")
    FIRE = "119", _("119 火警")
    AMBULANCE = "120", _("120 急救")
    LIFT = "96333", _("96333 电梯应急")


class Category(TimeStamped):
    """One appeal category: what it is, who handles it, how fast."""

    code = models.CharField(_("分类代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    responsible_unit = models.CharField(
        _("责任单位（通用名）"),
        max_length=60,
        help_text=_("不带地名的单位名称，派单时按诉求所在区域补全，如“城市管理局”。"),
    )
    unit_level = models.CharField(_("单位层级"), max_length=16, choices=UnitLevel.choices)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    response_hours = models.PositiveIntegerField(_("响应时限（小时）"))
    resolve_hours = models.PositiveIntegerField(_("办结时限（小时）"))
    emergency_line = models.CharField(
        _("紧急转接"), max_length=8, choices=EmergencyLine.choices, blank=True, default=""
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering: ClassVar[list[str]] = ["order", "code"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(resolve_hours__gte=models.F("response_hours")),
                name="appeals_category_resolve_after_response",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ExampleSource(models.TextChoices):
    SEED = "seed", _("初始样本")
    CONFIRMED = "confirmed", _("派单确认")
    CORRECTED = "corrected", _("派单更正")


class TrainingExample(models.Model):
    """A labelled text the classifier learns from (beyond the shipped seed file)."""

    text = models.TextField(_("诉求内容"))
    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.PROTECT, related_name="examples"
    )
    source = models.CharField(_("来源"), max_length=16, choices=ExampleSource.choices)
    case_id = models.BigIntegerField(_("案件编号"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("标注人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("分类训练样本")
        verbose_name_plural = _("分类训练样本")
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # one example per case: a second dispatch of the same case replaces the label
            models.UniqueConstraint(
                fields=["case_id"], condition=Q(case_id__isnull=False), name="appeals_example_one_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}: {self.text[:30]}"


class ClassifierVersion(models.Model):
    """One trained model: its figures on the evaluation set and the fitted pipeline itself."""

    version = models.PositiveIntegerField(_("版本号"), unique=True)
    trained_at = models.DateTimeField(_("训练时间"), default=timezone.now)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    examples_count = models.PositiveIntegerField(_("训练样本数"))
    learned_count = models.PositiveIntegerField(_("其中派单样本数"), default=0)
    eval_count = models.PositiveIntegerField(_("评测样本数"), default=0)
    top1 = models.FloatField(_("首选准确率"))
    top3 = models.FloatField(_("前三命中率"))
    model_blob = models.BinaryField(_("模型"), editable=False)
    is_active = models.BooleanField(_("当前使用"), default=False)

    class Meta:
        verbose_name = _("分类模型版本")
        verbose_name_plural = _("分类模型版本")
        ordering: ClassVar[list[str]] = ["-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="appeals_classifier_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def top1_percent(self) -> str:
        return f"{self.top1 * 100:.1f}%"

    @property
    def top3_percent(self) -> str:
        return f"{self.top3 * 100:.1f}%"
