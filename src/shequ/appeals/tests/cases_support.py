"""Helpers of the case tests: grid boundaries on the mini city, photos, a case made through intake."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shequ.core.models import Area

#: Inside grid A / grid B once :func:`draw_grids` ran.
POINT_A = (118.7925, 32.0525)
POINT_B = (118.8025, 32.0525)
OUTSIDE = (116.40, 39.90)  # Beijing: in China, in no grid of this city


def box(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def draw_grids(mini: Any) -> None:
    """Boundaries for grid A and grid B (written directly: the test needs places, not boundary rules)."""
    now = timezone.now()
    Area.objects.filter(pk=mini.grid_a.pk).update(
        boundary=box(118.790, 32.050, 118.795, 32.055), updated_at=now
    )
    Area.objects.filter(pk=mini.grid_b.pk).update(
        boundary=box(118.800, 32.050, 118.805, 32.055), updated_at=now
    )


def jpeg_bytes(color: str = "red", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def photo_file(name: str = "photo.jpg", color: str = "red") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(color), content_type="image/jpeg")


def file_case(
    actor: Any,
    *,
    point: tuple[float, float] = POINT_A,
    text: str = "小区门口垃圾堆积好几天没人清运，臭味很大",
    **kwargs: Any,
) -> Any:
    from shequ.appeals.models import Channel
    from shequ.appeals.services import case_submit

    channel = kwargs.pop(
        "channel", Channel.PORTAL if getattr(actor, "kind", "") == "resident" else Channel.GRID_WORKER
    )
    return case_submit(actor=actor, channel=channel, text=text, lng=point[0], lat=point[1], **kwargs)
