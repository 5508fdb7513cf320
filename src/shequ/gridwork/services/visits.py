"""Household visits (大走访) with the needs found, and referring a need onward."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.models import Area
from shequ.registry.models import Household, Membership, Person

from .. import hooks
from ..models import Need, NeedKind, NeedStatus, Visit
from ..photos import PhotoUpload
from .common import (
    Errors,
    check_photos,
    create_once,
    moment,
    parse_key,
    raise_if,
    replay,
    require_staff,
    require_write,
    save_photos,
    text,
    writable_grid,
)

MAX_NEEDS = 20


@dataclass
class NeedInput:
    kind: str
    description: str


def _needs(errors: Errors, needs: Sequence[NeedInput]) -> list[NeedInput]:
    if len(needs) > MAX_NEEDS:
        errors["needs"] = _("每次走访最多登记%(n)d项需求。") % {"n": MAX_NEEDS}
        return []
    clean = []
    for i, need in enumerate(needs):
        if need.kind not in NeedKind.values:
            errors[f"needs.{i}.kind"] = _("请选择需求类别。")
        description = text(errors, f"needs.{i}.description", need.description, max_length=500, required=True)
        clean.append(NeedInput(need.kind, description))
    return clean


@transaction.atomic
def visit_create(
    *,
    actor: Any,
    key: uuid.UUID | str,
    grid: Area | None,
    household: Household | None,
    summary: str,
    person: Person | None = None,
    visited_at: datetime | None = None,
    needs: Sequence[NeedInput] = (),
    photos: Sequence[PhotoUpload] = (),
) -> tuple[Visit, bool]:
    """Record a visit once per ``key``: ``(visit, created)``; a repeat returns the first visit."""
    require_staff(actor)
    errors: Errors = {}
    parsed_key = parse_key(errors, key)
    raise_if(errors)
    assert parsed_key is not None
    existing = replay(Visit, parsed_key, actor)
    if existing is not None:
        return existing, False
    grid = writable_grid(errors, actor, grid)
    if household is None:
        errors["household"] = _("请选择走访的住户。")
    elif grid is not None and household.grid_id != grid.pk:
        errors["household"] = _("该住户不在所选网格内。")
    elif household.moved_out_on is not None:
        errors["household"] = _("该户已迁出。")
    if (
        person is not None
        and household is not None
        and not Membership.objects.filter(household=household, person=person, valid_to__isnull=True).exists()
    ):
        errors["person"] = _("接待人应为该户的现有成员。")
    when = moment(errors, "visited_at", visited_at)
    summary = text(errors, "summary", summary, max_length=2000, required=True)
    clean_needs = _needs(errors, needs)
    cleaned_photos = check_photos(errors, list(photos))
    raise_if(errors)
    assert grid is not None
    assert household is not None

    def build() -> Visit:
        visit = Visit.objects.create(
            key=parsed_key,
            grid=grid,
            household=household,
            person=person,
            visited_at=when,
            worker=actor,
            summary=summary,
        )
        Need.objects.bulk_create(
            [Need(visit=visit, grid=grid, kind=n.kind, description=n.description) for n in clean_needs]
        )
        saved = save_photos(cleaned_photos, actor=actor, grid=grid, visit=visit)
        record(
            actor=actor,
            action="gridwork.visit.create",
            obj=visit,
            changes={
                "household": household,
                "person": person,
                "visited_at": when,
                "needs": [n.kind for n in clean_needs],
                "photos": [p.pk for p in saved],
            },
        )
        return visit

    return create_once(Visit, parsed_key, actor, build)


@transaction.atomic
def need_refer(*, actor: Any, need: Need, target: str) -> Need:
    """Turn a need into an appeal or a service application through the registered handler."""
    require_staff(actor)
    require_write(actor, need.grid)
    if need.status != NeedStatus.OPEN:
        raise ValidationError({"target": _("该需求已转办或已办结。")})
    if target not in {t.code for t in hooks.need_targets()}:
        raise ValidationError({"target": _("请选择转办去向。")})
    if hooks.need_handler(target) is None:
        raise ValidationError({"target": _("相关业务模块尚未安装，暂不能转办。")})
    reference = hooks.call_handler(target, actor=actor, need=need)
    need.status = NeedStatus.REFERRED
    need.referred_target = target
    need.reference = reference[:100]
    need.referred_at = timezone.now()
    need.referred_by = actor
    need.save(
        update_fields=["status", "referred_target", "reference", "referred_at", "referred_by", "updated_at"]
    )
    record(
        actor=actor,
        action="gridwork.need.refer",
        obj=need,
        changes={"target": target, "reference": need.reference},
    )
    return need


@transaction.atomic
def need_close(*, actor: Any, need: Need) -> Need:
    """Mark a need as settled on the spot (no referral needed)."""
    require_staff(actor)
    require_write(actor, need.grid)
    if need.status != NeedStatus.OPEN:
        raise ValidationError({"status": _("该需求已转办或已办结。")})
    need.status = NeedStatus.CLOSED
    need.save(update_fields=["status", "updated_at"])
    record(actor=actor, action="gridwork.need.close", obj=need, changes={"status": need.status})
    return need
