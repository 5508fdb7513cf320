"""Open311 client applications (one API key each) and what each one filed.

Only the SHA-256 digest of a key is kept; the key itself is shown once, when it is made
(``python manage.py open311_keys create NAME``).  A :class:`ClientRequest` links a case
filed through ``POST /open311/v2/requests`` to the application that filed it, with the
Open311 fields the case itself has no room for (``media_url``, ``account_id``,
``device_id``).  Names and phone numbers go into the case's encrypted requester fields;
e-mail addresses are not kept.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.appeals.models import Case


class ApiClient(models.Model):
    """A client application allowed to file service requests (its API key's digest only)."""

    name = models.CharField(_("应用名称"), max_length=60, unique=True)
    prefix = models.CharField(_("密钥前缀"), max_length=12, db_index=True)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 接入应用")
        verbose_name_plural = _("Open311 接入应用")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def submitter_key(self) -> str:
        """The idempotency scope of this application's cases (``Case.submitter_key``)."""
        return f"open311:{self.pk}"


class ClientRequest(models.Model):
    """One case filed through Open311: which application, and the fields the case lacks."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="open311_request")
    client = models.ForeignKey(
        ApiClient, verbose_name=_("接入应用"), on_delete=models.PROTECT, related_name="requests"
    )
    media_url = models.CharField(_("媒体链接"), max_length=500, blank=True)
    account_id = models.CharField(_("应用内账户编号"), max_length=64, blank=True)
    device_id = models.CharField(_("设备编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Open311 诉求")
        verbose_name_plural = _("Open311 诉求")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.case_id}"
