"""Tags on people; sensitive special-group tags are recorded without naming the tag in clear."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.pii import (
    encrypt,
)

from .. import validation as v
from ..models import (
    GONE_STATUSES,
    Person,
    PersonTag,
    Tag,
)
from .people import TAG_AUDIT_LABEL, _require_write


def _tag_changes(tag: Tag, **extra: Any) -> dict[str, Any]:
    """The same shape for every tag: an encrypted code, so the audit log (read by people
    without the special-group permission too) does not show which changes were sensitive."""
    return {"tag_token": encrypt(tag.code, label=TAG_AUDIT_LABEL), **extra}


@transaction.atomic
def person_tag_add(
    *, actor: Any, person: Person, tag: Tag, since: date | None = None, note: str = ""
) -> PersonTag:
    _require_write(actor, person.grid, field="person")
    errors: v.Errors = {}
    note = v.text(errors, "note", note, max_length=500)
    on = v.past_date(errors, "since", since) or timezone.localdate()
    if person.residence_status in GONE_STATUSES:
        errors["person"] = _("已迁出或已故人员不能添加标签。")
    if PersonTag.objects.filter(person=person, tag=tag, removed_on__isnull=True).exists():
        errors["tag"] = _("此人已有该标签。")
    v.raise_if(errors)
    person_tag = PersonTag(person=person, tag=tag, since=on)
    person_tag.note = note or None
    person_tag.save()
    record(actor=actor, action="registry.person.tag_add", obj=person, changes=_tag_changes(tag, since=on))
    return person_tag


@transaction.atomic
def person_tag_remove(*, actor: Any, person: Person, tag: Tag, on: date | None = None) -> PersonTag:
    _require_write(actor, person.grid, field="person")
    errors: v.Errors = {}
    person_tag = PersonTag.objects.filter(person=person, tag=tag, removed_on__isnull=True).first()
    if person_tag is None:
        errors["tag"] = _("此人没有该标签。")
    day = v.past_date(errors, "on", on, not_before=person_tag.since if person_tag else None)
    v.raise_if(errors)
    assert person_tag is not None
    person_tag.removed_on = day or timezone.localdate()
    person_tag.save(update_fields=["removed_on"])
    record(
        actor=actor,
        action="registry.person.tag_remove",
        obj=person,
        changes=_tag_changes(tag, removed_on=person_tag.removed_on),
    )
    return person_tag
