"""Roster import jobs: an uploaded spreadsheet, its check result and the import that follows."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, TimeStamped


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("人员")
    HOUSEHOLDS = "households", _("住户")
    PLACES = "places", _("场所")
    BUILDINGS = "buildings", _("楼栋")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    CHECKING = "checking", _("检查中")
    CHECKED = "checked", _("已检查")
    IMPORTING = "importing", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


class ImportMode(models.TextChoices):
    GOOD_ONLY = "good_only", _("只导入无问题的行")
    ALL_OR_NOTHING = "all_or_nothing", _("全部无问题才导入")


#: Statuses after which nothing more happens to a job.
FINISHED_STATUSES = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ImportJob(TimeStamped):
    """One uploaded roster. The file is kept encrypted under the var dir until the job ends."""

    kind = models.CharField(_("类别"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    area = models.ForeignKey(Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    file_format = models.CharField(_("文件格式"), max_length=8)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    file_key = models.CharField(_("存储名"), max_length=80, blank=True, editable=False)
    rows_total = models.PositiveIntegerField(_("数据行数"), default=0)
    rows_checked = models.PositiveIntegerField(_("已检查行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    rows_bad = models.PositiveIntegerField(_("有问题的行数"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("已登记的行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增条数"), default=0)
    merged_count = models.PositiveIntegerField(_("合并条数"), default=0)
    skipped_count = models.PositiveIntegerField(_("跳过行数"), default=0)
    header_ok = models.BooleanField(_("列名正确"), default=False)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    problems_total = models.PositiveIntegerField(_("问题总数"), default=0)
    duplicates = models.JSONField(_("已登记人员"), default=list, blank=True)
    mode = models.CharField(_("导入方式"), max_length=16, choices=ImportMode.choices, blank=True)
    merge = models.BooleanField(_("合并已登记人员"), default=False)
    idempotency_key = models.CharField(_("幂等键"), max_length=80, blank=True)
    claimed = models.BooleanField(_("已开始写入"), default=False, editable=False)
    created_ids = models.JSONField(_("新增记录编号（前若干条）"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["area", "-created_at"], name="registry_importjob_area_idx"),
        ]

    def __str__(self) -> str:
        return _("导入任务 %(id)s") % {"id": self.pk or "—"}

    def audit_area(self) -> Area:
        return self.area

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        total = self.rows_total or 0
        if not total:
            return 0
        done = self.rows_done if self.status == ImportStatus.IMPORTING else self.rows_checked
        return min(100, int(done * 100 / total))
