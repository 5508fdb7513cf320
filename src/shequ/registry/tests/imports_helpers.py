"""Roster files made in the tests: xlsx (openpyxl), csv in UTF-8 or GB18030, a minimal ods."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from shequ.demo.factories import make_citizen_id

PEOPLE_HEADER = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "联系电话", "所在网格", "居住状态"]


def cid(seq: int, birth: date = date(1970, 3, 8), region: str = "320102") -> str:
    return make_citizen_id(region, birth, seq)


def bad_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:17] + last


def xlsx_bytes(
    header: list[str], rows: list[list[Any]], *, formulas: dict[tuple[int, int], str] | None = None
) -> bytes:
    """A workbook whose first sheet holds ``header`` and ``rows``; ``formulas`` at (row, col), 1-based."""
    book = Workbook()
    sheet = book.active
    sheet.title = "人员花名册"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for (r, c), formula in (formulas or {}).items():
        sheet.cell(row=r, column=c, value=formula)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def ods_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """A minimal OpenDocument spreadsheet (what WPS and LibreOffice also save)."""

    def cell(value: Any) -> str:
        text = escape(str(value))
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in [header, *rows]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def person_row(name: str, number: Any, grid: str, **extra: Any) -> list[Any]:
    return [
        name,
        extra.get("doc", "居民身份证"),
        number,
        extra.get("sex", ""),
        extra.get("birth", ""),
        extra.get("phone", ""),
        grid,
        extra.get("status", ""),
    ]
