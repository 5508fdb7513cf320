"""Neighbourhood mutual aid (邻里互助): offers and requests, the matches the community makes, thanks.

Phones are never stored here: a post's contact is its author's own (encrypted) phone,
shown in full only to the other side of a confirmed match, masked to everyone else.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area


class AidKind(models.TextChoices):
    OFFER = "offer", _("我能帮")
    REQUEST = "request", _("我需要")


class AidCategory(models.TextChoices):
    PRODUCTION = "production", _("生产互助")
    ELDERLY = "elderly", _("养老互助")
    EMERGENCY = "emergency", _("应急互助")
    DAILY = "daily", _("生活互助")
    SKILLS = "skills", _("技能互助")
    OTHER = "other", _("其他")


class AidPostStatus(models.TextChoices):
    OPEN = "open", _("待对接")
    MATCHED = "matched", _("已对接")
    COMPLETED = "completed", _("已完成")
    CLOSED = "closed", _("已关闭")


class AidPost(models.Model):
    area = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="commons_aid_posts",
    )
    kind = models.CharField(_("类别"), max_length=16, choices=AidKind.choices)
    category = models.CharField(_("互助类型"), max_length=16, choices=AidCategory.choices)
    title = models.CharField(_("标题"), max_length=60)
    body = models.TextField(_("说明"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=AidPostStatus.choices, default=AidPostStatus.OPEN
    )
    is_hidden = models.BooleanField(_("已屏蔽"), default=False)
    hidden_reason = models.CharField(_("屏蔽原因"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("互助信息")
        verbose_name_plural = _("互助信息")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["area", "status", "-created_at"], name="commons_aid_area_status"),
        ]

    def __str__(self) -> str:
        return self.title


class AidMatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("待社区确认")
    CONFIRMED = "confirmed", _("已对接")
    COMPLETED = "completed", _("已完成")
    DECLINED = "declined", _("未采纳")


class AidMatch(models.Model):
    """An offer paired with a request: proposed by a resident's response, or made by the community."""

    area = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(
        AidPost, verbose_name=_("帮助"), on_delete=models.PROTECT, related_name="matches_as_offer"
    )
    request = models.ForeignKey(
        AidPost, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="matches_as_request"
    )
    status = models.CharField(_("状态"), max_length=16, choices=AidMatchStatus.choices)
    note = models.CharField(_("留言"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    offer_done_at = models.DateTimeField(_("帮助方确认完成"), null=True, blank=True)
    request_done_at = models.DateTimeField(_("求助方确认完成"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("互助对接")
        verbose_name_plural = _("互助对接")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["offer"],
                condition=Q(status__in=["confirmed", "completed"]),
                name="commons_aid_offer_matched_once",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["confirmed", "completed"]),
                name="commons_aid_request_matched_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} ↔ {self.request}"

    def side_of(self, user_id: int | None) -> str | None:
        """ "offer" or "request" for one of the pair (by author), else None."""
        if user_id is None:
            return None
        if self.offer.author_id == user_id:
            return "offer"
        if self.request.author_id == user_id:
            return "request"
        return None


class AidThanks(models.Model):
    match = models.ForeignKey(
        AidMatch, verbose_name=_("互助对接"), on_delete=models.PROTECT, related_name="thanks"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.CharField(_("感谢留言"), max_length=200)
    is_public = models.BooleanField(_("公开展示"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("感谢留言")
        verbose_name_plural = _("感谢留言")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["match", "author"], name="commons_aid_thanks_once"),
        ]

    def __str__(self) -> str:
        return self.message[:30]
