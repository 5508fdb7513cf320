"""The downloadable xlsx template of each roster kind: a data sheet and a sheet of instructions."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from .. import selectors
from .columns import COLUMNS, SHEET_TITLES

#: Rows of the data sheet given the columns' formats and drop-down lists.
PREPARED_ROWS = 5000
#: Grids listed on the instructions sheet at most.
LISTED_GRIDS = 2000


def template_xlsx(kind: str, actor: Any) -> bytes:
    columns = COLUMNS[kind]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "font_color": "#C00000"})
    as_text = book.add_format({"num_format": "@"})
    as_date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(SHEET_TITLES[kind])
    for col, column in enumerate(columns):
        label = column.header + ("*" if column.required else "")
        sheet.write_string(0, col, column.header, required if column.required else head)
        if column.kind == "date":
            sheet.set_column(col, col, column.width, as_date)
        else:
            # every other column is text, so that ID numbers and phones keep every digit
            sheet.set_column(col, col, column.width, as_text)
        labels = column.allowed_labels()
        exclude = set(column.extra.get("exclude", ()))
        if column.choices is not None and exclude:
            labels = [lb for lb, v in zip(labels, column.choices.values, strict=True) if v not in exclude]
        if labels and len("，".join(labels)) < 250:
            sheet.data_validation(
                1, col, PREPARED_ROWS, col, {"validate": "list", "source": labels, "ignore_blank": True}
            )
        if column.help or column.required:
            note = label + "：" + (_(column.help) if column.help else _("必填"))
            sheet.write_comment(0, col, note, {"x_scale": 2, "y_scale": 1.2})
    sheet.freeze_panes(1, 0)

    info = book.add_worksheet(_("填写说明"))
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    info.set_column(0, 0, 16)
    info.set_column(1, 1, 8)
    info.set_column(2, 2, 50, wrap)
    info.set_column(3, 3, 50, wrap)
    info.set_column(4, 4, 26)
    titles = [_("列名"), _("必填"), _("说明"), _("可填的值"), _("示例")]
    for col, title in enumerate(titles):
        info.write_string(0, col, title, head)
    for row, column in enumerate(columns, start=1):
        info.write_string(row, 0, column.header)
        info.write_string(row, 1, _("是") if column.required else "")
        info.write_string(row, 2, _(column.help) if column.help else "")
        labels = column.allowed_labels()
        info.write_string(row, 3, "、".join(labels))
        info.write_string(row, 4, str(column.example or ""))
    row = len(columns) + 2
    notes = [
        _("第一行是列名，请不要修改；从第二行起每行一条。"),
        _("证件号码、电话请保持“文本”格式，否则表格软件会把号码变成 3.20102E+17 这样的数字并丢失末几位。"),
        _("请不要在单元格中使用公式。"),
        _("上传后系统会先检查，列出每个问题所在的行和列；确认后才会导入。"),
    ]
    for note in notes:
        info.write_string(row, 0, note)
        row += 1
    row += 1
    info.write_string(row, 0, _("您可以填写的网格"), head)
    info.write_string(row, 2, _("网格编码"), head)
    row += 1
    for grid in selectors.grids_for(actor, write=True)[:LISTED_GRIDS]:
        info.write_string(row, 0, grid.name)
        info.write_string(row, 2, grid.code or "")
        row += 1
    book.close()
    return buffer.getvalue()


def template_name(kind: str) -> str:
    return f"{SHEET_TITLES[kind]}{_('模板')}.xlsx"
