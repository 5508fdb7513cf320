"""Checking a roster: the header first, then each row, in batches (registry look-ups per batch).

A problem is (row number as the sheet shows it, the column's header, a Chinese message).
Rows whose ID number is already registered are not problems: they are duplicates, skipped
unless the user asks to merge them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import can_write
from shequ.core.models import Area
from shequ.core.pii import CitizenId, IdDocType, PIIKind, lookup_candidates, parse_citizen_id

from .. import selectors
from ..models import GONE_STATUSES, Person, ResidenceStatus
from . import cells
from .columns import COLUMNS, Column, choice_map
from .files import Sheet

#: Document types whose number carries the birth date and sex (GB 11643 layout).
DATED = (IdDocType.CITIZEN_ID, IdDocType.HK_MO_TW_RESIDENCE)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class RowResult:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    digest: str | None = None
    existing: Person | None = None
    merge_refusal: str = ""
    out_of_reach: bool = False
    id_column: str = ""
    given: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Header:
    index: dict[str, tuple[int, str]]  # column key → (cell index, header as written)
    problems: list[Problem]


def known_headers(kind: str) -> set[str]:
    names: set[str] = set()
    for column in COLUMNS[kind]:
        names.add(column.header)
        names.update(column.aliases)
    return names


def map_header(kind: str, sheet: Sheet) -> Header:
    """Which cell holds which column; missing, unknown or repeated columns are problems."""
    columns = COLUMNS[kind]
    by_name: dict[str, Column] = {}
    for column in columns:
        by_name[column.header] = column
        for alias in column.aliases:
            by_name[alias] = column
    index: dict[str, tuple[int, str]] = {}
    problems: list[Problem] = []
    row = sheet.header_row
    for i, name in enumerate(sheet.header):
        if not name:
            continue
        found = by_name.get(name)
        if found is None:
            problems.append(
                Problem(row, name, _("无法识别的列“%(name)s”，请按模板的列名填写。") % {"name": name})
            )
        elif found.key in index:
            problems.append(Problem(row, name, _("列“%(name)s”重复。") % {"name": name}))
        else:
            index[found.key] = (i, name)
    for column in columns:
        if column.required and column.key not in index:
            problems.append(
                Problem(row, column.header, _("缺少必填列“%(name)s”。") % {"name": column.header})
            )
    if sheet.has_formulas:
        problems.append(
            Problem(row, "", _("文件中有公式单元格。系统不计算公式，请把公式转换为数值后再上传。"))
        )
    return Header(index=index, problems=problems)


class Grids:
    """The grids the actor may write in, found by name or by code."""

    def __init__(self, actor: Any) -> None:
        self.by_name: dict[str, list[Area]] = {}
        self.by_code: dict[str, Area] = {}
        for grid in selectors.grids_for(actor, write=True):
            self.by_name.setdefault(grid.name, []).append(grid)
            if grid.code:
                self.by_code[grid.code] = grid

    def resolve(self, value: Any) -> Area:
        raw = cells.text(value, max_length=100)
        if raw in self.by_code:
            return self.by_code[raw]
        found = self.by_name.get(raw, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise cells.CellError(_("有多个网格名为“%(name)s”，请改填网格编码。") % {"name": raw[:30]})
        raise cells.CellError(
            _("找不到网格“%(name)s”，或它不在您的管辖范围内。请填写您管辖范围内的网格名称或编码。")
            % {"name": raw[:30]}
        )


class RowReader:
    """Reads one row's cells through the header map, noting problems under the header as written."""

    def __init__(self, header: Header, columns: Sequence[Column], formulas: set[tuple[int, int]]) -> None:
        self.header = header
        self.columns = {c.key: c for c in columns}
        self.formulas = formulas

    def raw(self, cells_: list[Any], key: str) -> Any:
        place = self.header.index.get(key)
        if place is None or place[0] >= len(cells_):
            return None
        return cells_[place[0]]

    def header_of(self, key: str) -> str:
        place = self.header.index.get(key)
        return place[1] if place else self.columns[key].header

    def get(self, result: RowResult, cells_: list[Any], key: str, convert: Callable[[Any], Any]) -> Any:
        if key not in self.columns:  # not a column of this kind
            return None
        value = self.raw(cells_, key)
        place = self.header.index.get(key)
        if place is not None and ((result.row, place[0]) in self.formulas or cells.looks_like_formula(value)):
            result.problems.append(
                Problem(result.row, place[1], _("单元格含有公式。系统不计算公式，请改为直接填写内容。"))
            )
            return None
        column = self.columns[key]
        if not cells.is_blank(value):
            result.given.add(key)
        if column.required and cells.is_blank(value):
            result.problems.append(Problem(result.row, self.header_of(key), _("此项为必填项。")))
            return None
        try:
            return convert(value)
        except cells.CellError as exc:
            result.problems.append(Problem(result.row, self.header_of(key), str(exc)))
            return None

    def note(self, result: RowResult, key: str, message: str) -> None:
        result.problems.append(Problem(result.row, self.header_of(key), message))


