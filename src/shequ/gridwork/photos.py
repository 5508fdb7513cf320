"""Photos from the field: checked to be real images, stripped of metadata, capped, stored.

The browser draws the watermark (time in Beijing time, WGS-84 coordinates, grid name) onto
the picture on a canvas before it is queued or sent, so a photo taken offline carries its
mark.  Here the upload (a ``data:image/...;base64,`` URL) is decoded, opened with Pillow,
re-encoded as JPEG without EXIF or other metadata (orientation applied first), and scaled
down to at most ``PHOTO_MAX_SIDE`` pixels on its longer side.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import policy

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
DATA_URL = re.compile(r"^data:image/(?:jpeg|jpg|png|webp);base64,", re.IGNORECASE)


@dataclass
class PhotoUpload:
    """A photo as the client sends it."""

    data: str
    taken_at: datetime | None = None
    lat: Decimal | float | None = None
    lng: Decimal | float | None = None
    watermark: str = ""


@dataclass
class CleanPhoto:
    content: ContentFile[bytes]
    width: int
    height: int
    size: int


def _decode(data: str, field: str) -> bytes:
    if not isinstance(data, str) or not data:
        raise ValidationError({field: _("请上传照片。")})
    match = DATA_URL.match(data)
    body = data[match.end() :] if match else data
    if len(body) > policy.PHOTO_MAX_BYTES * 4 // 3 + 4:
        raise ValidationError({field: _("照片太大，请压缩后重新上传（不超过8MB）。")})
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({field: _("照片数据无效，请重新拍摄。")}) from exc
    if not raw:
        raise ValidationError({field: _("请上传照片。")})
    if len(raw) > policy.PHOTO_MAX_BYTES:
        raise ValidationError({field: _("照片太大，请压缩后重新上传（不超过8MB）。")})
    return raw


def clean_photo(data: str, *, field: str = "photo") -> CleanPhoto:
    """Decode, verify and re-encode a photo; a bad one raises ``ValidationError({field: ...})``."""
    raw = _decode(data, field)
    not_an_image = ValidationError({field: _("上传的文件不是有效的图片。")})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                width, height = probe.size
                if width * height > policy.PHOTO_MAX_PIXELS:
                    raise ValidationError({field: _("照片像素过多，请降低分辨率后重新上传。")})
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
        raise ValidationError({field: _("照片像素过多，请降低分辨率后重新上传。")}) from exc
    image.thumbnail((policy.PHOTO_MAX_SIDE, policy.PHOTO_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif=: metadata is dropped
    content = out.getvalue()
    return CleanPhoto(
        content=ContentFile(content, name=f"{uuid.uuid4().hex}.jpg"),
        width=image.width,
        height=image.height,
        size=len(content),
    )


def photo_list(value: Any, field: str = "photos") -> list[PhotoUpload]:
    if value is None:
        return []
    photos = list(value)
    if len(photos) > policy.PHOTOS_PER_RECORD:
        raise ValidationError({field: _("每条记录最多上传%(n)d张照片。") % {"n": policy.PHOTOS_PER_RECORD}})
    return photos
