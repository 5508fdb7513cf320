"""Photos of a case: checked to be real images (Pillow), size-capped, stripped of metadata, stored.

A photo arrives as an uploaded file (the portal and console forms), a ``data:image/...;base64,``
URL or bare base64 (the JSON API).  Anything that Pillow cannot open as a JPEG, PNG or WebP
image is refused, whatever its name says; a file above the cap is refused before it is read.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .. import policy
from ..models import PHOTOS_PER_CASE, Case, CasePhoto

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
DATA_URL = re.compile(r"^data:image/[a-z0-9.+-]+;base64,", re.IGNORECASE)
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048


@dataclass
class CleanPhoto:
    content: ContentFile[bytes]
    width: int
    height: int
    size: int


def _too_big(name: str) -> ValidationError:
    return ValidationError(
        {
            "photos": _("照片“%(name)s”超过%(mb)sMB，请压缩后重新上传。")
            % {"name": name, "mb": int(policy.photo_max_mb())}
        }
    )


def _raw(photo: Any, index: int) -> tuple[bytes, str]:
    cap = policy.photo_max_bytes()
    if isinstance(photo, UploadedFile):
        name = str(photo.name or index + 1)[:60]
        if photo.size is not None and photo.size > cap:
            raise _too_big(name)
        data = photo.read(cap + 1)
        if len(data) > cap:
            raise _too_big(name)
        return data, name
    name = _("第%(n)d张") % {"n": index + 1}
    if isinstance(photo, bytes):
        if len(photo) > cap:
            raise _too_big(name)
        return photo, name
    if not isinstance(photo, str) or not photo:
        raise ValidationError({"photos": _("照片数据无效，请重新上传。")})
    match = DATA_URL.match(photo)
    body = photo[match.end() :] if match else photo
    if len(body) > cap * 4 // 3 + 4:
        raise _too_big(name)
    try:
        return base64.b64decode(body, validate=True), name
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"photos": _("照片数据无效，请重新上传。")}) from exc


def clean_photo(photo: Any, index: int = 0) -> CleanPhoto:
    """Verify and re-encode one photo; a bad one raises ``ValidationError({"photos": ...})``."""
    raw, name = _raw(photo, index)
    not_an_image = ValidationError({"photos": _("“%(name)s”不是有效的图片文件。") % {"name": name}})
    if not raw:
        raise not_an_image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise ValidationError({"photos": _("照片像素过多，请降低分辨率后重新上传。")})
                probe.verify()
            with Image.open(io.BytesIO(raw)) as opened:
                opened.load()
                upright: Image.Image = ImageOps.exif_transpose(opened) or opened
                image = upright.convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    except (Image.DecompressionBombWarning, MemoryError) as exc:
        raise ValidationError({"photos": _("照片像素过多，请降低分辨率后重新上传。")}) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    content = out.getvalue()
    return CleanPhoto(
        ContentFile(content, name=f"{uuid.uuid4().hex}.jpg"), image.width, image.height, len(content)
    )


def clean_photos(photos: Iterable[Any] | None, *, limit: int = PHOTOS_PER_CASE) -> list[CleanPhoto]:
    items = [p for p in (photos or []) if p not in (None, "", b"")]
    if len(items) > limit:
        raise ValidationError({"photos": _("最多上传%(n)d张照片。") % {"n": limit}})
    return [clean_photo(p, i) for i, p in enumerate(items)]


def store_photos(case: Case, photos: list[CleanPhoto], *, stage: str, actor: Any) -> list[CasePhoto]:
    uploader = actor if getattr(actor, "is_authenticated", False) else None
    stored = []
    for photo in photos:
        row = CasePhoto(
            case=case,
            stage=stage,
            width=photo.width,
            height=photo.height,
            size=photo.size,
            uploaded_by=uploader,
        )
        row.image.save(photo.content.name or "photo.jpg", photo.content, save=False)
        row.save()
        stored.append(row)
    return stored
