"""Appeal cases: one tracking number, where and what, who asked, who handles it, how fast.

A case is written only through :mod:`shequ.appeals.services`; every state change goes
through the transition table in :mod:`shequ.appeals.services.workflow` and leaves a
:class:`CaseEvent` and an audit entry.  ``version`` is the optimistic-concurrency counter:
a transition names the version it saw and is refused when someone acted first.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, Organisation
from shequ.core.pii import EncryptedField, PIIKind, digest_field

from .categories import Category, EmergencyLine, Urgency

#: The longest case text intake accepts (the classifier itself reads up to 10,000).
CASE_TEXT_MAX = 5000
#: At most this many photos per case at intake (and per handling step).
PHOTOS_PER_CASE = 9


class Channel(models.TextChoices):
    PORTAL = "portal", _("居民端")
    GRID_WORKER = "grid_worker", _("网格员上报")
    HOTLINE = "hotline", _("热线代录")
    HOTLINE_12345 = "12345", _("12345平台转办")
    OPEN311 = "open311", _("Open311接口")
    API = "api", _("接口")


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("待分拨")
    EMERGENCY = "emergency", _("已转应急")
    DISPATCHED = "dispatched", _("待签收")
    RETURN_REQUESTED = "return_requested", _("退单待审")
    ACCEPTED = "accepted", _("办理中")
    HANDLED = "handled", _("待核查")
    VERIFIED = "verified", _("已核查")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")


OPEN_STATES = (
    CaseState.SUBMITTED,
    CaseState.EMERGENCY,
    CaseState.DISPATCHED,
    CaseState.RETURN_REQUESTED,
    CaseState.ACCEPTED,
    CaseState.HANDLED,
    CaseState.VERIFIED,
)
#: States in which the response and resolution clocks run.
CLOCK_STATES = (
    CaseState.SUBMITTED,
    CaseState.DISPATCHED,
    CaseState.RETURN_REQUESTED,
    CaseState.ACCEPTED,
)


class Light(models.TextChoices):
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("临期")
    RED = "red", _("超期")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class ReviewState(models.TextChoices):
    """After a second "dissatisfied" the case is reviewed (复核) by the dispatching level."""

    NONE = "", _("无")
    PENDING = "pending", _("待复核")
    UPHELD = "upheld", _("复核：维持不满意")
    EXCLUDED = "excluded", _("复核：诉求不合理，不计入考核")


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("居民端评价")
    CODE = "code", _("凭查询码或短信验证码评价")
    CALLBACK = "callback", _("电话回访录入")


class CaseCounter(models.Model):
    """The last sequence number given out on a day (taken by an atomic upsert)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("案件编号计数")
        verbose_name_plural = _("案件编号计数")

    def __str__(self) -> str:
        return f"{self.day}:{self.last}"


