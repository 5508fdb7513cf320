"""Each roster kind's rows, gathered into units of writing (a row; for households, one household's rows).

A unit is written whole or not at all: a household with one bad row is not imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from ..models import BuildingKind, HouseholdKind, ImportKind, Membership, PlaceKind, Relation
from . import cells
from .checks import Grids, Header, PersonChecks, Problem, RowReader, RowResult, _maps
from .columns import COLUMNS

Rows = Iterable[tuple[int, list[Any]]]
Unit = list[RowResult]


def non_blank(rows: Rows) -> Iterator[tuple[int, list[Any]]]:
    for number, row in rows:
        if any(not cells.is_blank(v) for v in row):
            yield number, row


class Checker:
    """Checks rows of one kind for one actor. ``units(rows, size)`` yields batches of checked units."""

    kind: str = ""

    def __init__(self, header: Header, actor: Any, formulas: set[tuple[int, int]]) -> None:
        self.actor = actor
        self.reader = RowReader(header, COLUMNS[self.kind], formulas)
        self.grids = Grids(actor)
        self.maps = _maps(self.kind)

    def _choice(self, key: str, default: str) -> Any:
        mapping, labels = self.maps[key]
        return lambda v: cells.choice(v, mapping, labels, default)

    def _grid(self, result: RowResult, row: list[Any]) -> None:
        result.values["grid"] = self.reader.get(result, row, "grid", self.grids.resolve)

    def row(self, number: int, row: list[Any]) -> RowResult:
        raise NotImplementedError

    def finish(self, units: list[Unit]) -> None:
        """Batch-level checks (registry look-ups)."""

    def units(self, rows: Rows, size: int) -> Iterator[list[Unit]]:
        batch: list[Unit] = []
        for number, row in non_blank(rows):
            batch.append([self.row(number, row)])
            if len(batch) >= size:
                self.finish(batch)
                yield batch
                batch = []
        if batch:
            self.finish(batch)
            yield batch


class PeopleChecker(Checker):
    kind = ImportKind.PEOPLE

    def __init__(self, header: Header, actor: Any, formulas: set[tuple[int, int]]) -> None:
        super().__init__(header, actor, formulas)
        self.persons = PersonChecks(self.kind, self.reader, actor)

    def row(self, number: int, row: list[Any]) -> RowResult:
        result = RowResult(number)
        self.persons.person(result, row)
        self._grid(result, row)
        return result

    def finish(self, units: list[Unit]) -> None:
        self.persons.lookup([u[0] for u in units])


class PlaceChecker(Checker):
    kind = ImportKind.PLACES

    def row(self, number: int, row: list[Any]) -> RowResult:
        result, r = RowResult(number), self.reader
        v = result.values
        v["name"] = r.get(result, row, "name", lambda x: cells.text(x, max_length=100))
        v["kind"] = r.get(result, row, "kind", self._choice("kind", PlaceKind.SHOP))
        self._grid(result, row)
        v["address"] = r.get(result, row, "address", lambda x: cells.text(x, max_length=200)) or ""
        v["contact_phone"] = r.get(result, row, "contact_phone", cells.phone)
        _point(result, r, row)
        return result


class BuildingChecker(Checker):
    kind = ImportKind.BUILDINGS

    def row(self, number: int, row: list[Any]) -> RowResult:
        result, r = RowResult(number), self.reader
        v = result.values
        v["name"] = r.get(result, row, "name", lambda x: cells.text(x, max_length=100))
        v["number"] = r.get(result, row, "number", lambda x: cells.text(x, max_length=20)) or ""
        self._grid(result, row)
        v["address"] = r.get(result, row, "address", lambda x: cells.text(x, max_length=200)) or ""
        v["units"] = r.get(result, row, "units", lambda x: cells.integer(x, low=1, high=99, default=1))
        v["floors"] = r.get(result, row, "floors", lambda x: cells.integer(x, low=1, high=200, default=1))
        v["kind"] = r.get(result, row, "kind", self._choice("kind", BuildingKind.RESIDENTIAL))
        _point(result, r, row)
        return result


def _point(result: RowResult, r: RowReader, row: list[Any]) -> None:
    lat = r.get(result, row, "latitude", lambda x: cells.coordinate(x, limit=90))
    lng = r.get(result, row, "longitude", lambda x: cells.coordinate(x, limit=180))
    if (lat is None) != (lng is None) and result.ok:
        r.note(result, "latitude" if lat is None else "longitude", _("经度和纬度须同时填写。"))
    result.values["latitude"], result.values["longitude"] = lat, lng


class HouseholdChecker(Checker):
    """One row per member; rows sharing a 户号 make one household, with exactly one head."""

    kind = ImportKind.HOUSEHOLDS

    def __init__(self, header: Header, actor: Any, formulas: set[tuple[int, int]]) -> None:
        super().__init__(header, actor, formulas)
        self.persons = PersonChecks(self.kind, self.reader, actor)

    def row(self, number: int, row: list[Any]) -> RowResult:
        result, r = RowResult(number), self.reader
        v = result.values
        v["household_no"] = r.get(result, row, "household_no", lambda x: cells.text(x, max_length=40))
        v["relation"] = r.get(result, row, "relation", self._choice("relation", ""))
        self.persons.person(result, row)
        v["grid"] = r.get(result, row, "grid", lambda x: None if cells.is_blank(x) else self.grids.resolve(x))
        v["household_kind"] = r.get(result, row, "household_kind", self._choice("household_kind", ""))
        v["address"] = r.get(result, row, "address", lambda x: cells.text(x, max_length=200))
        v["moved_in_on"] = r.get(result, row, "moved_in_on", lambda x: cells.past_date(cells.a_date(x)))
        return result

    def _group(self, unit: Unit) -> None:
        r = self.reader
        heads = [m for m in unit if m.values.get("relation") == Relation.HEAD]
        first = unit[0]
        if not heads:
            if all(m.values.get("relation") is not None for m in unit):
                r.note(first, "relation", _("该户没有户主，每户须有且只有一名户主。"))
            return
        if len(heads) > 1:
            for extra in heads[1:]:
                r.note(
                    extra, "relation", _("该户有%(n)d名户主，每户须有且只有一名户主。") % {"n": len(heads)}
                )
        head = heads[0]
        hv = head.values
        if hv.get("grid") is None and not any(p.column == r.header_of("grid") for p in head.problems):
            r.note(head, "grid", _("户主行须填写所在网格。"))
        if not hv.get("address") and not any(p.column == r.header_of("address") for p in head.problems):
            r.note(head, "address", _("户主行须填写详细地址。"))
        hv["household_kind"] = hv.get("household_kind") or HouseholdKind.RESIDENT
        for member in unit:
            if member is head:
                continue
            for key in ("grid", "household_kind", "address", "moved_in_on"):
                mine = member.values.get(key)
                if mine not in (None, "") and mine != hv.get(key):
                    r.note(member, key, _("同一户的此项须与户主行一致（可不填）。"))

    def _merge_checks(self, results: Sequence[RowResult]) -> None:
        existing = {r.existing.pk: r for r in results if r.existing is not None and not r.merge_refusal}
        if not existing:
            return
        members = Membership.objects.filter(person_id__in=list(existing), valid_to__isnull=True)
        for person_id in members.values_list("person_id", flat=True):
            existing[person_id].merge_refusal = _("此人已是另一住户的成员，请先在系统中办理迁出该户。")

    def finish(self, units: list[Unit]) -> None:
        for unit in units:
            self._group(unit)
        results = [m for unit in units for m in unit]
        self.persons.lookup(results)
        self._merge_checks(results)
        for unit in units:
            bad = sum(1 for m in unit if not m.ok)
            if bad:
                first = unit[0]
                first.problems.append(
                    Problem(
                        first.row,
                        self.reader.header_of("household_no"),
                        _("户号“%(no)s”有%(n)d行存在问题，整户不导入。")
                        % {"no": first.values.get("household_no") or "", "n": bad},
                    )
                )

    def units(self, rows: Rows, size: int) -> Iterator[list[Unit]]:
        groups: dict[str, Unit] = {}
        for number, row in non_blank(rows):
            result = self.row(number, row)
            key = result.values.get("household_no") or f"\x00{number}"
            groups.setdefault(key, []).append(result)
        batch: list[Unit] = []
        count = 0
        for unit in groups.values():
            batch.append(unit)
            count += len(unit)
            if count >= size:
                self.finish(batch)
                yield batch
                batch, count = [], 0
        if batch:
            self.finish(batch)
            yield batch


CHECKERS: dict[str, type[Checker]] = {
    ImportKind.PEOPLE: PeopleChecker,
    ImportKind.HOUSEHOLDS: HouseholdChecker,
    ImportKind.PLACES: PlaceChecker,
    ImportKind.BUILDINGS: BuildingChecker,
}
