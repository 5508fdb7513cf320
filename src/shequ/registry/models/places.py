"""Where people live and work: buildings and their rooms, courtyards, natural villages, places."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area, TimeStamped
from shequ.core.pii import EncryptedField, PIIKind, digest_field


class BuildingKind(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    MIXED = "mixed", _("商住混合")
    PUBLIC = "public", _("公共建筑")
    OFFICE = "office", _("办公")
    OTHER = "other", _("其他")


class PlaceKind(models.TextChoices):
    SHOP = "shop", _("商铺")
    INSTITUTION = "institution", _("驻区单位")
    FACILITY = "facility", _("公共设施")
    OTHER = "other", _("其他")


def _grid_fk() -> models.ForeignKey[Area, Area]:
    return models.ForeignKey(Area, verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="+")


class Building(TimeStamped):
    """楼栋. The point is WGS-84."""

    grid = _grid_fk()
    name = models.CharField(_("楼栋名称"), max_length=100)
    number = models.CharField(_("楼栋号"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    units = models.PositiveSmallIntegerField(_("单元数"), default=1)
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    kind = models.CharField(
        _("类型"), max_length=16, choices=BuildingKind.choices, default=BuildingKind.RESIDENTIAL
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering: ClassVar[list[str]] = ["grid_id", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name}{self.number}" if self.number and self.number not in self.name else self.name

    def audit_area(self) -> Area:
        return self.grid


class Room(models.Model):
    """户室: a unit (单元), floor and number within a building."""

    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="rooms"
    )
    unit = models.CharField(_("单元"), max_length=10, blank=True)
    floor = models.SmallIntegerField(_("楼层"))
    number = models.CharField(_("室号"), max_length=20)

    class Meta:
        verbose_name = _("户室")
        verbose_name_plural = _("户室")
        ordering: ClassVar[list[str]] = ["building_id", "unit", "floor", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["building", "unit", "number"], name="registry_room_unique"),
        ]

    def __str__(self) -> str:
        unit = _("%(unit)s单元") % {"unit": self.unit} if self.unit else ""
        return f"{self.building}{unit}{self.number}"

    def audit_area(self) -> Area:
        return self.building.grid


class Courtyard(TimeStamped):
    """院落."""

    grid = _grid_fk()
    name = models.CharField(_("院落名称"), max_length=100)

    class Meta:
        verbose_name = _("院落")
        verbose_name_plural = _("院落")

    def __str__(self) -> str:
        return self.name

    def audit_area(self) -> Area:
        return self.grid


class NaturalVillage(TimeStamped):
    """自然村 (a hamlet within an administrative village's grid)."""

    grid = _grid_fk()
    name = models.CharField(_("自然村名称"), max_length=100)

    class Meta:
        verbose_name = _("自然村")
        verbose_name_plural = _("自然村")

    def __str__(self) -> str:
        return self.name

    def audit_area(self) -> Area:
        return self.grid


class Place(TimeStamped):
    """A shop, an institution based in the area (驻区单位) or a facility."""

    grid = _grid_fk()
    kind = models.CharField(_("类型"), max_length=16, choices=PlaceKind.choices, default=PlaceKind.SHOP)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_phone = EncryptedField(_("联系电话"), kind=PIIKind.PHONE, hmac_field="contact_phone_digest")
    contact_phone_digest = digest_field()
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        ordering: ClassVar[list[str]] = ["grid_id", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def audit_area(self) -> Area:
        return self.grid
