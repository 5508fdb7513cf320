"""Photos: real images only (Pillow), metadata stripped, size and dimensions capped, clear messages."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from shequ.gridwork import policy
from shequ.gridwork.factories import data_url, png_bytes
from shequ.gridwork.photos import clean_photo


def _message(data: str) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        clean_photo(data, field="photo")
    return exc.value.message_dict["photo"]


def test_a_real_photo_is_re_encoded_as_jpeg() -> None:
    clean = clean_photo(data_url(png_bytes(120, 90)))
    image = Image.open(io.BytesIO(clean.content.read()))
    assert image.format == "JPEG"
    assert image.size == (120, 90) == (clean.width, clean.height)
    assert clean.size == len(clean.content)


def test_metadata_is_stripped_and_orientation_applied() -> None:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90°
    raw = io.BytesIO()
    Image.new("RGB", (100, 40), (200, 10, 10)).save(raw, format="JPEG", exif=exif.tobytes())
    clean = clean_photo(data_url(raw.getvalue(), "image/jpeg"))
    stored = clean.content.read()
    image = Image.open(io.BytesIO(stored))
    assert image.size == (40, 100)  # turned upright before the orientation tag was dropped
    assert not image.getexif()
    assert b"SecretCam" not in stored


def test_large_photos_are_scaled_down() -> None:
    clean = clean_photo(data_url(png_bytes(4000, 1000)))
    assert (clean.width, clean.height) == (policy.PHOTO_MAX_SIDE, 512)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "请上传照片。"),
        ("data:image/png;base64,@@@not-base64@@@", "照片数据无效，请重新拍摄。"),
        (data_url("这不是图片".encode()), "上传的文件不是有效的图片。"),
        (data_url(b"%PDF-1.4\n%\xe2\xe3"), "上传的文件不是有效的图片。"),
        (data_url(png_bytes()[:60]), "上传的文件不是有效的图片。"),  # a truncated PNG
    ],
)
def test_bad_uploads_get_a_field_message(data: str, message: str) -> None:
    assert _message(data) == [message]


def test_other_image_formats_are_refused() -> None:
    raw = io.BytesIO()
    Image.new("RGB", (10, 10)).save(raw, format="GIF")
    assert _message(data_url(raw.getvalue(), "image/png")) == ["上传的文件不是有效的图片。"]


def test_too_many_pixels_is_refused_before_decoding() -> None:
    raw = io.BytesIO()
    Image.new("1", (10000, 5000)).save(raw, format="PNG")  # 50 megapixels in a small file
    assert _message(data_url(raw.getvalue())) == ["照片像素过多，请降低分辨率后重新上传。"]


def test_too_many_bytes_is_refused() -> None:
    body = base64.b64encode(b"\0" * (policy.PHOTO_MAX_BYTES + 1)).decode()
    assert _message("data:image/jpeg;base64," + body) == ["照片太大，请压缩后重新上传（不超过8MB）。"]
