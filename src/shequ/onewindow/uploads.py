"""Checking uploaded files: type by content (Pillow for images, the PDF signature), and size."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

#: The largest file one material may be (a phone photo fits comfortably).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ALLOWED = {"JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass(frozen=True)
class Upload:
    """A file offered for one material: its name and bytes (checked by :func:`check_upload`)."""

    material_id: int
    filename: str
    data: bytes
    source: str = "upload"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    sha256: str


def check_upload(filename: str, data: bytes) -> CheckedFile:
    """The file's real type, or ``ValueError`` with a Chinese message saying what is wrong."""
    name = filename or _("未命名文件")
    if not data:
        raise ValueError(_("文件“%(name)s”是空的。") % {"name": name})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(
            _("文件“%(name)s”超过%(mb)d MB，请压缩后再上传。")
            % {"name": name, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValueError(_("文件“%(name)s”不是完整的PDF文件。") % {"name": name})
        return CheckedFile("application/pdf", "pdf", digest)
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except Exception as exc:
        raise ValueError(
            _("文件“%(name)s”的格式不支持，请上传JPG、PNG图片或PDF文件。") % {"name": name}
        ) from exc
    if kind not in ALLOWED:
        raise ValueError(_("文件“%(name)s”的格式不支持，请上传JPG、PNG图片或PDF文件。") % {"name": name})
    return CheckedFile(ALLOWED[kind], "jpg" if kind == "JPEG" else "png", digest)
