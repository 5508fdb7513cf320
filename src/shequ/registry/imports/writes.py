"""The bulk write path: checked units of one batch written with ``bulk_create``, one audit entry per batch.

Encrypted values go through the model fields' machinery: an ID number is sealed with the
field's label and its look-up digest is the one the check already computed (so the HMAC
is not taken twice); phones and addresses are sealed by assigning their plaintext.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record_batch
from shequ.core.models import Area
from shequ.core.pii import PIIKind, Sealed, encrypt, lookup_digest, normalise

from ..models import Building, Household, ImportKind, Membership, Person, Place, Relation
from .checks import RowResult
from .copy import bulk_insert

ID_FIELD = Person._meta.get_field("id_number")


@dataclass
class Outcome:
    created: list[int] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)
    skipped: int = 0


@dataclass
class Context:
    actor: Any
    area: Area
    job_id: int
    merge: bool

    @property
    def reason(self) -> str:
        return _("花名册导入（导入任务 %(id)d）") % {"id": self.job_id}

    def audit(self, action: str, model: type[Any], ids: list[int]) -> None:
        if ids:
            record_batch(
                actor=self.actor,
                action=action,
                object_type=model._meta.label_lower,
                object_ids=ids,
                area=self.area,
                reason=self.reason,
            )


PHONE_FIELD = Person._meta.get_field("phone")


def _seal(field: Any, value: str) -> Sealed:
    """A sealed value without its plaintext attached, so that ``pre_save`` keeps the digest set here."""
    label = field.label_for_aad
    return Sealed(encrypt(normalise(field.kind, value), label=label), kind=field.kind, label=label)


def new_person(values: dict[str, Any], digest: str | None, grid: Area, now: Any = None) -> Person:
    person = Person(
        created_at=now or timezone.now(),
        grid=grid,
        name=values["name"],
        id_doc_type=values["id_doc_type"],
        sex=values["sex"],
        birth_date=values["birth_date"],
        residence_status=values["residence_status"],
    )
    if values.get("id_number"):
        person.id_number = _seal(ID_FIELD, values["id_number"])
        person.id_number_digest = digest
    if values.get("phone"):
        person.phone = _seal(PHONE_FIELD, values["phone"])
        person.phone_digest = lookup_digest(PIIKind.PHONE, values["phone"])
    for name in ("registered_address", "resident_address"):
        if values.get(name):
            setattr(person, name, values[name])
    return person


#: Person fields a merge may change (the ID number stays: it is what matched).
MERGE_FIELDS = (
    "grid",
    "name",
    "sex",
    "birth_date",
    "phone",
    "phone_digest",
    "residence_status",
    "registered_address",
    "resident_address",
    "updated_at",
)


def merge_into(person: Person, result: RowResult, grid: Area | None) -> Person:
    """The existing person updated from the row: only the cells the row fills in."""
    values, given = result.values, result.given
    person.name = values["name"]
    if grid is not None:
        person.grid = grid
    if values.get("sex"):
        person.sex = values["sex"]
    if values.get("birth_date"):
        person.birth_date = values["birth_date"]
    if "residence_status" in given:
        person.residence_status = values["residence_status"]
    for name in ("phone", "registered_address", "resident_address"):
        if values.get(name):
            setattr(person, name, values[name])
    person.updated_at = timezone.now()
    return person


def write_people(ctx: Context, rows: list[RowResult]) -> Outcome:
    out = Outcome()
    new: list[Person] = []
    merges: list[Person] = []
    now = timezone.now()
    for r in rows:
        if r.existing is not None:
            if ctx.merge:
                merges.append(merge_into(r.existing, r, r.values["grid"]))
            else:
                out.skipped += 1
            continue
        new.append(new_person(r.values, r.digest, r.values["grid"], now))
    created = bulk_insert(Person, new)
    out.created = [p.pk for p in created]
    if merges:
        Person.objects.bulk_update(merges, list(MERGE_FIELDS))
        out.merged = [p.pk for p in merges]
    ctx.audit("registry.import.person_create", Person, out.created)
    ctx.audit("registry.import.person_merge", Person, out.merged)
    return out


def write_households(ctx: Context, units: list[list[RowResult]]) -> Outcome:
    """Households, their new members (created) and registered members (merged on request), linked."""
    out = Outcome()
    today = timezone.localdate()
    plans: list[tuple[Household, list[tuple[RowResult, Person, bool]]]] = []
    for unit in units:
        head = next(r for r in unit if r.values["relation"] == Relation.HEAD)
        if head.existing is not None and not ctx.merge:
            out.skipped += len(unit)
            continue
        hv = head.values
        grid = hv["grid"]
        household = Household(grid=grid, kind=hv["household_kind"], moved_in_on=hv.get("moved_in_on"))
        household.address = hv["address"]
        members: list[tuple[RowResult, Person, bool]] = []
        for r in unit:
            if r.existing is not None:
                if not ctx.merge:
                    out.skipped += 1
                    continue
                members.append((r, merge_into(r.existing, r, grid), False))
            else:
                members.append((r, new_person(r.values, r.digest, grid), True))
        plans.append((household, members))
    households = Household.objects.bulk_create([h for h, _m in plans])
    fresh = [p for _h, members in plans for _r, p, is_new in members if is_new]
    created = bulk_insert(Person, fresh)
    merged = [p for _h, members in plans for _r, p, is_new in members if not is_new]
    if merged:
        Person.objects.bulk_update(merged, list(MERGE_FIELDS))
    memberships: list[Membership] = []
    for household, members in plans:
        since = household.moved_in_on or today
        for r, person, _new in members:
            relation = r.values["relation"]
            if relation == Relation.HEAD:
                household.head = person
            memberships.append(
                Membership(household=household, person=person, relation=relation, valid_from=since)
            )
    Household.objects.bulk_update(households, ["head"])
    Membership.objects.bulk_create(memberships)
    out.created = [p.pk for p in created]
    out.merged = [p.pk for p in merged]
    ctx.audit("registry.import.household_create", Household, [h.pk for h in households])
    ctx.audit("registry.import.person_create", Person, out.created)
    ctx.audit("registry.import.person_merge", Person, out.merged)
    return out


def write_places(ctx: Context, rows: list[RowResult]) -> Outcome:
    items = []
    for r in rows:
        v = r.values
        place = Place(
            grid=v["grid"],
            kind=v["kind"],
            name=v["name"],
            address=v["address"],
            latitude=v["latitude"],
            longitude=v["longitude"],
        )
        if v.get("contact_phone"):
            place.contact_phone = v["contact_phone"]
        items.append(place)
    created = Place.objects.bulk_create(items)
    ids = [p.pk for p in created]
    ctx.audit("registry.import.place_create", Place, ids)
    return Outcome(created=ids)


def write_buildings(ctx: Context, rows: list[RowResult]) -> Outcome:
    items = [
        Building(
            grid=r.values["grid"],
            name=r.values["name"],
            number=r.values["number"],
            address=r.values["address"],
            units=r.values["units"],
            floors=r.values["floors"],
            kind=r.values["kind"],
            latitude=r.values["latitude"],
            longitude=r.values["longitude"],
        )
        for r in rows
    ]
    created = Building.objects.bulk_create(items)
    ids = [b.pk for b in created]
    ctx.audit("registry.import.building_create", Building, ids)
    return Outcome(created=ids)


def write(kind: str, ctx: Context, units: list[list[RowResult]]) -> Outcome:
    if kind == ImportKind.HOUSEHOLDS:
        return write_households(ctx, units)
    rows = [u[0] for u in units]
    if kind == ImportKind.PEOPLE:
        return write_people(ctx, rows)
    if kind == ImportKind.PLACES:
        return write_places(ctx, rows)
    return write_buildings(ctx, rows)
