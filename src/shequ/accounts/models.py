"""Users (staff and residents), posts, API tokens, login throttling and SMS codes."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, Organisation
from shequ.core.pii import EncryptedField, IdDocType, PIIKind, digest_field

from .roles import ADMIN_ROLES, ROLE_PERMISSIONS, Role


class UserKind(models.TextChoices):
    STAFF = "staff", _("工作人员")
    RESIDENT = "resident", _("居民")


class ShequUserManager(UserManager["User"]):
    def get_by_phone(self, phone: str) -> User:
        from shequ.core.pii import lookup_candidates

        return self.get(phone_digest__in=lookup_candidates(PIIKind.PHONE, phone))


class User(AbstractUser):
    kind = models.CharField(_("账户类型"), max_length=16, choices=UserKind.choices, default=UserKind.STAFF)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedField(_("手机号码"), kind=PIIKind.PHONE, hmac_field="phone_digest")
    phone_digest = digest_field()
    id_doc_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdDocType.choices, default=IdDocType.CITIZEN_ID, blank=True
    )
    id_number = EncryptedField(_("证件号码"), kind=PIIKind.ID_NUMBER, hmac_field="id_number_digest")
    id_number_digest = digest_field()
    home_area = models.ForeignKey(
        Area,
        verbose_name=_("所在社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    totp_secret = EncryptedField(_("动态口令密钥"), kind=PIIKind.SECRET)
    totp_confirmed_at = models.DateTimeField(_("动态口令启用时间"), null=True, blank=True)
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)
    elder_mode = models.BooleanField(_("长辈模式"), default=False)
    preferred_language = models.CharField(_("界面语言"), max_length=10, default="zh-hans")
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects: ClassVar[ShequUserManager] = ShequUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["phone_digest"], condition=Q(kind="resident"), name="accounts_resident_phone_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    # --- posts -------------------------------------------------------------------------
    def active_posts(self) -> list[Post]:
        cache = getattr(self, "_active_posts_cache", None)
        if cache is None:
            today = timezone.localdate()
            cache = list(
                self.posts.filter(is_active=True, valid_from__lte=today)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
                .select_related("area", "organisation")
                .prefetch_related("organisation__served_areas")
                .order_by("id")
            )
            self._active_posts_cache = cache
        return cache

    def current_posts(self) -> list[Post]:
        """The posts the user acts in now: the one chosen in the area switcher, else all."""
        chosen = getattr(self, "active_post", None)
        if chosen is not None:
            return [chosen]
        return self.active_posts()

    def role_set(self) -> set[str]:
        return {p.role for p in self.active_posts()}

    def needs_totp(self, policy: str) -> bool:
        if self.kind != UserKind.STAFF or policy == "off":
            return False
        if policy == "all":
            return True
        return self.is_superuser or bool(self.role_set() & ADMIN_ROLES)

    def role_permissions(self) -> set[str]:
        perms: set[str] = set()
        for post in self.current_posts():
            perms |= ROLE_PERMISSIONS.get(post.role, frozenset())
        return perms


class Post(models.Model):
    """A staff member's post: a role on an area, or in an organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posts", verbose_name=_("用户"))
    role = models.CharField(_("岗位"), max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
    )
    title = models.CharField(_("职务"), max_length=60, blank=True)
    full_time = models.BooleanField(_("专职"), default=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    valid_from = models.DateField(_("任职日期"), default=date(2000, 1, 1))
    valid_to = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~(Q(area__isnull=False) & Q(organisation__isnull=False)),
                name="accounts_post_area_xor_org",
            ),
        ]

    def __str__(self) -> str:
        place = self.organisation or self.area
        return f"{self.get_role_display()} · {place}" if place else str(self.get_role_display())

    @property
    def scope_label(self) -> str:
        return str(self.organisation or self.area or _("全平台"))


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 digest is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginThrottle(models.Model):
    """Failures counted per account, phone or address; a lock once they pass the limit."""

    key = models.CharField(max_length=120, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")

    def __str__(self) -> str:
        return self.key


class SmsCode(models.Model):
    """A one-time login code sent by SMS; only its digest is kept."""

    phone_digest = models.CharField(max_length=80, db_index=True)
    code_digest = models.CharField(max_length=64)
    purpose = models.CharField(max_length=20, default="login")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["phone_digest", "-created_at"], name="accounts_sms_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
