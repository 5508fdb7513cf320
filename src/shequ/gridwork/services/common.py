"""What the grid-work services share: the grid check, times, idempotent creation, photos."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.models import Area, AreaLevel
from shequ.registry.access import reaches

from .. import policy
from ..models import Photo
from ..photos import PhotoUpload, clean_photo

M = TypeVar("M", bound=models.Model)
Errors = dict[str, Any]


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def require_staff(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "kind", "") != "staff":
        raise ValidationError({"__all__": _("只有工作人员可以登记网格工作。")})


def writable_grid(errors: Errors, actor: Any, grid: Area | None, field: str = "grid") -> Area | None:
    """A current grid the actor serves (for a grid worker: one of their own grids)."""
    today = timezone.localdate()
    if (
        grid is None
        or grid.level != AreaLevel.GRID
        or (grid.valid_to is not None and grid.valid_to < today)
        or not reaches(actor, grid, write=True)
    ):
        errors[field] = _("请选择您负责的网格。")
        return None
    return grid


def require_write(actor: Any, grid: Area, field: str = "__all__") -> None:
    if not reaches(actor, grid, write=True):
        raise ValidationError({field: _("您没有在该网格登记的权限。")})


def moment(errors: Errors, field: str, value: datetime | None, *, now: datetime | None = None) -> datetime:
    """A time of a field record: now when not given; never in the future, at most 30 days back."""
    now = now or timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + policy.MAX_CLOCK_SKEW:
        errors[field] = _("时间不能晚于当前时间。")
    elif value < now - policy.MAX_BACKDATE:
        errors[field] = _("只能补录30天以内的记录。")
    return value


def text(errors: Errors, field: str, value: Any, *, max_length: int, required: bool = False) -> str:
    value = ("" if value is None else str(value)).replace("\x00", "").strip()
    if required and not value:
        errors[field] = _("此项为必填项。")
    elif len(value) > max_length:
        errors[field] = _("不能超过%(n)d个字。") % {"n": max_length}
    return value


def coordinate(errors: Errors, field: str, value: Any, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[field] = _("坐标无效。")
        return None
    if not number.is_finite() or abs(number) > limit:
        errors[field] = _("坐标无效。")
        return None
    return number


def parse_key(errors: Errors, value: Any, field: str = "key") -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        errors[field] = _("幂等键应为客户端生成的UUID。")
        return None


def replay(model: type[M], key: uuid.UUID, actor: Any, owner_field: str = "worker") -> M | None:
    """The row an earlier request with ``key`` made, if any; someone else's key is refused."""
    existing = model._default_manager.filter(key=key).first()
    if existing is not None and getattr(existing, f"{owner_field}_id") != actor.pk:
        raise ValidationError({"key": _("该幂等键已被使用，请重新生成。")})
    return existing


def create_once(
    model: type[M],
    key: uuid.UUID,
    actor: Any,
    build: Callable[[], M],
    *,
    conflict: ValidationError | None = None,
) -> tuple[M, bool]:
    """Get-or-create by idempotency key, safe under concurrency (unique key + savepoint).

    ``(row, True)`` when this call wrote it; ``(first row, False)`` for a repeat, also when
    a concurrent request with the same key committed first.
    """
    existing = replay(model, key, actor)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return build(), True
    except IntegrityError:
        existing = replay(model, key, actor)
        if existing is None:
            raise conflict or ValidationError({"__all__": _("提交冲突，请稍后重试。")}) from None
        return existing, False


def check_photos(errors: Errors, photos: list[PhotoUpload], *, field: str = "photos") -> list[Any]:
    """Validate every photo (Pillow) before anything is written; returns the cleaned ones."""
    if len(photos) > policy.PHOTOS_PER_RECORD:
        errors[field] = _("每条记录最多上传%(n)d张照片。") % {"n": policy.PHOTOS_PER_RECORD}
        return []
    cleaned = []
    for i, photo in enumerate(photos):
        prefix = f"{field}.{i}"
        try:
            clean = clean_photo(photo.data, field=f"{prefix}.data")
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        taken = moment(errors, f"{prefix}.taken_at", photo.taken_at)
        lat = coordinate(errors, f"{prefix}.lat", photo.lat, 90)
        lng = coordinate(errors, f"{prefix}.lng", photo.lng, 180)
        mark = text(errors, f"{prefix}.watermark", photo.watermark, max_length=200)
        cleaned.append((clean, taken, lat, lng, mark))
    return cleaned


def save_photos(cleaned: list[Any], *, actor: Any, grid: Area, **owner: Any) -> list[Photo]:
    saved = []
    for clean, taken, lat, lng, mark in cleaned:
        photo = Photo(
            grid=grid,
            taken_at=taken,
            lat=lat,
            lng=lng,
            watermark=mark,
            width=clean.width,
            height=clean.height,
            size=clean.size,
            uploaded_by=actor,
            **owner,
        )
        photo.file.save(clean.content.name, clean.content, save=False)
        photo.save()
        saved.append(photo)
    return saved
