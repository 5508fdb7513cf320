"""The notification outbox: one row per message to one recipient on one channel.

A row is written inside the business transaction (so it exists exactly when the business
change does) and delivered after commit by a worker.  ``status`` moves
pending → sending → sent, or back to pending with a later ``next_attempt_at`` after a
failed attempt, or to failed once the attempts run out.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.pii import EncryptedField, PIIKind


class NotificationChannel(models.TextChoices):
    SMS = "sms", _("短信")
    IN_APP = "in_app", _("站内消息")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    channel = models.CharField(_("渠道"), max_length=16, choices=NotificationChannel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    phone = EncryptedField(_("接收手机号"), kind=PIIKind.PHONE)
    template_key = models.CharField(_("消息模板"), max_length=80, blank=True)
    # The rendered text may carry personal data (a neighbour's phone, a one-time code).
    text = EncryptedField(_("消息内容"), kind=PIIKind.TEXT)
    context = models.JSONField(_("模板参数"), default=dict, blank=True)
    dedup_key = models.CharField(_("去重键"), max_length=160)
    reference = models.UUIDField(_("发送参考号"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.CharField(_("最近一次错误"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    provider_message_id = models.CharField(_("网关消息编号"), max_length=120, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        app_label = "integration"
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        permissions = [("resend_notification", _("重发发送失败的通知"))]
        constraints = [
            models.UniqueConstraint(fields=["channel", "dedup_key"], name="integration_notification_dedup"),
            models.CheckConstraint(
                condition=Q(channel="sms", phone__isnull=False) | ~Q(channel="sms"),
                name="integration_notification_sms_has_phone",
            ),
        ]
        indexes = [
            # the deliverer's scan: due rows by time
            models.Index(
                fields=["next_attempt_at"],
                name="integration_ntf_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
            # the inbox: one recipient's messages, newest first
            models.Index(fields=["recipient", "channel", "-created_at"], name="integration_ntf_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