def _maps(kind: str) -> dict[str, tuple[dict[str, str], list[str]]]:
    maps = {}
    for column in COLUMNS[kind]:
        if column.choices is not None:
            exclude = set(column.extra.get("exclude", ()))
            mapping = {k: v for k, v in choice_map(column.choices).items() if v not in exclude}
            labels = [
                label
                for label, value in zip(column.allowed_labels(), column.choices.values, strict=True)
                if value not in exclude
            ]
            maps[column.key] = (mapping, labels)
    return maps


class PersonChecks:
    """The person part of a row (people and household rosters), and the registry look-up per batch."""

    def __init__(self, kind: str, reader: RowReader, actor: Any) -> None:
        self.reader = reader
        self.actor = actor
        self.maps = _maps(kind)
        self.seen: dict[str, int] = {}
        self.today = timezone.localdate()

    def _choice(self, key: str, default: str) -> Callable[[Any], str]:
        mapping, labels = self.maps[key]
        return lambda v: cells.choice(v, mapping, labels, default)

    def person(self, result: RowResult, row: list[Any]) -> None:
        r, values = self.reader, result.values
        values["name"] = r.get(result, row, "name", lambda v: cells.text(v, max_length=50))
        doc_type = r.get(result, row, "id_doc_type", self._choice("id_doc_type", IdDocType.CITIZEN_ID))
        values["id_doc_type"] = doc_type or IdDocType.CITIZEN_ID
        parsed = r.get(
            result, row, "id_number", lambda v: cells.citizen_id(v, values["id_doc_type"], today=self.today)
        )
        if isinstance(parsed, CitizenId):
            number: str | None = parsed.number
        else:
            number = parsed
            parsed = parse_citizen_id(number) if number and values["id_doc_type"] in DATED else None
        sex = r.get(result, row, "sex", self._choice("sex", ""))
        birth = r.get(result, row, "birth_date", lambda v: cells.past_date(cells.a_date(v)))
        values["phone"] = r.get(result, row, "phone", cells.phone)
        values["residence_status"] = r.get(
            result, row, "residence_status", self._choice("residence_status", ResidenceStatus.RESIDENT)
        )
        for key in ("registered_address", "resident_address"):
            values[key] = r.get(result, row, key, lambda v: cells.text(v, max_length=200)) or None
        if parsed is not None:
            if sex and sex != parsed.sex:
                r.note(result, "sex", _("性别与证件号码不符。"))
            if birth and birth != parsed.birth_date:
                r.note(result, "birth_date", _("出生日期与证件号码不符。"))
            sex, birth = parsed.sex, parsed.birth_date
        values["id_number"] = number
        values["sex"] = sex or ""
        values["birth_date"] = birth
        if number:
            first = self.seen.get(number)
            if first is not None:
                r.note(result, "id_number", _("证件号码与第%(row)d行重复。") % {"row": first})
            else:
                self.seen[number] = result.row

    def lookup(self, results: Sequence[RowResult]) -> None:
        """Find the rows whose number is already registered: one query for the batch."""
        wanted: dict[str, RowResult] = {}
        for result in results:
            number = result.values.get("id_number")
            if not number or not result.ok:
                continue
            candidates = lookup_candidates(PIIKind.ID_NUMBER, number)
            result.digest = candidates[0]
            for digest in candidates:
                wanted[digest] = result
        if not wanted:
            return
        found = (
            Person.objects.filter(id_number_digest__in=list(wanted))
            .exclude(residence_status__in=GONE_STATUSES)
            .select_related("grid")
        )
        for person in found:
            result = wanted[person.id_number_digest or ""]
            result.existing = person
            result.id_column = self.reader.header_of("id_number")
            if not can_write(self.actor, person.grid):
                result.out_of_reach = True
                result.merge_refusal = _("此人已在您管辖范围以外登记，不能合并。")
