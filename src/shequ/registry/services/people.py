"""Writes of persons, households, membership and tags: keyword-only, atomic, one audit entry each.

Audit entries carry before/after values; sealed values appear only as their masks, a birth
date only as its year, and a sensitive tag only as a token that those allowed to see such
tags can open (the audit log shows everyone else only that a protected tag changed).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shequ.core.access import can_write
from shequ.core.audit import diff, record, snapshot
from shequ.core.models import Area
from shequ.core.pii import (
    IdDocType,
    PIIKind,
    lookup_candidates,
    parse_citizen_id,
    validate_id_document,
    validate_phone,
    with_digest_fields,
)

from .. import validation as v
from ..models import (
    GONE_STATUSES,
    Membership,
    Person,
    ResidenceStatus,
    Sex,
)

PERSON_FIELDS = (
    "grid",
    "name",
    "id_doc_type",
    "id_number",
    "sex",
    "birth_date",
    "phone",
    "residence_status",
    "registered_address",
    "resident_address",
)
HOUSEHOLD_FIELDS = ("grid", "kind", "room", "courtyard", "address", "moved_in_on")
TAG_AUDIT_LABEL = "registry.persontag.audit"
#: Document types whose number carries the birth date and sex (GB 11643 layout).
DATED_DOCUMENTS = (IdDocType.CITIZEN_ID, IdDocType.HK_MO_TW_RESIDENCE)


def _person_snapshot(person: Person) -> dict[str, Any]:
    data = snapshot(person, PERSON_FIELDS)
    data["birth_date"] = f"{person.birth_date:%Y}" if person.birth_date else None
    return data


def _require_write(actor: Any, grid: Area, field: str = "grid") -> None:
    if not can_write(actor, grid):
        raise ValidationError({field: _("您没有修改该网格数据的权限。")})


# --------------------------------------------------------------------------- persons


def _identity(errors: v.Errors, person: Person, values: dict[str, Any]) -> None:
    """ID document, sex and birth date: a citizen ID gives both and must agree with any given."""
    doc_type = v.choice(errors, "id_doc_type", values.get("id_doc_type", person.id_doc_type), IdDocType)
    if "id_number" in values:
        raw = v.text(errors, "id_number", values["id_number"], max_length=40)
    else:
        raw = person.id_number.plaintext_for_processing() if person.id_number else ""
    sex = values.get("sex", person.sex) or ""
    birth = values.get("birth_date", person.birth_date)
    if sex and sex not in Sex.values:
        errors["sex"] = _("请选择有效的选项。")
    if errors:
        return
    try:
        number = validate_id_document(doc_type, raw or None)
    except ValidationError as exc:
        errors["id_doc_type" if exc.code == "id_doc_type" else "id_number"] = exc.messages[0]
        return
    if number and doc_type in DATED_DOCUMENTS:
        parsed = parse_citizen_id(number)
        if sex and sex != parsed.sex:
            errors["sex"] = _("性别与证件号码不符。")
        if birth and birth != parsed.birth_date:
            errors["birth_date"] = _("出生日期与证件号码不符。")
        sex, birth = parsed.sex, parsed.birth_date
    v.past_date(errors, "birth_date", birth)
    if number:
        duplicates = Person.objects.filter(id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, number))
        duplicates = duplicates.exclude(residence_status__in=GONE_STATUSES)
        if person.pk:
            duplicates = duplicates.exclude(pk=person.pk)
        if duplicates.exists():
            errors["id_number"] = _("该证件号码已登记，请勿重复登记（可按证件号码查找此人）。")
    if errors:
        return
    person.id_doc_type = doc_type
    if "id_number" in values or "id_doc_type" in values:
        person.id_number = number
    person.sex = sex
    person.birth_date = birth


def _person_values(actor: Any, person: Person, values: dict[str, Any]) -> None:
    errors: v.Errors = {}
    if "grid" in values:
        grid = v.writable_grid(errors, actor, values["grid"])
        if grid is not None:
            person.grid = grid
    if "name" in values:
        person.name = v.text(errors, "name", values["name"], max_length=50, required=True)
    if "phone" in values:
        phone = v.text(errors, "phone", values["phone"], max_length=30)
        if phone and "phone" not in errors:
            try:
                phone = validate_phone(phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages[0]
        person.phone = phone or None
    if "residence_status" in values:
        status = v.choice(errors, "residence_status", values["residence_status"], ResidenceStatus)
        if status in GONE_STATUSES and status != person.residence_status:
            errors["residence_status"] = _("迁出和死亡请使用“登记迁出”“登记死亡”办理。")
        person.residence_status = status
    for name in ("registered_address", "resident_address"):
        if name in values:
            setattr(person, name, v.text(errors, name, values[name], max_length=200) or None)
    if not errors:
        _identity(errors, person, values)
    v.raise_if(errors)


def _save_person(person: Person, update_fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            if update_fields is None:
                person.save()
            else:
                person.save(update_fields=with_digest_fields(Person, [*update_fields, "updated_at"]))
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise ValidationError(
            {"id_number": _("该证件号码已登记，请勿重复登记（可按证件号码查找此人）。")}
        ) from exc


@transaction.atomic
def person_create(
    *,
    actor: Any,
    grid: Area | None,
    name: str,
    id_doc_type: str = IdDocType.CITIZEN_ID,
    id_number: str | None = None,
    sex: str = "",
    birth_date: date | None = None,
    phone: str | None = None,
    residence_status: str = ResidenceStatus.RESIDENT,
    registered_address: str | None = None,
    resident_address: str | None = None,
) -> Person:
    person = Person()
    values = {
        "grid": grid,
        "name": name,
        "id_doc_type": id_doc_type,
        "id_number": id_number,
        "sex": sex,
        "birth_date": birth_date,
        "phone": phone,
        "residence_status": residence_status,
        "registered_address": registered_address,
        "resident_address": resident_address,
    }
    _person_values(actor, person, values)
    _save_person(person)
    record(actor=actor, action="registry.person.create", obj=person, changes=_person_snapshot(person))
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **values: Any) -> Person:
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: _("不能修改此项。") for name in sorted(unknown)})
    _require_write(actor, person.grid)
    before = _person_snapshot(person)
    before_plain = v.sealed_plain(person, PERSON_FIELDS)
    _person_values(actor, person, values)
    after = _person_snapshot(person)
    changes = v.with_sealed_changes(diff(before, after), before_plain, person, before, after)
    if changes:
        _save_person(person, list(PERSON_FIELDS))
        record(actor=actor, action="registry.person.update", obj=person, changes=changes)
    return person


def _end_memberships(person: Person, on: date) -> list[Membership]:
    ended = list(Membership.objects.filter(person=person, valid_to__isnull=True))
    for membership in ended:
        membership.valid_to = on
        membership.save(update_fields=["valid_to"])
    return ended


@transaction.atomic
def person_mark_deceased(*, actor: Any, person: Person, on: date) -> Person:
    _require_write(actor, person.grid)
    errors: v.Errors = {}
    v.past_date(errors, "deceased_on", on, not_before=person.birth_date)
    if person.residence_status == ResidenceStatus.DECEASED:
        errors["deceased_on"] = _("此人已登记死亡。")
    v.raise_if(errors)
    before = person.residence_status
    ended = _end_memberships(person, on)
    person.residence_status = ResidenceStatus.DECEASED
    person.deceased_on = on
    person.save(update_fields=["residence_status", "deceased_on", "updated_at"])
    record(
        actor=actor,
        action="registry.person.deceased",
        obj=person,
        changes={
            "residence_status": [before, person.residence_status],
            "deceased_on": on,
            "households": [m.household_id for m in ended],
        },
    )
    return person


@transaction.atomic
def person_mark_moved_out(*, actor: Any, person: Person, on: date) -> Person:
    _require_write(actor, person.grid)
    errors: v.Errors = {}
    v.past_date(errors, "moved_out_on", on, not_before=person.birth_date)
    if person.residence_status in GONE_STATUSES:
        errors["moved_out_on"] = _("此人已迁出或已故。")
    v.raise_if(errors)
    before = person.residence_status
    ended = _end_memberships(person, on)
    person.residence_status = ResidenceStatus.MOVED_OUT
    person.moved_out_on = on
    person.save(update_fields=["residence_status", "moved_out_on", "updated_at"])
    record(
        actor=actor,
        action="registry.person.moved_out",
        obj=person,
        changes={
            "residence_status": [before, person.residence_status],
            "moved_out_on": on,
            "households": [m.household_id for m in ended],
        },
    )
    return person


# --------------------------------------------------------------------------- households
