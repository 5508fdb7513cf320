"""Reading rosters: formats recognised by content (xlsx, WPS et, ods, csv in UTF-8 or GB18030).

Bad files are refused with a clear message.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from shequ.registry.imports import files
from shequ.registry.imports.checks import known_headers

from .imports_helpers import PEOPLE_HEADER, csv_bytes, ods_bytes, xlsx_bytes

KNOWN = known_headers("people")
ROWS = [["张三", "居民身份证", "11010519491231002X", "", "", "", "大悲巷第一网格", ""]]


def _rows(sheet: files.Sheet) -> list[tuple[int, list[object]]]:
    return [(n, list(cells)) for n, cells in sheet.rows]


def test_xlsx_and_a_renamed_wps_file_are_read_by_content() -> None:
    data = xlsx_bytes(PEOPLE_HEADER, ROWS)
    for _name in ("roster.xlsx", "roster.et", "roster.xls"):
        sheet = files.read(data, KNOWN)
        assert sheet.format == "xlsx"
        assert sheet.header == PEOPLE_HEADER
        assert sheet.header_row == 1
        rows = _rows(sheet)
        assert rows[0][0] == 2
        assert rows[0][1][:3] == ["张三", "居民身份证", "11010519491231002X"]


def test_ods_is_read_through_calamine() -> None:
    sheet = files.read(ods_bytes(PEOPLE_HEADER, ROWS), KNOWN)
    assert sheet.format == "ods"
    assert sheet.header == PEOPLE_HEADER
    assert _rows(sheet)[0][1][0] == "张三"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (csv_bytes(PEOPLE_HEADER, ROWS, "utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + csv_bytes(PEOPLE_HEADER, ROWS, "utf-8"), "UTF-8"),
        (csv_bytes(PEOPLE_HEADER, ROWS, "gb18030"), "GB18030"),
    ],
)
def test_csv_in_utf8_with_or_without_bom_and_gb18030(data: bytes, encoding: str) -> None:
    sheet = files.read(data, KNOWN)
    assert sheet.format == "csv"
    assert sheet.encoding == encoding
    assert sheet.header == PEOPLE_HEADER
    rows = _rows(sheet)
    assert rows == [(2, ROWS[0])]
    assert sheet.total == 1


def test_gb18030_text_is_not_mistaken_for_utf8() -> None:
    data = csv_bytes(PEOPLE_HEADER, [["龘䶮", "居民身份证", "x", "", "", "", "网格", ""]], "gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    sheet = files.read(data, KNOWN)
    assert _rows(sheet)[0][1][0] == "龘䶮"


def test_a_title_row_above_the_header_is_skipped() -> None:
    data = csv_bytes(["大悲巷社区人员花名册"], [PEOPLE_HEADER, *ROWS])
    sheet = files.read(data, KNOWN)
    assert sheet.header == PEOPLE_HEADER
    assert sheet.header_row == 2
    assert _rows(sheet)[0][0] == 3


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00\x00\x01",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # an OLE2 box that is no workbook
    ],
    ids=["pdf", "png", "broken-ole2"],
)
def test_a_renamed_non_spreadsheet_is_refused_with_a_clear_message(data: bytes) -> None:
    with pytest.raises(ValidationError) as exc:
        files.read(data, KNOWN)
    assert "不是电子表格" in exc.value.message_dict["file"][0]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ValidationError) as exc:
        files.read(buffer.getvalue(), KNOWN)
    assert "不是电子表格" in exc.value.message_dict["file"][0]


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        files.read(b"", KNOWN)
    assert exc.value.message_dict["file"] == ["文件是空的。"]


def test_formula_cells_of_an_xlsx_are_found_where_they_are() -> None:
    data = xlsx_bytes(PEOPLE_HEADER, [ROWS[0], ROWS[0]], formulas={(3, 1): "=A2", (2, 8): "=1+1"})
    sheet = files.read(data, KNOWN)
    assert sheet.formulas == {(3, 0), (2, 7)}


def test_stored_files_are_encrypted_and_come_back_whole(settings: object, tmp_path: object) -> None:
    data = "张三,32010219700308001X\n".encode()
    key = files.store(data)
    stored = (files._folder() / key).read_bytes()
    assert "张三".encode() not in stored
    assert b"32010219700308001X" not in stored
    assert files.load(key) == data
    files.discard(key)
    with pytest.raises(ValidationError):
        files.load(key)
    with pytest.raises(ValidationError):
        files.load("../../etc/passwd")
