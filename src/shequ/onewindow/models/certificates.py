"""The certificates a community may issue (证明事项清单), the ones it issued and the ones it refused."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area


class CertificateKind(models.Model):
    """A certificate someone may ask a community for.

    ``on_list`` kinds are on the published list and are issued; the others are kept so that
    a request for them is refused with the reason and the rule that says so.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("证明名称"), max_length=80)
    on_list = models.BooleanField(_("列入证明事项清单"), default=True)
    purposes = models.CharField(_("适用情形"), max_length=200, blank=True)
    template = models.TextField(_("证明正文模板"), blank=True)
    legal_basis = models.CharField(_("依据"), max_length=300, blank=True)
    refusal_reason = models.CharField(_("不予出具的理由"), max_length=300, blank=True)
    aliases = models.CharField(_("别称"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("证明事项")
        verbose_name_plural = _("证明事项")
        ordering: ClassVar[list[str]] = ["-on_list", "order", "code"]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """A numbered certificate the community issued; its content is what the PDF prints."""

    number = models.CharField(_("证明编号"), max_length=32, unique=True)
    kind = models.ForeignKey(CertificateKind, verbose_name=_("证明事项"), on_delete=models.PROTECT)
    area = models.ForeignKey(Area, verbose_name=_("出具社区"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("证明对象"), on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("用途"), max_length=120)
    content = models.JSONField(_("证明内容"))
    issued_at = models.DateTimeField(_("出具时间"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.UUIDField(_("幂等键"), unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("证明")
        verbose_name_plural = _("证明")
        ordering: ClassVar[list[str]] = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number

    def audit_area(self) -> Area:
        return self.area


class CertificateRefusal(models.Model):
    """A request for a certificate outside the list, refused (counted for burden reduction)."""

    area = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(
        CertificateKind, verbose_name=_("证明事项"), null=True, blank=True, on_delete=models.PROTECT
    )
    requested = models.CharField(_("所请求的证明"), max_length=80)
    requester = models.CharField(_("要求方"), max_length=80, blank=True)
    reason = models.CharField(_("理由"), max_length=300)
    rule = models.CharField(_("依据"), max_length=300)
    refused_at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("不予出具的证明")
        verbose_name_plural = _("不予出具的证明")
        ordering: ClassVar[list[str]] = ["-refused_at", "-id"]

    def __str__(self) -> str:
        return self.requested

    def audit_area(self) -> Area:
        return self.area


class DailyCounter(models.Model):
    """Sequence numbers per prefix (a date, a community and year), taken under a row lock."""

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号计数")
        verbose_name_plural = _("编号计数")

    def __str__(self) -> str:
        return f"{self.key}:{self.last}"
