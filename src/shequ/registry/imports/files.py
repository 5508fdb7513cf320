"""Uploaded roster files: kept encrypted under the var dir, recognised by content, read row by row.

The format is sniffed from the bytes, never the name: OLE2 (xls, WPS .et), zip (xlsx, xlsb,
WPS-saved xlsx, ods) or text (csv in UTF-8 with or without BOM, or GB18030).  python-calamine
reads the spreadsheets; it returns the values a spreadsheet stored, never evaluating a
formula.  Formula cells of xlsx files are found in the sheet XML and reported.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import python_calamine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shequ.core.pii import decrypt, encrypt

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
FILE_LABEL = "registry.importjob.file"
#: Rows above the header tried when looking for it (a title row is common in rosters).
HEADER_SEARCH_ROWS = 3


def max_bytes() -> int:
    return int(getattr(settings, "SHEQU_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "SHEQU_IMPORT_MAX_ROWS", 1_000_000))


def file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


# --------------------------------------------------------------------------- storage


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(data: bytes) -> str:
    """Write ``data`` encrypted; return the storage name."""
    key = f"{uuid.uuid4().hex}.bin"
    token = encrypt(base64.b64encode(data).decode("ascii"), label=FILE_LABEL)
    (_folder() / key).write_text(token, encoding="ascii")
    return key


def load(key: str) -> bytes:
    if not re.fullmatch(r"[0-9a-f]{32}\.bin", key or ""):
        raise file_error(_("上传的文件已不存在，请重新上传。"))
    path = _folder() / key
    if not path.exists():
        raise file_error(_("上传的文件已不存在，请重新上传。"))
    return base64.b64decode(decrypt(path.read_text(encoding="ascii"), label=FILE_LABEL))


def discard(key: str) -> None:
    if re.fullmatch(r"[0-9a-f]{32}\.bin", key or ""):
        (_folder() / key).unlink(missing_ok=True)


# --------------------------------------------------------------------------- sniffing


def sniff(data: bytes) -> str:
    """``xls``, ``xlsx``, ``xlsb``, ``ods`` or ``csv``; a clear error for anything else."""
    if not data:
        raise file_error(_("文件是空的。"))
    if data.startswith(OLE2_MAGIC):
        return "xls"
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "xl/workbook.bin" in names:
                    return "xlsb"
                if "mimetype" in names and archive.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet"
                ):
                    return "ods"
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise not_a_spreadsheet() from exc
        raise not_a_spreadsheet()
    head = data[:65536]
    if b"\x00" in head or _binary_share(head) > 0.02:
        raise not_a_spreadsheet()
    return "csv"


def _binary_share(head: bytes) -> float:
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return controls / max(len(head), 1)


def not_a_spreadsheet() -> ValidationError:
    return file_error(
        _(
            "无法识别该文件：它不是电子表格（支持 Excel 的 xlsx、xls，WPS 表格的 et，"
            "以及 UTF-8 或 GB18030 编码的 csv）。请用表格软件打开后另存为 xlsx 再上传。"
        )
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a csv and its encoding: UTF-8 (BOM or not), else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise file_error(_("无法识别文件的文字编码。请将 csv 文件另存为 UTF-8 或 GB18030（GBK）编码后再上传。"))


# --------------------------------------------------------------------------- reading


@dataclass
class Sheet:
    """A sheet's header and data rows. ``rows`` yields (row number as the user sees it, values)."""

    format: str
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Any]]]
    total: int
    formulas: set[tuple[int, int]] = field(default_factory=set)
    has_formulas: bool = False
    encoding: str = ""


def _header_score(cells: list[Any], known: set[str]) -> int:
    return sum(1 for c in cells if isinstance(c, str) and c.strip() in known)


def _pick_header(first_rows: list[list[Any]], known: set[str]) -> int:
    best, best_score = 0, -1
    for i, cells in enumerate(first_rows[:HEADER_SEARCH_ROWS]):
        score = _header_score(cells, known)
        if score > best_score:
            best, best_score = i, score
    return best


def read(data: bytes, known_headers: set[str]) -> Sheet:
    fmt = sniff(data)
    if fmt == "csv":
        return _read_csv(data, known_headers)
    return _read_workbook(data, fmt, known_headers)


