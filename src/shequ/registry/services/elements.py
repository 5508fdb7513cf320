"""Writes of courtyards, natural villages and a building's rooms: keyword-only, atomic, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core.access import can_write
from shequ.core.audit import diff, record, snapshot
from shequ.core.models import Area

from .. import validation as v
from ..models import Building, Courtyard, NaturalVillage, Room

ELEMENT_FIELDS = ("grid", "name")
#: At most this many rooms in one generation (a 99-unit, 200-floor building is not a thing).
MAX_GENERATED_ROOMS = 5000
MAX_PER_FLOOR = 30


def _element_values(
    actor: Any, model: type[Courtyard] | type[NaturalVillage], obj: Any, values: dict[str, Any]
) -> dict[str, Any]:
    errors: v.Errors = {}
    clean: dict[str, Any] = {}
    if "grid" in values:
        clean["grid"] = v.writable_grid(errors, actor, values["grid"])
    if "name" in values:
        clean["name"] = v.text(errors, "name", values["name"], max_length=100, required=True)
    grid = clean.get("grid") or (obj.grid if obj.grid_id else None)
    name = clean.get("name", obj.name)
    if not errors and grid is not None and name:
        same = model.objects.filter(grid=grid, name=name)
        if obj.pk:
            same = same.exclude(pk=obj.pk)
        if same.exists():
            errors["name"] = _("该网格已有同名院落。") if model is Courtyard else _("该网格已有同名自然村。")
    if (
        not errors
        and model is Courtyard
        and obj.pk
        and "grid" in clean
        and clean["grid"].pk != obj.grid_id
        and obj.households.filter(moved_out_on__isnull=True).exists()
    ):
        errors["grid"] = _("院落内有住户，不能更换网格。")
    v.raise_if(errors)
    return clean


def _create(actor: Any, model: type[Any], action: str, grid: Area | None, name: str) -> Any:
    obj = model()
    clean = _element_values(actor, model, obj, {"grid": grid, "name": name})
    for key, value in clean.items():
        setattr(obj, key, value)
    obj.save()
    record(actor=actor, action=action, obj=obj, changes=snapshot(obj, ELEMENT_FIELDS))
    return obj


def _update(actor: Any, model: type[Any], action: str, obj: Any, values: dict[str, Any]) -> Any:
    unknown = set(values) - set(ELEMENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("不能修改此项。") for name in sorted(unknown)})
    if not can_write(actor, obj.grid):
        raise ValidationError({"grid": _("您没有修改该网格数据的权限。")})
    clean = _element_values(actor, model, obj, values)
    before = snapshot(obj, ELEMENT_FIELDS)
    for key, value in clean.items():
        setattr(obj, key, value)
    changes = diff(before, snapshot(obj, ELEMENT_FIELDS))
    if changes:
        obj.save(update_fields=[*clean, "updated_at"])
        record(actor=actor, action=action, obj=obj, changes=changes)
    return obj


@transaction.atomic
def courtyard_create(*, actor: Any, grid: Area | None, name: str) -> Courtyard:
    """院落 in a grid the actor may write in; the name is unique within the grid."""
    result: Courtyard = _create(actor, Courtyard, "registry.courtyard.create", grid, name)
    return result


@transaction.atomic
def courtyard_update(*, actor: Any, courtyard: Courtyard, **values: Any) -> Courtyard:
    """Rename, or move to another grid (only while no household lives in it)."""
    result: Courtyard = _update(actor, Courtyard, "registry.courtyard.update", courtyard, values)
    return result


@transaction.atomic
def natural_village_create(*, actor: Any, grid: Area | None, name: str) -> NaturalVillage:
    result: NaturalVillage = _create(actor, NaturalVillage, "registry.naturalvillage.create", grid, name)
    return result


@transaction.atomic
def natural_village_update(*, actor: Any, village: NaturalVillage, **values: Any) -> NaturalVillage:
    result: NaturalVillage = _update(actor, NaturalVillage, "registry.naturalvillage.update", village, values)
    return result


# --------------------------------------------------------------------------- rooms in bulk


def room_number(floor: int, index: int) -> str:
    """The usual room number: the floor, then the room's place on it in two digits (101, 102 … 1203)."""
    return f"{floor}{index:02d}"


@transaction.atomic
def rooms_generate(
    *,
    actor: Any,
    building: Building,
    per_floor: int,
    units: int | None = None,
    floors: int | None = None,
) -> list[Room]:
    """Every room of ``units`` × ``floors`` × ``per_floor`` that does not exist yet, in one write.

    Units and floors default to the building's own; rooms already there are kept (so a
    repeated submission adds nothing).  Unit names are "1", "2" … ("" for a one-unit
    building).  One audit entry on the building names every room written.
    """
    errors: v.Errors = {}
    if not can_write(actor, building.grid):
        errors["building"] = _("您没有修改该楼栋的权限。")
    units = v.number(errors, "units", building.units if units is None else units, low=1, high=99)
    floors = v.number(errors, "floors", building.floors if floors is None else floors, low=1, high=200)
    per_floor = v.number(errors, "per_floor", per_floor, low=1, high=MAX_PER_FLOOR)
    if "units" not in errors and units > building.units:
        errors["units"] = _("单元数不能超过楼栋的单元数（%(n)d个）。") % {"n": building.units}
    if "floors" not in errors and floors > building.floors:
        errors["floors"] = _("楼层不能超过楼栋的层数（%(n)d层）。") % {"n": building.floors}
    if not errors and units * floors * per_floor > MAX_GENERATED_ROOMS:
        errors["per_floor"] = _("一次最多生成%(n)d间户室。") % {"n": MAX_GENERATED_ROOMS}
    v.raise_if(errors)
    # lock the building so two submissions at once cannot both write the same rooms
    Building.objects.select_for_update().filter(pk=building.pk).first()
    existing = set(Room.objects.filter(building=building).values_list("unit", "number"))
    wanted = [
        Room(building=building, unit=str(u) if units > 1 else "", floor=f, number=room_number(f, i))
        for u in range(1, units + 1)
        for f in range(1, floors + 1)
        for i in range(1, per_floor + 1)
    ]
    new = [r for r in wanted if (r.unit, r.number) not in existing]
    if not new:
        return []
    created = Room.objects.bulk_create(new, batch_size=500)  # both databases return the ids
    record(
        actor=actor,
        action="registry.building.rooms_generate",
        obj=building,
        changes={
            "units": units,
            "floors": floors,
            "per_floor": per_floor,
            "rooms_created": len(created),
            "rooms_skipped": len(wanted) - len(new),
            "room_ids": [r.pk for r in created],
        },
    )
    return created
