"""The shared kernel's tables: the area tree, its history, audit, rules, calendar, heartbeats.

``core`` imports no domain app.  Users are referred to through ``AUTH_USER_MODEL``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


# --------------------------------------------------------------------------- places


class AreaLevel(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    ZONE = "zone", _("功能区")
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    COMMUNITY = "community", _("社区（居委会）")
    VILLAGE = "village", _("村（村委会）")
    GRID = "grid", _("网格")


#: Rank of each level in the tree: 1 city … 5 grid.
LEVEL_RANK: dict[str, int] = {
    AreaLevel.CITY: 1,
    AreaLevel.DISTRICT: 2,
    AreaLevel.ZONE: 2,
    AreaLevel.STREET: 3,
    AreaLevel.TOWN: 3,
    AreaLevel.COMMUNITY: 4,
    AreaLevel.VILLAGE: 4,
    AreaLevel.GRID: 5,
}
COMMITTEE_LEVELS = (AreaLevel.COMMUNITY, AreaLevel.VILLAGE)


class CommitteeType(models.TextChoices):
    RESIDENTS = "residents", _("居民委员会")
    VILLAGERS = "villagers", _("村民委员会")


class UrbanRuralCode(models.TextChoices):
    """城乡分类代码 (statistical urban-rural classification of the territory)."""

    URBAN_CORE = "111", _("111 主城区")
    URBAN_FRINGE = "112", _("112 城乡结合区")
    TOWN_CENTRE = "121", _("121 镇中心区")
    TOWN_FRINGE = "122", _("122 镇乡结合区")
    SPECIAL = "123", _("123 特殊区域")
    RURAL_CENTRE = "210", _("210 乡中心区")
    VILLAGE = "220", _("220 村庄")


class HeavyLoadKind(models.TextChoices):
    NONE = "", _("无")
    AFFORDABLE = "affordable", _("经济适用房")
    RESETTLEMENT = "resettlement", _("安置房")
    OLD_ESTATE = "old_estate", _("老旧小区")


class AreaQuerySet(models.QuerySet["Area"]):
    def current(self, on: date | None = None) -> AreaQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def subtree_of(self, area: Area) -> AreaQuerySet:
        from .access import subtree_q  # access imports this module

        return self.filter(subtree_q(area.path))


class Area(TimeStamped):
    """One node of the place tree.

    ``parent`` is the *managing* parent and defines ``path`` (scoping follows management).
    ``stat_parent`` is the statistical parent when it differs (a street coded under 浦口区
    but managed by 江北新区); empty means "the same as parent".
    """

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=AreaLevel.choices)
    code = models.CharField(
        _("区划代码"),
        max_length=12,
        blank=True,
        null=True,
        db_index=True,
        help_text=_("统计用区划代码：区6位、街道9位、社区和村12位；功能区和网格可为空。"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("管理上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    stat_parent = models.ForeignKey(
        "self",
        verbose_name=_("统计上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stat_children",
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    committee_type = models.CharField(
        _("自治组织类型"), max_length=16, choices=CommitteeType.choices, blank=True
    )
    urban_rural_code = models.CharField(
        _("城乡分类代码"), max_length=3, choices=UrbanRuralCode.choices, blank=True
    )
    rural_override = models.BooleanField(
        _("按农村社区管理（管理员设置）"),
        null=True,
        blank=True,
        help_text=_("为空时按自治组织类型判断城市或农村。"),
    )
    heavy_load = models.CharField(
        _("重负荷类型"), max_length=16, choices=HeavyLoadKind.choices, blank=True, default=""
    )
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)
    valid_from = models.DateField(_("生效日期"), default=date(2000, 1, 1))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("调整后归入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering: ClassVar[list[str]] = ["path"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path"], name="core_area_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "valid_to"], name="core_area_level_current"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_to__isnull=True), name="core_area_code_unique_current"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    @property
    def is_committee(self) -> bool:
        return self.level in COMMITTEE_LEVELS

    @property
    def is_rural(self) -> bool:
        """Rules that differ for urban and rural follow the committee type unless overridden."""
        if self.rural_override is not None:
            return self.rural_override
        return self.committee_type == CommitteeType.VILLAGERS

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to >= today)

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    def ancestors(self) -> AreaQuerySet:
        return Area.objects.filter(pk__in=self.ancestor_ids()).order_by("depth")

    def contains(self, other: Area) -> bool:
        return other.path.startswith(self.path)


class AreaChangeKind(models.TextChoices):
    CREATE = "create", _("设立")
    RENAME = "rename", _("更名")
    MOVE = "move", _("调整隶属")
    MERGE = "merge", _("合并")
    SPLIT = "split", _("拆分")
    ABOLISH = "abolish", _("撤销")


class AreaChange(models.Model):
    """One administrative-division adjustment (区划调整), effective on a date."""

    kind = models.CharField(_("调整类型"), max_length=16, choices=AreaChangeKind.choices)
    effective_on = models.DateField(_("生效日期"))
    sources = models.ManyToManyField(Area, related_name="changes_out", verbose_name=_("原区域"), blank=True)
    results = models.ManyToManyField(Area, related_name="changes_in", verbose_name=_("新区域"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    document = models.CharField(_("批准文件"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("区划调整")
        verbose_name_plural = _("区划调整")
        ordering: ClassVar[list[str]] = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on}"


# --------------------------------------------------------------------------- organisations


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", _("职能部门")
    STREET_OFFICE = "street_office", _("街道（镇）内设机构")
    PROVIDER = "provider", _("服务商")
    SOCIAL_ORG = "social_org", _("社会组织")


class Organisation(TimeStamped):
    """A department, street unit, service provider or social organisation."""

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganisationKind.choices)
    generic_unit = models.CharField(
        _("通用单位名称"),
        max_length=60,
        blank=True,
        help_text=_("如“城市管理局”；派单时由通用单位和区域确定实际单位。"),
    )
    home_area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="organisations"
    )
    served_areas = models.ManyToManyField(
        Area, verbose_name=_("服务区域"), related_name="serving_organisations", blank=True
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering: ClassVar[list[str]] = ["home_area__path", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["home_area", "name"], name="core_org_unique_name_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------- audit


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditImmutableError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit entries cannot be deleted; use the purge command for expired ones")

    def _raw_delete(self, using: Any) -> int:
        raise AuditImmutableError("audit entries cannot be deleted")


class AuditImmutableError(Exception):
    pass


class AuditEntry(models.Model):
    """Append-only: the database refuses UPDATE, and DELETE of entries inside retention."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    post_id_snapshot = models.BigIntegerField(_("岗位编号"), null=True, blank=True)
    post_label = models.CharField(_("岗位"), max_length=200, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("区域"),
    )
    area_path = models.CharField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    reason = models.TextField(_("事由"), blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    request_id = models.CharField(max_length=32, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
        ]
        permissions = [
            ("reveal_pii", "Reveal personal data"),
            ("reveal_sensitive_pii", "Reveal health and special-group data"),
            ("view_audit", "View the audit log of served areas"),
            ("manage_rules", "Edit policy rules"),
            ("manage_calendar", "Edit the working-day calendar"),
            ("manage_areas", "Edit the area tree"),
            ("manage_staff", "Manage staff accounts and posts in served areas"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AuditImmutableError("audit entries cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit entries cannot be deleted")


# --------------------------------------------------------------------------- policy rules


class Rule(models.Model):
    """One version of one policy number for one jurisdiction (empty = platform default)."""

    key = models.CharField(_("规则键"), max_length=100, db_index=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("适用区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
    )
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    value_max = models.DecimalField(_("上限值"), max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(
        _("失效日期"), null=True, blank=True, help_text=_("含当日；为空表示长期有效。")
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    source = models.TextField(_("依据"), help_text=_("文件及条款原文或出处。"))
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("政策规则")
        verbose_name_plural = _("政策规则")
        ordering: ClassVar[list[str]] = ["key", "area_id", "-valid_from"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["key", "area", "version"], name="core_rule_unique_version"),
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=Q(area__isnull=True),
                name="core_rule_unique_default_version",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="core_rule_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


# --------------------------------------------------------------------------- calendar


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """A date that differs from the plain Monday–Friday week."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering: ClassVar[list[str]] = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


# --------------------------------------------------------------------------- jobs and flags


class JobHeartbeat(models.Model):
    name = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("后台任务心跳")
        verbose_name_plural = _("后台任务心跳")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at}"


class PlatformFlag(models.Model):
    """Small facts about this installation, e.g. that its data is the demo city."""

    key = models.CharField(max_length=64, unique=True)
    value = models.JSONField(default=dict)
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("平台标记")
        verbose_name_plural = _("平台标记")

    def __str__(self) -> str:
        return self.key