def _read_csv(data: bytes, known: set[str]) -> Sheet:
    text, encoding = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        first: list[list[Any]] = []
        for cells in reader:
            first.append(cells)
            if len(first) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise not_a_spreadsheet() from exc
    if not first:
        raise file_error(_("文件是空的。"))
    at = _pick_header(first, known)
    total = max(text.count("\n") + (0 if text.endswith("\n") else 1) - (at + 1), 0)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        for number, cells in enumerate(first, start=1):
            if number > at + 1:
                yield number, cells
        try:
            for cells in reader:
                number += 1
                yield number, cells
        except csv.Error as exc:
            raise file_error(_("第%(row)d行的格式有误（引号不配对）。") % {"row": number + 1}) from exc

    return Sheet(
        format="csv",
        header=[str(c).strip() for c in first[at]],
        header_row=at + 1,
        rows=rows(),
        total=total,
        encoding="GB18030" if encoding == "gb18030" else "UTF-8",
    )


def _read_workbook(data: bytes, fmt: str, known: set[str]) -> Sheet:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        chosen = 0
        sheet = None
        for index in range(min(len(names), 5)):
            candidate = book.get_sheet_by_index(index)
            head = [list(r) for _i, r in zip(range(HEADER_SEARCH_ROWS), candidate.iter_rows(), strict=False)]
            if any(_header_score(r, known) for r in head):
                chosen, sheet = index, candidate
                break
        if sheet is None:
            sheet = book.get_sheet_by_index(0)
    except python_calamine.PasswordError as exc:
        raise file_error(_("文件设置了密码，请取消密码保护后再上传。")) from exc
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise not_a_spreadsheet() from exc
    except Exception as exc:  # calamine raises its own errors for damaged files
        raise not_a_spreadsheet() from exc
    start_row, start_col = sheet.start or (0, 0)
    iterator = sheet.iter_rows()
    first = [list(r) for _i, r in zip(range(HEADER_SEARCH_ROWS), iterator, strict=False)]
    if not first:
        raise file_error(_("文件是空的。"))
    at = _pick_header(first, known)
    pad = [""] * start_col

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = start_row
        for number, cells in enumerate(first, start=start_row + 1):
            if number > start_row + at + 1:
                yield number, pad + cells
        for cells in iterator:
            number += 1
            yield number, pad + list(cells)

    formulas: set[tuple[int, int]] = set()
    has_formulas = False
    if fmt == "xlsx":
        formulas = _xlsx_formula_cells(data, chosen)
    elif fmt == "ods":
        has_formulas = _ods_has_formulas(data)
    header_cells = pad + first[at]
    return Sheet(
        format=fmt,
        header=[str(c).strip() if c is not None else "" for c in header_cells],
        header_row=start_row + at + 1,
        rows=rows(),
        total=max(sheet.height - at - 1, 0),
        formulas=formulas,
        has_formulas=has_formulas,
    )


_CELL_WITH_FORMULA = re.compile(rb"<c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]+)\"[^>]*?(?<!/)>\s*<f\b")


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters.decode("ascii"):
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _xlsx_sheet_path(archive: zipfile.ZipFile, index: int) -> str | None:
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 - our own bounded parse
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ElementTree.ParseError):
        return None
    sheets = book.findall("m:sheets/m:sheet", ns)
    if index >= len(sheets):
        return None
    rid = sheets[index].get(f"{{{ns['r']}}}id")
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _xlsx_formula_cells(data: bytes, index: int) -> set[tuple[int, int]]:
    """(row number, column index) of every formula cell of the chosen sheet, read in chunks."""
    found: set[tuple[int, int]] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = _xlsx_sheet_path(archive, index)
        if path is None or path not in archive.namelist():
            return found
        carry = b""
        with archive.open(path) as stream:
            while True:
                chunk = stream.read(1 << 20)
                if not chunk:
                    break
                buffer = carry + chunk
                cut = buffer.rfind(b"<c ")
                if cut < 0:
                    cut = len(buffer)
                body, carry = buffer[:cut], buffer[cut:]
                if b"<f" in body:
                    for m in _CELL_WITH_FORMULA.finditer(body):
                        found.add((int(m.group(2)), _column_index(m.group(1))))
            if b"<f" in carry:
                for m in _CELL_WITH_FORMULA.finditer(carry):
                    found.add((int(m.group(2)), _column_index(m.group(1))))
    return found


def _ods_has_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            with archive.open("content.xml") as stream:
                carry = b""
                while chunk := stream.read(1 << 20):
                    if b"table:formula=" in carry + chunk:
                        return True
                    carry = chunk[-20:]
        except KeyError:
            return False
    return False