class Case(models.Model):
    number = models.CharField(_("案件编号"), max_length=20, unique=True)
    token_digest = models.CharField(max_length=64, editable=False)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True)
    text = models.TextField(_("诉求内容"))
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("事发地点"), max_length=200, blank=True)
    # db_index=False where a composite index below starts with the field (one index fewer per write)
    area = models.ForeignKey(
        Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    is_public = models.BooleanField(_("同意公开"), default=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("诉求人账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeal_cases",
        db_index=False,
    )
    requester_name = EncryptedField(_("诉求人姓名"), kind=PIIKind.TEXT, null=True, blank=True)
    requester_phone = EncryptedField(
        _("诉求人电话"), kind=PIIKind.PHONE, hmac_field="requester_phone_digest", null=True, blank=True
    )
    requester_phone_digest = digest_field()
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    suggested_category = models.ForeignKey(
        Category,
        verbose_name=_("建议分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggestions = models.JSONField(_("智能分拨建议"), default=list, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    danger = models.BooleanField(_("危及生命财产安全"), default=False)
    state = models.CharField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.SUBMITTED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    handling_area = models.ForeignKey(
        Area, verbose_name=_("分拨层级"), on_delete=models.PROTECT, related_name="+"
    )
    lead_org = models.ForeignKey(
        Organisation,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    lead_area = models.ForeignKey(
        Area,
        verbose_name=_("主办街道/社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_unit = models.CharField(_("主办单位名称"), max_length=120, blank=True)
    state_before_return = models.CharField(max_length=20, blank=True)
    return_reason = models.CharField(_("退单理由"), max_length=500, blank=True)
    supervised = models.BooleanField(_("督办"), default=False)
    escalation_area = models.ForeignKey(
        Area, verbose_name=_("超期升级至"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(_("超期升级时间"), null=True, blank=True)
    escalated_kinds = models.CharField(max_length=32, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    emergency_line = models.CharField(
        _("应急转接"), max_length=8, choices=EmergencyLine.choices, blank=True, default=""
    )
    resolved_on_spot = models.BooleanField(_("现场自处置"), default=False)
    result = models.TextField(_("办理结果"), blank=True)
    contacted_at = models.DateTimeField(_("联系诉求人时间"), null=True, blank=True)
    rating_resolved = models.BooleanField(_("评价：问题是否解决"), null=True, blank=True)
    rating_level = models.CharField(
        _("评价：满意程度"), max_length=12, choices=Satisfaction.choices, blank=True, default=""
    )
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    review_state = models.CharField(
        _("复核"), max_length=10, choices=ReviewState.choices, blank=True, default=""
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("办结反馈时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    clock_start = models.DateTimeField(_("计时起点"), null=True, blank=True)
    response_due = models.DateTimeField(_("响应时限"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("办结时限"), null=True, blank=True)
    light = models.CharField(_("时限状态"), max_length=8, choices=Light.choices, default=Light.GREEN)
    submitter_key = models.CharField(max_length=40, editable=False)
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("诉求案件")
        verbose_name_plural = _("诉求案件")
        ordering: ClassVar[list[str]] = ["-submitted_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["state", "-submitted_at"], name="appeals_case_state_time"),
            models.Index(fields=["area", "state"], name="appeals_case_area_state"),
            models.Index(fields=["lead_org", "state"], name="appeals_case_org_state"),
            models.Index(fields=["requester", "-submitted_at"], name="appeals_case_requester"),
            models.Index(fields=["category", "state", "submitted_at"], name="appeals_case_cat_open"),
            models.Index(fields=["dispatched_at"], name="appeals_case_dispatched"),
            models.Index(fields=["rated_at"], name="appeals_case_rated"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["submitter_key", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appeals_case_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def audit_area(self) -> Area:
        return self.area

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def rating_pending(self) -> bool:
        """Closed and not yet rated this round (the rating window is checked where the form is)."""
        return (
            self.state == CaseState.CLOSED
            and not self.review_state
            and (self.rated_at is None or (self.closed_at is not None and self.rated_at < self.closed_at))
        )

    @property
    def has_point(self) -> bool:
        return self.lng is not None and self.lat is not None


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSIST = "assist", _("协办")


class CaseUnit(models.Model):
    """A unit the case is dispatched to: the lead (主办) and assisting units (协办)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="units")
    role = models.CharField(_("角色"), max_length=8, choices=UnitRole.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("单位名称"), max_length=120)
    active = models.BooleanField(default=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering: ClassVar[list[str]] = ["role", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "active"], name="appeals_unit_org_active"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class PhotoStage(models.TextChoices):
    INTAKE = "intake", _("上报照片")
    BEFORE = "before", _("处置前")
    AFTER = "after", _("处置后")
    VERIFY = "verify", _("核查照片")


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=8, choices=PhotoStage.choices)
    image = models.FileField(_("照片"), upload_to="appeals/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("案件照片")
        verbose_name_plural = _("案件照片")
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage}"


#: How each recorded step reads on the pages (transitions and the system's own steps).
EVENT_LABELS: dict[str, Any] = {
    "submit": _("提交诉求"),
    "dispatch": _("派单"),
    "accept": _("签收"),
    "request_return": _("申请退单"),
    "approve_return": _("同意退单"),
    "refuse_return": _("不同意退单"),
    "escalate": _("上报上级"),
    "assign_down": _("交办下级"),
    "handover": _("转应急处置"),
    "on_spot": _("现场自处置"),
    "merge": _("合并重复诉求"),
    "merged_in": _("并入案件"),
    "dismiss": _("不予受理"),
    "handle": _("办结反馈"),
    "verify": _("核查通过"),
    "reject_result": _("核查不通过"),
    "close": _("结案"),
    "supervise": _("督办"),
    "note": _("办理记录"),
    "request_extension": _("申请延期"),
    "decide_extension": _("审批延期"),
    "light": _("时限状态变化"),
    "overdue_escalate": _("超期自动升级"),
    "contact": _("联系诉求人"),
    "rate": _("诉求人评价"),
    "reopen": _("不满意重办"),
    "review": _("复核"),
}


class CaseEvent(models.Model):
    """One recorded step: a transition (from → to) or a note, with who, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=80, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def kind_label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


class EmergencyHandover(models.Model):
    """The record of handing a case to an emergency line (who, when, which line, their reference)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    line = models.CharField(_("应急线路"), max_length=8, choices=EmergencyLine.choices)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_by_label = models.CharField(max_length=80, blank=True)
    handed_at = models.DateTimeField(default=timezone.now)
    reference = models.CharField(_("接警/接报编号"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("应急移交记录")
        verbose_name_plural = _("应急移交记录")
        ordering: ClassVar[list[str]] = ["handed_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.line}"


class CaseRating(models.Model):
    """One rating of the outcome: round 1 after closure, round 2 after the one re-handling."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    resolved = models.BooleanField(_("问题是否解决"))
    level = models.CharField(_("满意程度"), max_length=12, choices=Satisfaction.choices)
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    channel = models.CharField(_("评价方式"), max_length=10, choices=RatingChannel.choices)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("诉求评价")
        verbose_name_plural = _("诉求评价")
        ordering: ClassVar[list[str]] = ["round"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["case", "round"], name="appeals_rating_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round} {self.level}"


class CaseAccessCode(models.Model):
    """A one-time code sent to the phone on file so a caller without an account can open a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("查询验证码")
        verbose_name_plural = _("查询验证码")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["case", "-created_at"], name="appeals_code_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d %H:%M}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class ExtensionRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    hours = models.PositiveIntegerField(_("延长工作小时数"))
    reason = models.CharField(_("理由"), max_length=500)
    state = models.CharField(max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering: ClassVar[list[str]] = ["requested_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="appeals_one_pending_extension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.hours}h"
