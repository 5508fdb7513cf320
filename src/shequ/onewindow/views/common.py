"""Helpers the page modules share: reading uploads from a form, showing service errors."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ..uploads import MAX_UPLOAD_BYTES, Upload


def form_uploads(request: HttpRequest, material_ids: list[int]) -> list[Upload]:
    """Files named ``material_<id>`` (and, at the window, ``camera_<id>`` captures in Base64)."""
    uploads = []
    errors: dict[str, str] = {}
    for mid in material_ids:
        upload = request.FILES.get(f"material_{mid}")
        if upload is not None:
            if upload.size and upload.size > MAX_UPLOAD_BYTES:
                errors[f"material_{mid}"] = _("文件“%(name)s”超过%(mb)d MB，请压缩后再上传。") % {
                    "name": upload.name,
                    "mb": MAX_UPLOAD_BYTES // (1024 * 1024),
                }
                continue
            uploads.append(Upload(material_id=mid, filename=upload.name or "", data=upload.read()))
            continue
        captured = request.POST.get(f"camera_{mid}", "")
        if captured:
            try:
                data = base64.b64decode(captured, validate=True)
            except (binascii.Error, ValueError):
                errors[f"material_{mid}"] = _("高拍仪图像无效，请重新拍摄。")
                continue
            uploads.append(Upload(material_id=mid, filename=_("高拍仪拍摄.png"), data=data, source="camera"))
    if errors:
        raise ValidationError(errors)
    return uploads


def ids(request: HttpRequest, name: str) -> list[int]:
    out = []
    for raw in request.POST.getlist(name):
        try:
            out.append(int(raw))
        except (TypeError, ValueError):
            continue
    return out


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for texts in errors_of(exc).values():
        for text in texts:
            messages.error(request, text)


def flat(exc: ValidationError) -> list[str]:
    return [t for texts in errors_of(exc).values() for t in texts]


def none_if_blank(value: Any) -> Any:
    return value or None
