"""Small helpers of the one-window tests."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

from PIL import Image

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def upload(material: Any, data: bytes | None = None, name: str = "scan.png") -> Any:
    from shequ.onewindow.uploads import Upload

    return Upload(material_id=material.pk, filename=name, data=data if data is not None else png_bytes())


def pdf_text(data: bytes) -> str:
    """The text of a PDF as poppler's ``pdftotext`` reads it (``make test`` installs poppler-utils)."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: run the tests through `make test`, which installs poppler-utils"
    done = subprocess.run([tool, "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")
