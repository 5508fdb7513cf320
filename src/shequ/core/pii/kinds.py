"""What kind of personal data a value is, and which kinds need the stricter permission."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class PIIKind(models.TextChoices):
    ID_NUMBER = "id_number", gettext_lazy("证件号码")
    PHONE = "phone", gettext_lazy("电话号码")
    ADDRESS = "address", gettext_lazy("详细地址")
    HEALTH = "health", gettext_lazy("健康信息")
    SPECIAL = "special", gettext_lazy("特殊人群标签")
    SECRET = "secret", gettext_lazy("密钥")
    TEXT = "text", gettext_lazy("个人信息")


#: Kinds whose reveal needs the stricter permission as well.
SENSITIVE_KINDS = {PIIKind.HEALTH, PIIKind.SPECIAL}
