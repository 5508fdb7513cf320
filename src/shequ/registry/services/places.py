"""Writes of buildings, rooms and places: keyword-only, atomic, one audit entry each."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core.access import can_write
from shequ.core.audit import diff, record, snapshot
from shequ.core.models import Area
from shequ.core.pii import validate_phone, with_digest_fields

from .. import validation as v
from ..models import Building, BuildingKind, Place, PlaceKind, Room

BUILDING_FIELDS = ("grid", "name", "number", "address", "units", "floors", "kind", "latitude", "longitude")
PLACE_FIELDS = ("grid", "kind", "name", "address", "contact_phone", "latitude", "longitude")


def _building_values(actor: Any, values: dict[str, Any]) -> dict[str, Any]:
    errors: v.Errors = {}
    clean: dict[str, Any] = {}
    if "grid" in values:
        clean["grid"] = v.writable_grid(errors, actor, values["grid"])
    if "name" in values:
        clean["name"] = v.text(errors, "name", values["name"], max_length=100, required=True)
    if "number" in values:
        clean["number"] = v.text(errors, "number", values["number"], max_length=20)
    if "address" in values:
        clean["address"] = v.text(errors, "address", values["address"], max_length=200)
    if "units" in values:
        clean["units"] = v.number(errors, "units", values["units"], low=1, high=99)
    if "floors" in values:
        clean["floors"] = v.number(errors, "floors", values["floors"], low=1, high=200)
    if "kind" in values:
        clean["kind"] = v.choice(errors, "kind", values["kind"], BuildingKind)
    if "latitude" in values or "longitude" in values:
        clean["latitude"], clean["longitude"] = v.point(
            errors, values.get("latitude"), values.get("longitude")
        )
    v.raise_if(errors)
    return clean


@transaction.atomic
def building_create(
    *,
    actor: Any,
    grid: Area | None,
    name: str,
    number: str = "",
    address: str = "",
    units: int = 1,
    floors: int = 1,
    kind: str = BuildingKind.RESIDENTIAL,
    latitude: Any = None,
    longitude: Any = None,
) -> Building:
    clean = _building_values(
        actor,
        {
            "grid": grid,
            "name": name,
            "number": number,
            "address": address,
            "units": units,
            "floors": floors,
            "kind": kind,
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    building = Building.objects.create(**clean)
    record(
        actor=actor,
        action="registry.building.create",
        obj=building,
        changes=snapshot(building, BUILDING_FIELDS),
    )
    return building


@transaction.atomic
def building_update(*, actor: Any, building: Building, **values: Any) -> Building:
    unknown = set(values) - set(BUILDING_FIELDS)
    if unknown:
        raise ValidationError({name: _("不能修改此项。") for name in sorted(unknown)})
    if not can_write(actor, building.grid):
        raise ValidationError({"grid": _("您没有修改该楼栋的权限。")})
    if "latitude" in values or "longitude" in values:
        values.setdefault("latitude", building.latitude)
        values.setdefault("longitude", building.longitude)
    clean = _building_values(actor, values)
    before = snapshot(building, BUILDING_FIELDS)
    for name, value in clean.items():
        setattr(building, name, value)
    changes = diff(before, snapshot(building, BUILDING_FIELDS))
    if changes:
        building.save(update_fields=[*clean, "updated_at"])
        record(actor=actor, action="registry.building.update", obj=building, changes=changes)
    return building


@transaction.atomic
def room_create(*, actor: Any, building: Building, unit: str = "", floor: int, number: str) -> Room:
    errors: v.Errors = {}
    if not can_write(actor, building.grid):
        errors["building"] = _("您没有修改该楼栋的权限。")
    unit = v.text(errors, "unit", unit, max_length=10)
    floor = v.number(errors, "floor", floor, low=-5, high=200)
    number = v.text(errors, "number", number, max_length=20, required=True)
    if "floor" not in errors and floor > building.floors:
        errors["floor"] = _("楼层不能超过楼栋的层数（%(n)d层）。") % {"n": building.floors}
    if not errors and Room.objects.filter(building=building, unit=unit, number=number).exists():
        errors["number"] = _("该单元已有此室号。")
    v.raise_if(errors)
    room = Room.objects.create(building=building, unit=unit, floor=floor, number=number)
    record(
        actor=actor,
        action="registry.room.create",
        obj=room,
        changes={"building": building, "unit": unit, "floor": floor, "number": number},
    )
    return room


def _place_values(actor: Any, values: dict[str, Any]) -> dict[str, Any]:
    errors: v.Errors = {}
    clean: dict[str, Any] = {}
    if "grid" in values:
        clean["grid"] = v.writable_grid(errors, actor, values["grid"])
    if "kind" in values:
        clean["kind"] = v.choice(errors, "kind", values["kind"], PlaceKind)
    if "name" in values:
        clean["name"] = v.text(errors, "name", values["name"], max_length=100, required=True)
    if "address" in values:
        clean["address"] = v.text(errors, "address", values["address"], max_length=200)
    if "contact_phone" in values:
        phone = v.text(errors, "contact_phone", values["contact_phone"], max_length=30)
        if phone and "contact_phone" not in errors:
            try:
                phone = validate_phone(phone)
            except ValidationError as exc:
                errors["contact_phone"] = exc.messages[0]
        clean["contact_phone"] = phone or None
    if "latitude" in values or "longitude" in values:
        clean["latitude"], clean["longitude"] = v.point(
            errors, values.get("latitude"), values.get("longitude")
        )
    v.raise_if(errors)
    return clean


@transaction.atomic
def place_create(
    *,
    actor: Any,
    grid: Area | None,
    name: str,
    kind: str = PlaceKind.SHOP,
    address: str = "",
    contact_phone: str | None = None,
    latitude: Any = None,
    longitude: Any = None,
) -> Place:
    clean = _place_values(
        actor,
        {
            "grid": grid,
            "kind": kind,
            "name": name,
            "address": address,
            "contact_phone": contact_phone,
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    place = Place(**clean)
    place.save()
    record(actor=actor, action="registry.place.create", obj=place, changes=snapshot(place, PLACE_FIELDS))
    return place


@transaction.atomic
def place_update(*, actor: Any, place: Place, **values: Any) -> Place:
    unknown = set(values) - set(PLACE_FIELDS)
    if unknown:
        raise ValidationError({name: _("不能修改此项。") for name in sorted(unknown)})
    if not can_write(actor, place.grid):
        raise ValidationError({"grid": _("您没有修改该场所的权限。")})
    if "latitude" in values or "longitude" in values:
        values.setdefault("latitude", place.latitude)
        values.setdefault("longitude", place.longitude)
    clean = _place_values(actor, values)
    before = snapshot(place, PLACE_FIELDS)
    before_plain = v.sealed_plain(place, PLACE_FIELDS)
    for name, value in clean.items():
        setattr(place, name, value)
    after = snapshot(place, PLACE_FIELDS)
    changes = v.with_sealed_changes(diff(before, after), before_plain, place, before, after)
    if changes:
        place.save(update_fields=with_digest_fields(Place, [*clean, "updated_at"]))
        record(actor=actor, action="registry.place.update", obj=place, changes=changes)
    return place
