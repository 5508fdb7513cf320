"""Writes of spaces: keyword-only, atomic, one audit entry each."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core.access import can_write, scope_of
from shequ.core.audit import diff, record, snapshot
from shequ.core.models import Area, AreaLevel, Organisation

from ..access import manages_space
from ..hours import HoursError, parse_week
from ..models import Space, SpaceKind
from . import common as c

SPACE_FIELDS = (
    "name",
    "kind",
    "area",
    "organisation",
    "location",
    "capacity",
    "equipment",
    "opening_hours",
    "open_on_holidays",
    "slot_minutes",
    "requires_approval",
    "allow_residents",
    "allow_organisations",
    "allow_staff",
    "booking_window_days",
    "max_per_week",
    "is_active",
)
OWNER_LEVELS = (
    AreaLevel.COMMUNITY,
    AreaLevel.VILLAGE,
    AreaLevel.STREET,
    AreaLevel.TOWN,
    AreaLevel.DISTRICT,
    AreaLevel.ZONE,
)
BOOLEANS = (
    "open_on_holidays",
    "requires_approval",
    "allow_residents",
    "allow_organisations",
    "allow_staff",
    "is_active",
)


def _values(actor: Any, values: dict[str, Any], *, space: Space | None = None) -> dict[str, Any]:
    errors: c.Errors = {}
    clean: dict[str, Any] = {}
    if "name" in values:
        clean["name"] = c.text(errors, "name", values["name"], max_length=100, required=True)
    if "kind" in values:
        clean["kind"] = c.choice(errors, "kind", values["kind"], SpaceKind)
    if "area" in values:
        area = values["area"]
        if not isinstance(area, Area) or area.level not in OWNER_LEVELS or not can_write(actor, area):
            errors["area"] = _("请选择您管辖范围内的社区、村或街道。")
        clean["area"] = area
    if "organisation" in values:
        org = values["organisation"]
        if org is not None:
            scope = scope_of(actor)
            visible = scope.everything or scope.covers(org.home_area) or org.pk in scope.organisation_ids
            if not isinstance(org, Organisation) or not org.is_active or not visible:
                errors["organisation"] = _("请选择您管辖范围内的单位。")
        clean["organisation"] = org
    if "location" in values:
        clean["location"] = c.text(errors, "location", values["location"], max_length=200)
    if "equipment" in values:
        clean["equipment"] = c.text(errors, "equipment", values["equipment"], max_length=1000)
    if "capacity" in values:
        clean["capacity"] = c.number(errors, "capacity", values["capacity"], low=1, high=10000)
    if "slot_minutes" in values:
        clean["slot_minutes"] = c.number(errors, "slot_minutes", values["slot_minutes"], low=15, high=480)
    if "booking_window_days" in values:
        clean["booking_window_days"] = c.number(
            errors, "booking_window_days", values["booking_window_days"], low=1, high=180
        )
    if "max_per_week" in values:
        clean["max_per_week"] = c.number(errors, "max_per_week", values["max_per_week"], low=1, high=50)
    if "opening_hours" in values:
        try:
            clean["opening_hours"] = parse_week(values["opening_hours"])
        except HoursError as exc:
            errors["opening_hours"] = str(exc)
    for name in BOOLEANS:
        if name in values:
            clean[name] = bool(values[name])
    if "name" not in errors and ("name" in clean or "area" in clean):
        name = clean.get("name", space.name if space else "")
        area = clean.get("area", space.area if space else None)
        taken = Space.objects.filter(area=area, name=name)
        if space is not None:
            taken = taken.exclude(pk=space.pk)
        if area is not None and "area" not in errors and taken.exists():
            errors["name"] = _("该区域已有同名场地。")
    c.raise_if(errors)
    return clean


@transaction.atomic
def space_create(
    *,
    actor: Any,
    area: Area | None,
    name: str,
    capacity: int,
    opening_hours: Any,
    kind: str = SpaceKind.ACTIVITY_ROOM,
    organisation: Organisation | None = None,
    location: str = "",
    equipment: str = "",
    open_on_holidays: bool = False,
    slot_minutes: int = 60,
    requires_approval: bool = False,
    allow_residents: bool = True,
    allow_organisations: bool = True,
    allow_staff: bool = True,
    booking_window_days: int = 14,
    max_per_week: int = 3,
    is_active: bool = True,
    is_demo: bool = False,
) -> Space:
    clean = _values(
        actor,
        {
            "area": area,
            "name": name,
            "kind": kind,
            "organisation": organisation,
            "location": location,
            "capacity": capacity,
            "equipment": equipment,
            "opening_hours": opening_hours,
            "open_on_holidays": open_on_holidays,
            "slot_minutes": slot_minutes,
            "requires_approval": requires_approval,
            "allow_residents": allow_residents,
            "allow_organisations": allow_organisations,
            "allow_staff": allow_staff,
            "booking_window_days": booking_window_days,
            "max_per_week": max_per_week,
            "is_active": is_active,
        },
    )
    space = Space.objects.create(is_demo=is_demo, **clean)
    record(actor=actor, action="commons.space.create", obj=space, changes=snapshot(space, SPACE_FIELDS))
    return space


@transaction.atomic
def space_update(*, actor: Any, space: Space, **values: Any) -> Space:
    unknown = set(values) - set(SPACE_FIELDS)
    if unknown:
        raise ValidationError({name: _("不能修改此项。") for name in sorted(unknown)})
    if not manages_space(actor, space):
        raise ValidationError({"area": _("您没有管理该场地的权限。")})
    clean = _values(actor, values, space=space)
    before = snapshot(space, SPACE_FIELDS)
    for name, value in clean.items():
        setattr(space, name, value)
    changes = diff(before, snapshot(space, SPACE_FIELDS))
    if changes:
        space.save(update_fields=[*clean, "updated_at"])
        record(actor=actor, action="commons.space.update", obj=space, changes=changes)
    return space


@transaction.atomic
def space_set_photo(*, actor: Any, space: Space, photo: Any) -> Space:
    if not manages_space(actor, space):
        raise ValidationError({"photo": _("您没有管理该场地的权限。")})
    space.photo = photo
    space.save(update_fields=["photo", "updated_at"])
    record(actor=actor, action="commons.space.photo", obj=space, changes={"photo": space.photo.name})
    return space
