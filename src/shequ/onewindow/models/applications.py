"""Applications (一号申请) with their materials, notices, steps, authorisations, ratings and follow-ups."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area
from shequ.core.pii import EncryptedField, PIIKind, digest_field

from .catalogue import ItemVersion, Material, MaterialSource, ServiceItem
from .certificates import Certificate


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回补正")
    RESUBMITTED = "resubmitted", _("已补正")
    ACCEPTED = "accepted", _("已受理")
    IN_PROCESS = "in_process", _("办理中")
    APPROVED = "approved", _("已办结（准予）")
    REJECTED = "rejected", _("已办结（不予）")
    DELIVERED = "delivered", _("已送达")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.RESUBMITTED,
    Status.ACCEPTED,
    Status.IN_PROCESS,
    Status.APPROVED,
    Status.REJECTED,
)


class ApplyChannel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口受理")
    FAMILY = "family", _("家属代为申请")


class Authorisation(models.Model):
    """A person's recorded authorisation for a family member to apply on their behalf."""

    area = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    principal = models.ForeignKey(
        "registry.Person", verbose_name=_("委托人"), on_delete=models.PROTECT, related_name="+"
    )
    agent_name = models.CharField(_("受托人姓名"), max_length=50)
    agent_id_number = EncryptedField(
        _("受托人证件号码"), kind=PIIKind.ID_NUMBER, hmac_field="agent_id_number_digest"
    )
    agent_id_number_digest = digest_field()
    relation = models.CharField(_("与委托人关系"), max_length=20)
    valid_from = models.DateField(_("委托起始日期"))
    valid_to = models.DateField(_("委托截止日期"))
    scope = models.CharField(_("委托事项"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("代办委托")
        verbose_name_plural = _("代办委托")
        ordering: ClassVar[list[str]] = ["-recorded_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="onewindow_authorisation_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.principal} → {self.agent_name}"

    def audit_area(self) -> Area:
        return self.area

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


class Application(models.Model):
    number = models.CharField(_("办件编号"), max_length=24, unique=True)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务事项"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(ItemVersion, verbose_name=_("事项版本"), on_delete=models.PROTECT)
    area = models.ForeignKey(Area, verbose_name=_("受理社区"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    applicant_name = models.CharField(_("申请人姓名"), max_length=50)
    applicant_id_number = EncryptedField(
        _("申请人证件号码"), kind=PIIKind.ID_NUMBER, hmac_field="applicant_id_digest"
    )
    applicant_id_digest = digest_field()
    applicant_phone = EncryptedField(_("联系电话"), kind=PIIKind.PHONE)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onewindow_applications",
    )
    channel = models.CharField(_("申请方式"), max_length=10, choices=ApplyChannel.choices)
    authorisation = models.ForeignKey(
        Authorisation, verbose_name=_("代办委托"), null=True, blank=True, on_delete=models.PROTECT
    )
    proxy_service = models.BooleanField(_("全程代办"), default=False)
    form = models.JSONField(_("申请内容"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_unit = models.CharField(_("当前办理单位"), max_length=80, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    deadline = models.DateTimeField(_("承诺办结时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    decision_reason = models.CharField(_("办理意见"), max_length=300, blank=True)
    commitment_signed_at = models.DateTimeField(_("承诺书签署时间"), null=True, blank=True)
    commitment_check_due = models.DateField(_("承诺核查日期"), null=True, blank=True)
    commitment_checked_at = models.DateTimeField(_("承诺核查时间"), null=True, blank=True)
    idempotency_key = models.UUIDField(_("幂等键"), unique=True, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering: ClassVar[list[str]] = ["-submitted_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["area", "status"], name="onewindow_app_area_status"),
        ]

    def __str__(self) -> str:
        return self.number

    def audit_area(self) -> Area:
        return self.area


class ApplicationMaterial(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(Material, verbose_name=_("材料"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=16)
    file = models.FileField(_("文件"), upload_to="onewindow/%Y/%m/", blank=True)
    original_name = models.CharField(_("文件名"), max_length=120, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    reused_from = models.ForeignKey(
        "self", verbose_name=_("引用自"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(Certificate, null=True, blank=True, on_delete=models.PROTECT)
    added_at = models.DateTimeField(default=timezone.now)
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return str(self.material)

    def audit_area(self) -> Area:
        return self.application.area

    @property
    def source_label(self) -> str:
        labels = {
            "upload": _("上传"),
            "reuse": _("引用已有材料"),
            MaterialSource.REGISTRY: _("平台调取"),
            MaterialSource.CERTIFICATE: _("平台出具的证明"),
            "commitment": _("告知承诺"),
            "camera": _("高拍仪采集"),
        }
        return str(labels.get(self.source, self.source))


class ReturnNotice(models.Model):
    """一次性告知: everything missing, listed once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notices")
    materials = models.ManyToManyField(Material, related_name="+")
    note = models.CharField(_("说明"), max_length=500, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("一次性告知书")
        verbose_name_plural = _("一次性告知书")
        ordering: ClassVar[list[str]] = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.issued_at:%Y-%m-%d}"


class Event(models.Model):
    """A recorded step of an application (what the resident's timeline shows)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24)
    status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=60, blank=True)
    unit = models.CharField(max_length=80, blank=True)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.kind}"


class RatingLevel(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)


class Rating(models.Model):
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="rating")
    level = models.PositiveSmallIntegerField(_("评价"), choices=RatingLevel.choices)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")

    def __str__(self) -> str:
        return f"{self.application} {self.get_level_display()}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待回访")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class FollowUp(models.Model):
    """Every bad rating opens one; it is answered, then closed, and the resident is told."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="follow_up")
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    answer = models.CharField(_("答复"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    resident_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("差评回访")
        verbose_name_plural = _("差评回访")

    def __str__(self) -> str:
        return f"{self.rating} {self.get_status_display()}"
