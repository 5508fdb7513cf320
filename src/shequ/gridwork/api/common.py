"""What the grid-work API modules share: the router, scoped-model markers, output helpers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router

from .. import selectors
from ..models import Finding, Need, Photo
from ..photos import PhotoUpload
from ..schemas import GridworkFindingOut, GridworkNeedOut, GridworkPhotoIn, GridworkPhotoOut

router = Router(tags=["gridwork"])

VISIT = {"x-scoped-model": "gridwork.Visit"}
CHECK = {"x-scoped-model": "gridwork.HazardCheck"}
FINDING = {"x-scoped-model": "gridwork.Finding"}
NEED = {"x-scoped-model": "gridwork.Need"}
PATROL = {"x-scoped-model": "gridwork.Patrol"}


def grid_or_error(actor: Any, grid_id: int | None, errors: dict[str, str]) -> Any:
    grid = selectors.grid_for(actor, grid_id)
    if grid is None:
        errors["grid_id"] = _("请选择您负责的网格。")
    return grid


def renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


def photo_in(p: GridworkPhotoIn | None) -> PhotoUpload | None:
    if p is None:
        return None
    return PhotoUpload(data=p.data, taken_at=p.taken_at, lat=p.lat, lng=p.lng, watermark=p.watermark)


def photo_out(p: Photo) -> GridworkPhotoOut:
    return GridworkPhotoOut(
        id=p.pk,
        url=reverse("gridwork:photo", kwargs={"photo_id": p.pk}),
        taken_at=p.taken_at,
        lat=float(p.lat) if p.lat is not None else None,
        lng=float(p.lng) if p.lng is not None else None,
        watermark=p.watermark,
        width=p.width,
        height=p.height,
    )


def need_out(n: Need) -> GridworkNeedOut:
    return GridworkNeedOut(
        id=n.pk,
        kind=n.kind,
        kind_label=str(n.get_kind_display()),
        description=n.description,
        status=n.status,
        status_label=str(n.get_status_display()),
        referred_target=n.referred_target,
        reference=n.reference,
    )


def finding_out(f: Finding, photos: list[Photo] | None = None) -> GridworkFindingOut:
    if photos is None:
        photos = list(f.photos.all())
    return GridworkFindingOut(
        id=f.pk,
        check_id=f.check_record_id,
        grid_id=f.grid_id,
        grid_name=f.grid.name,
        item_id=f.item_id,
        description=f.description,
        severity=f.severity,
        severity_label=str(f.get_severity_display()),
        due_on=f.due_on,
        status=f.status,
        status_label=str(f.get_status_display()),
        rectify_note=f.rectify_note,
        verify_note=f.verify_note,
        photos=[photo_out(p) for p in photos],
    )


def name_of(user: Any) -> str:
    return str(getattr(user, "display_name", "") or getattr(user, "username", ""))
