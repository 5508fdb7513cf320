"""Small helpers of the one-window tests."""

from __future__ import annotations

import io
import re
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


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch != 0x5C:
            out.append(ch)
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        if nxt.isdigit():
            digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            assert digits is not None
            out.append(int(digits.group(), 8))
            i += 1 + len(digits.group())
            continue
        out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"(": b"(", b")": b")", b"\\": b"\\"}.get(nxt, nxt)
        i += 2
    return bytes(out)


def pdf_text(data: bytes) -> tuple[str, str]:
    """The text of a PDF and the tool that read it: ``pdftotext`` when installed, else a reader of
    our own uncompressed CID-font streams (reportlab writes UTF-16BE strings for STSong-Light)."""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
        return done.stdout.decode("utf-8"), "pdftotext"
    parts = []
    for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", data, flags=re.S):
        text = _unescape(raw)
        try:
            parts.append(text.decode("utf-16-be"))
        except UnicodeDecodeError:
            parts.append(text.decode("latin-1"))
    return "\n".join(parts), "fallback"
