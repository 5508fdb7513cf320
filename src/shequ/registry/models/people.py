"""Households, persons, membership and the tags that services target."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, TimeStamped
from shequ.core.pii import EncryptedField, IdDocType, PIIKind, digest_field

from .places import Courtyard, Room


class HouseholdKind(models.TextChoices):
    REGISTERED = "registered", _("户籍户")
    RESIDENT = "resident", _("常住户")
    FLOATING = "floating", _("流动户")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class ResidenceStatus(models.TextChoices):
    RESIDENT = "resident", _("常住")
    REGISTERED_AWAY = "registered_away", _("户籍在外")
    FLOATING = "floating", _("流动")
    MOVED_OUT = "moved_out", _("已迁出")
    DECEASED = "deceased", _("已故")


#: Statuses of persons no longer counted here; ID numbers are unique among the others.
GONE_STATUSES = (ResidenceStatus.MOVED_OUT, ResidenceStatus.DECEASED)


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    GRANDCHILD = "grandchild", _("孙子女/外孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    OTHER_RELATIVE = "other_relative", _("其他亲属")
    OTHER = "other", _("非亲属")


class Person(TimeStamped):
    """A person on the registry, managed by the grid they live in."""

    grid = models.ForeignKey(Area, verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    id_doc_type = models.CharField(
        _("证件类型"), max_length=16, choices=IdDocType.choices, default=IdDocType.CITIZEN_ID
    )
    id_number = EncryptedField(_("证件号码"), kind=PIIKind.ID_NUMBER, hmac_field="id_number_digest")
    id_number_digest = digest_field()
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = EncryptedField(_("联系电话"), kind=PIIKind.PHONE, hmac_field="phone_digest")
    phone_digest = digest_field()
    residence_status = models.CharField(
        _("居住状态"), max_length=16, choices=ResidenceStatus.choices, default=ResidenceStatus.RESIDENT
    )
    registered_address = EncryptedField(_("户籍地址"), kind=PIIKind.ADDRESS)
    resident_address = EncryptedField(_("现居住地址"), kind=PIIKind.ADDRESS)
    deceased_on = models.DateField(_("死亡日期"), null=True, blank=True)
    moved_out_on = models.DateField(_("迁出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering: ClassVar[list[str]] = ["grid_id", "name", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=Q(id_number_digest__isnull=False) & ~Q(residence_status__in=GONE_STATUSES),
                name="registry_person_id_unique_current",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_area(self) -> Area:
        return self.grid

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class Household(TimeStamped):
    """户: at a room, in a courtyard, or at a free-text address (the exact address is sealed)."""

    grid = models.ForeignKey(Area, verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("户别"), max_length=16, choices=HouseholdKind.choices, default=HouseholdKind.RESIDENT
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("户室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    courtyard = models.ForeignKey(
        Courtyard,
        verbose_name=_("院落"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    address = EncryptedField(_("详细地址"), kind=PIIKind.ADDRESS)
    head = models.ForeignKey(
        Person, verbose_name=_("户主"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moved_in_on = models.DateField(_("入住日期"), null=True, blank=True)
    moved_out_on = models.DateField(_("迁出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering: ClassVar[list[str]] = ["grid_id", "id"]

    def __str__(self) -> str:
        return _("住户 %(id)s") % {"id": self.pk or "—"}

    def audit_area(self) -> Area:
        return self.grid


class Membership(models.Model):
    """A person's membership of a household, with the relation to its head."""

    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="memberships"
    )
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("住户成员")
        verbose_name_plural = _("住户成员")
        ordering: ClassVar[list[str]] = ["household_id", "valid_from", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(valid_to__isnull=True), name="registry_membership_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_relation_display()}"

    def audit_area(self) -> Area:
        return self.household.grid


class Tag(models.Model):
    """A group that services target. ``sensitive`` groups are seen only with the stricter permission."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sensitive = models.BooleanField(_("敏感（特殊人群）"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("人员标签")
        verbose_name_plural = _("人员标签")
        ordering: ClassVar[list[str]] = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class PersonTag(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="tags")
    tag = models.ForeignKey(Tag, verbose_name=_("标签"), on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("起始日期"))
    note = EncryptedField(_("备注"), kind=PIIKind.SPECIAL)
    removed_on = models.DateField(_("解除日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("人员标签记录")
        verbose_name_plural = _("人员标签记录")
        ordering: ClassVar[list[str]] = ["tag__order", "tag__code", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["person", "tag"],
                condition=Q(removed_on__isnull=True),
                name="registry_persontag_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.tag}"

    def audit_area(self) -> Area:
        return self.person.grid
