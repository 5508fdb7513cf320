"""Households and their members: create, update, head, joining and leaving, moving out."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import can_write
from shequ.core.audit import diff, record, snapshot
from shequ.core.models import Area

from .. import validation as v
from ..models import (
    GONE_STATUSES,
    Courtyard,
    Household,
    HouseholdKind,
    Membership,
    Person,
    Relation,
    Room,
)
from .people import HOUSEHOLD_FIELDS, _require_write, person_mark_moved_out


def _household_values(actor: Any, household: Household, values: dict[str, Any]) -> None:
    errors: v.Errors = {}
    if "grid" in values:
        grid = v.writable_grid(errors, actor, values["grid"])
        if grid is not None:
            household.grid = grid
    if "kind" in values:
        household.kind = v.choice(errors, "kind", values["kind"], HouseholdKind)
    room: Room | None = values.get("room", household.room if household.room_id else None)
    courtyard: Courtyard | None = values.get(
        "courtyard", household.courtyard if household.courtyard_id else None
    )
    address = (
        v.text(errors, "address", values["address"], max_length=200)
        if "address" in values
        else (household.address.plaintext_for_processing() if household.address else "")
    )
    if "moved_in_on" in values:
        household.moved_in_on = v.past_date(errors, "moved_in_on", values["moved_in_on"])
    grid_id = household.grid_id if "grid" not in errors else None
    if room is not None and courtyard is not None:
        errors["courtyard"] = _("户室和院落只能选择一个。")
    if room is not None and grid_id and room.building.grid_id != grid_id:
        errors["room"] = _("该户室不在所选网格内。")
    if courtyard is not None and grid_id and courtyard.grid_id != grid_id:
        errors["courtyard"] = _("该院落不在所选网格内。")
    if room is None and courtyard is None and not address and "address" not in errors:
        errors["address"] = _("请选择户室或院落，或填写详细地址。")
    v.raise_if(errors)
    household.room = room
    household.courtyard = courtyard
    if not address and room is not None:
        address = str(room)
    household.address = address or None


@transaction.atomic
def household_create(
    *,
    actor: Any,
    grid: Area | None,
    kind: str = HouseholdKind.RESIDENT,
    room: Room | None = None,
    courtyard: Courtyard | None = None,
    address: str = "",
    moved_in_on: date | None = None,
    head: Person | None = None,
) -> Household:
    """A household; with ``head``, the head becomes its first member (relation 户主)."""
    household = Household()
    _household_values(
        actor,
        household,
        {
            "grid": grid,
            "kind": kind,
            "room": room,
            "courtyard": courtyard,
            "address": address,
            "moved_in_on": moved_in_on,
        },
    )
    if head is not None:
        _check_joinable(actor, head, household.grid, field="head")
    household.save()
    changes = snapshot(household, HOUSEHOLD_FIELDS)
    if head is not None:
        _join(household, head, Relation.HEAD, moved_in_on or timezone.localdate())
        household.head = head
        household.save(update_fields=["head"])
        changes["head"] = snapshot(household, ["head"])["head"]
    record(actor=actor, action="registry.household.create", obj=household, changes=changes)
    return household


@transaction.atomic
def household_update(*, actor: Any, household: Household, **values: Any) -> Household:
    unknown = set(values) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValidationError({name: _("不能修改此项。") for name in sorted(unknown)})
    _require_write(actor, household.grid)
    before = snapshot(household, HOUSEHOLD_FIELDS)
    before_plain = v.sealed_plain(household, HOUSEHOLD_FIELDS)
    _household_values(actor, household, values)
    after = snapshot(household, HOUSEHOLD_FIELDS)
    changes = v.with_sealed_changes(diff(before, after), before_plain, household, before, after)
    if changes:
        household.save(update_fields=[*HOUSEHOLD_FIELDS, "updated_at"])
        record(actor=actor, action="registry.household.update", obj=household, changes=changes)
    return household


@transaction.atomic
def household_mark_moved_out(*, actor: Any, household: Household, on: date) -> Household:
    _require_write(actor, household.grid)
    errors: v.Errors = {}
    v.past_date(errors, "moved_out_on", on, not_before=household.moved_in_on)
    if household.moved_out_on is not None:
        errors["moved_out_on"] = _("该户已迁出。")
    v.raise_if(errors)
    ended = list(household.memberships.filter(valid_to__isnull=True))
    for membership in ended:
        membership.valid_to = on
        membership.save(update_fields=["valid_to"])
    household.moved_out_on = on
    household.save(update_fields=["moved_out_on", "updated_at"])
    record(
        actor=actor,
        action="registry.household.moved_out",
        obj=household,
        changes={"moved_out_on": on, "members": [m.person_id for m in ended]},
    )
    return household


def _check_joinable(actor: Any, person: Person, grid: Area, field: str = "person") -> None:
    if person.residence_status in GONE_STATUSES:
        raise ValidationError({field: _("已迁出或已故人员不能加入住户。")})
    if not can_write(actor, person.grid):
        raise ValidationError({field: _("您没有修改该人员的权限。")})
    if Membership.objects.filter(person=person, valid_to__isnull=True).exists():
        raise ValidationError({field: _("此人已是另一住户的成员，请先办理迁出该户。")})


def _join(household: Household, person: Person, relation: str, on: date) -> Membership:
    membership = Membership.objects.create(
        household=household, person=person, relation=relation, valid_from=on
    )
    if person.grid_id != household.grid_id:
        person.grid = household.grid
        person.save(update_fields=["grid", "updated_at"])
    return membership


@transaction.atomic
def membership_add(
    *, actor: Any, household: Household, person: Person, relation: str, valid_from: date | None = None
) -> Membership:
    _require_write(actor, household.grid, field="household")
    errors: v.Errors = {}
    relation = v.choice(errors, "relation", relation, Relation)
    on = v.past_date(errors, "valid_from", valid_from) or timezone.localdate()
    if household.moved_out_on is not None:
        errors["household"] = _("该户已迁出。")
    if relation == Relation.HEAD:
        errors["relation"] = _("变更户主请使用“设为户主”。")
    v.raise_if(errors)
    _check_joinable(actor, person, household.grid)
    membership = _join(household, person, relation, on)
    record(
        actor=actor,
        action="registry.household.member_add",
        obj=household,
        changes={"person": person, "relation": relation, "valid_from": on},
    )
    return membership


#: Why a membership ends: the person left this household (and lives on here), or moved away.
END_REASONS = ("left", "moved_away")


@transaction.atomic
def membership_end(
    *, actor: Any, membership: Membership, valid_to: date | None = None, reason: str = "left"
) -> Membership:
    """End a membership. ``reason="moved_away"`` also records the person as moved out (迁出),
    on the person's own history; the household's history names the reason."""
    household = membership.household
    _require_write(actor, household.grid, field="household")
    errors: v.Errors = {}
    on = v.past_date(errors, "valid_to", valid_to, not_before=membership.valid_from) or timezone.localdate()
    if reason not in END_REASONS:
        errors["reason"] = _("请选择有效的选项。")
    if membership.valid_to is not None:
        errors["person"] = _("此人已不是该户成员。")
    elif household.head_id == membership.person_id:
        errors["person"] = _("户主不能直接移出，请先变更户主。")
    v.raise_if(errors)
    membership.valid_to = on
    membership.save(update_fields=["valid_to"])
    record(
        actor=actor,
        action="registry.household.member_end",
        obj=household,
        changes={
            "person": membership.person,
            "relation": membership.relation,
            "valid_to": on,
            "reason": reason,
        },
    )
    if reason == "moved_away":
        person_mark_moved_out(actor=actor, person=membership.person, on=on)
    return membership


@transaction.atomic
def household_set_head(
    *, actor: Any, household: Household, person: Person, former_head_relation: str = Relation.OTHER_RELATIVE
) -> Household:
    _require_write(actor, household.grid, field="household")
    errors: v.Errors = {}
    former_head_relation = v.choice(errors, "former_head_relation", former_head_relation, Relation)
    if former_head_relation == Relation.HEAD:
        errors["former_head_relation"] = _("原户主须改为其他关系。")
    membership = household.memberships.filter(person=person, valid_to__isnull=True).first()
    if membership is None:
        errors["person"] = _("户主须是该户的现有成员。")
    elif household.head_id == person.pk:
        errors["person"] = _("此人已是户主。")
    v.raise_if(errors)
    assert membership is not None
    before = snapshot(household, ["head"])
    if household.head_id:
        household.memberships.filter(person_id=household.head_id, valid_to__isnull=True).update(
            relation=former_head_relation
        )
    membership.relation = Relation.HEAD
    membership.save(update_fields=["relation"])
    household.head = person
    household.save(update_fields=["head", "updated_at"])
    record(
        actor=actor, action="registry.household.head", obj=household, changes=diff(before, {"head": person})
    )
    return household


# --------------------------------------------------------------------------- tags
