"""Field helpers the grid-work tables share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shequ.core.models import Area


def grid_fk() -> models.ForeignKey[Area, Area]:
    return models.ForeignKey(Area, verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="+")


def key_field() -> models.UUIDField:
    """The client-generated idempotency key: a repeat with the same key returns the first row."""
    return models.UUIDField(_("幂等键"), unique=True, editable=False)


def latitude_field() -> models.DecimalField:
    return models.DecimalField(_("纬度（WGS-84）"), max_digits=9, decimal_places=6, null=True, blank=True)


def longitude_field() -> models.DecimalField:
    return models.DecimalField(_("经度（WGS-84）"), max_digits=9, decimal_places=6, null=True, blank=True)
