"""The catalogue of community public services (城乡社区公共服务指导目录): items, versions, materials."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.core.models import TimeStamped


class ServiceCategory(models.TextChoices):
    EMPLOYMENT = "employment", _("就业创业")
    SOCIAL_SECURITY = "social_security", _("社会保障")
    SOCIAL_ASSISTANCE = "social_assistance", _("社会救助")
    ELDERLY = "elderly", _("养老服务")
    HEALTH = "health", _("卫生健康")
    EDUCATION = "education", _("教育")
    CULTURE = "culture", _("文化体育")
    HOUSING = "housing", _("住房保障")
    LEGAL = "legal", _("公共法律服务")
    DISABILITY = "disability", _("残疾人服务")
    CIVIL = "civil", _("民政事务")
    SAFETY = "safety", _("公共安全")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上办理")
    WINDOW = "window", _("窗口办理")
    BOTH = "both", _("网上或窗口办理")


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("申请人提交")
    REGISTRY = "registry", _("平台从人口信息库调取")
    CERTIFICATE = "certificate", _("平台出具的证明")


class Material(models.Model):
    """A kind of document an item may ask for; some the platform supplies itself."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    source = models.CharField(
        _("来源"), max_length=16, choices=MaterialSource.choices, default=MaterialSource.UPLOAD
    )
    certificate_kind = models.ForeignKey(
        "onewindow.CertificateKind",
        verbose_name=_("对应证明"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reusable = models.BooleanField(_("可复用"), default=True, help_text=_("已受理的同类材料可再次引用。"))

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def platform_supplied(self) -> bool:
        return self.source != MaterialSource.UPLOAD


class ServiceItem(TimeStamped):
    """A service on the catalogue; what it takes and promises lives on its versions."""

    code = models.SlugField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=80)
    category = models.CharField(_("类别"), max_length=24, choices=ServiceCategory.choices)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering: ClassVar[list[str]] = ["category", "order", "code"]

    def __str__(self) -> str:
        return self.name


class ItemVersion(TimeStamped):
    """One version of an item, in force from ``effective_from`` to ``effective_to`` (inclusive)."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务事项"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    description = models.TextField(_("事项说明"), blank=True)
    eligibility = models.JSONField(_("申请条件"), default=list, blank=True)
    eligibility_text = models.CharField(_("申请条件（文字）"), max_length=300, blank=True)
    steps = models.JSONField(_("办理流程"), default=list, blank=True)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"))
    fee_fen = models.PositiveIntegerField(_("收费（分）"), default=0)
    responsible_unit = models.CharField(_("责任单位"), max_length=80)
    location = models.CharField(_("办理地点"), max_length=120)
    hours = models.CharField(_("办理时间"), max_length=120)
    channel = models.CharField(_("办理渠道"), max_length=10, choices=Channel.choices, default=Channel.BOTH)
    commitment_allowed = models.BooleanField(_("适用告知承诺制"), default=False)
    commitment_check_days = models.PositiveSmallIntegerField(_("承诺核查期限（工作日）"), default=20)
    materials: models.ManyToManyField[Material, ItemMaterial] = models.ManyToManyField(
        Material, through="ItemMaterial", verbose_name=_("申请材料"), related_name="+"
    )

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering: ClassVar[list[str]] = ["item_id", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "version"], name="onewindow_itemversion_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="onewindow_itemversion_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} v{self.version}"

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def fee_label(self) -> str:
        if not self.fee_fen:
            return str(_("免费"))
        return f"{self.fee_fen // 100}.{self.fee_fen % 100:02d} 元"


class ItemMaterial(models.Model):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="item_materials")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    required = models.BooleanField(_("必需"), default=True)
    commitment_ok = models.BooleanField(_("可告知承诺替代"), default=False)
    note = models.CharField(_("备注"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("事项材料")
        verbose_name_plural = _("事项材料")
        ordering: ClassVar[list[str]] = ["order", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "material"], name="onewindow_itemmaterial_unique"),
        ]

    def __str__(self) -> str:
        return str(self.material)
