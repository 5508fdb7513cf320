"""Export of the actor's registry to xlsx: masked by default, formula-safe, written to a temporary file.

Every text cell passes through the audit export's ``safe_cell`` (a leading = + - @ tab or CR
gets an apostrophe), and xlsxwriter is told never to turn strings into formulas.  The
workbook is written in constant-memory mode to a temporary file that the response streams.
A full (unmasked) export needs the reveal permission and a reason; every export is audited.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.pii import REVEAL_PERMISSION, Sealed
from shequ.core.views_audit import safe_cell

from .. import selectors
from ..access import registry_q
from ..models import ImportKind, Membership
from .columns import SHEET_TITLES


def max_export_rows() -> int:
    return int(getattr(settings, "SHEQU_EXPORT_MAX_ROWS", 1_000_000))


def _sealed(value: Any, reveal: bool) -> str:
    if isinstance(value, Sealed):
        return value.plaintext_for_processing() if reveal else value.masked
    return "" if value is None else str(value)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _person_cells(p: Any, reveal: bool, today: date) -> list[Any]:
    age_or_birth = _day(p.birth_date) if reveal else p.age_on(today)
    return [
        p.name,
        str(p.get_id_doc_type_display()),
        _sealed(p.id_number, reveal),
        str(p.get_sex_display()) if p.sex else "",
        age_or_birth if age_or_birth is not None else "",
        _sealed(p.phone, reveal),
    ]


def _person_heads(reveal: bool) -> list[str]:
    return [
        _("姓名"),
        _("证件类型"),
        _("证件号码"),
        _("性别"),
        _("出生日期") if reveal else _("年龄"),
        _("联系电话"),
    ]


def _people(actor: Any, reveal: bool) -> tuple[list[str], Any, Callable[[Any], list[Any]]]:
    today = timezone.localdate()
    qs = selectors.persons_visible_to(actor).select_related("grid").order_by("grid__path", "id")
    heads = [_("编号"), *_person_heads(reveal), _("所在网格"), _("居住状态"), _("户籍地址"), _("现居住地址")]

    def row(p: Any) -> list[Any]:
        return [
            p.pk,
            *_person_cells(p, reveal, today),
            p.grid.name,
            str(p.get_residence_status_display()),
            _sealed(p.registered_address, reveal),
            _sealed(p.resident_address, reveal),
        ]

    return heads, qs, row


def _households(actor: Any, reveal: bool) -> tuple[list[str], Any, Callable[[Any], list[Any]]]:
    today = timezone.localdate()
    qs = (
        Membership.objects.filter(registry_q(actor, "household__grid"))
        .filter(valid_to__isnull=True, household__moved_out_on__isnull=True)
        .select_related("household__grid", "person")
        .order_by("household__grid__path", "household_id", "id")
    )
    heads = [
        _("户号"),
        _("与户主关系"),
        *_person_heads(reveal),
        _("所在网格"),
        _("户别"),
        _("详细地址"),
        _("入住日期"),
    ]

    def row(m: Any) -> list[Any]:
        h = m.household
        return [
            h.pk,
            str(m.get_relation_display()),
            *_person_cells(m.person, reveal, today),
            h.grid.name,
            str(h.get_kind_display()),
            _sealed(h.address, reveal),
            _day(h.moved_in_on),
        ]

    return heads, qs, row


def _places(actor: Any, reveal: bool) -> tuple[list[str], Any, Callable[[Any], list[Any]]]:
    qs = selectors.places_visible_to(actor).order_by("grid__path", "id")
    heads = [_("编号"), _("名称"), _("类型"), _("所在网格"), _("地址"), _("联系电话"), _("纬度"), _("经度")]

    def row(p: Any) -> list[Any]:
        return [
            p.pk,
            p.name,
            str(p.get_kind_display()),
            p.grid.name,
            p.address,
            _sealed(p.contact_phone, reveal),
            str(p.latitude) if p.latitude is not None else "",
            str(p.longitude) if p.longitude is not None else "",
        ]

    return heads, qs, row


def _buildings(actor: Any, reveal: bool) -> tuple[list[str], Any, Callable[[Any], list[Any]]]:
    qs = selectors.buildings_visible_to(actor).order_by("grid__path", "id")
    heads = [
        _("编号"),
        _("楼栋名称"),
        _("楼栋号"),
        _("所在网格"),
        _("地址"),
        _("单元数"),
        _("层数"),
        _("类型"),
        _("纬度"),
        _("经度"),
    ]

    def row(b: Any) -> list[Any]:
        return [
            b.pk,
            b.name,
            b.number,
            b.grid.name,
            b.address,
            b.units,
            b.floors,
            str(b.get_kind_display()),
            str(b.latitude) if b.latitude is not None else "",
            str(b.longitude) if b.longitude is not None else "",
        ]

    return heads, qs, row


Source = Callable[[Any, bool], tuple[list[str], Any, Callable[[Any], list[Any]]]]

SOURCES: dict[str, Source] = {
    ImportKind.PEOPLE: _people,
    ImportKind.HOUSEHOLDS: _households,
    ImportKind.PLACES: _places,
    ImportKind.BUILDINGS: _buildings,
}


def export_filename(kind: str, reveal: bool) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    suffix = _("（完整）") if reveal else _("（脱敏）")
    return f"{SHEET_TITLES[kind]}{suffix}{stamp}.xlsx"


def _write(path: str, kind: str, heads: list[str], rows: Iterator[list[Any]]) -> None:
    book = xlsxwriter.Workbook(
        path, {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = book.add_worksheet(SHEET_TITLES[kind])
    bold = book.add_format({"bold": True})
    sheet.set_column(0, len(heads) - 1, 16)
    for col, title in enumerate(heads):
        sheet.write_string(0, col, title, bold)
    for r, cells in enumerate(rows, start=1):
        for col, value in enumerate(cells):
            if isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, safe_cell(value))
    book.close()


def export_roster(
    *, actor: Any, kind: str, reveal: bool = False, reason: str = ""
) -> tuple[IO[bytes], str, int]:
    """An open temporary xlsx of ``kind`` in the actor's scope, its file name and its row count."""
    if kind not in SOURCES:
        raise ValidationError({"kind": _("请选择导出类别。")})
    if not selectors.grids_for(actor).exists():
        raise PermissionDenied(_("您没有导出花名册的权限。"))
    reason = (reason or "").strip()
    if reveal:
        if len(reason) < 2:
            raise ValidationError({"reason": _("导出完整信息须填写事由。")})
        if len(reason) > 500:
            raise ValidationError({"reason": _("事由不能超过500字。")})
        if not actor.has_perm(REVEAL_PERMISSION):
            raise PermissionDenied(_("您没有导出完整个人信息的权限。"))
    heads, qs, row = SOURCES[kind](actor, reveal)
    count = qs.count()
    if count > max_export_rows():
        raise ValidationError(
            {"kind": _("共%(n)d条，超过单次导出上限%(max)d条。") % {"n": count, "max": max_export_rows()}}
        )
    with transaction.atomic():
        post = getattr(actor, "active_post", None)
        area = getattr(post, "area", None) or next(
            (p.area for p in actor.current_posts() if p.area is not None), None
        )
        record(
            actor=actor,
            action="registry.export.reveal" if reveal else "registry.export",
            area=area,
            changes={"kind": kind, "rows": count, "masked": not reveal},
            reason=reason,
            object_repr=_("花名册导出 %(count)d 条") % {"count": count},
        )
    handle = tempfile.NamedTemporaryFile(prefix="shequ-export-", suffix=".xlsx", delete=False)  # noqa: SIM115
    try:
        handle.close()
        _write(handle.name, kind, heads, (row(obj) for obj in qs.iterator(chunk_size=2000)))
        stream = open(handle.name, "rb")  # noqa: SIM115 - the response closes it
    finally:
        os.unlink(handle.name)  # the open handle keeps the data until the response is sent
    return stream, export_filename(kind, reveal), count
