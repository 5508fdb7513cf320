"""Dispatch and handling: every action is one transition of :data:`.workflow.TRANSITIONS`.

Each function is keyword-only and atomic, takes the ``version`` the actor saw, and goes
through :func:`.workflow.begin` (lock, who, version, state) and :func:`.workflow.finish`
(compare-and-swap save, :class:`~shequ.appeals.models.CaseEvent`, audit entry).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import can_write
from shequ.core.models import Area, AreaLevel, Organisation

from ..models import (
    Case,
    CaseState,
    CaseUnit,
    Category,
    EmergencyHandover,
    EmergencyLine,
    PhotoStage,
    UnitRole,
)
from ..units import area_for_unit, organisation_for, unit_for
from . import common as c
from .classifier import record_dispatch_label
from .deadlines import set_deadlines
from .photos import clean_photos, store_photos
from .workflow import begin, clean_note, finish

#: The levels a case is dispatched at (a grid's case starts at its community).
DISPATCH_LEVELS = (
    AreaLevel.COMMUNITY,
    AreaLevel.VILLAGE,
    AreaLevel.STREET,
    AreaLevel.TOWN,
    AreaLevel.DISTRICT,
    AreaLevel.ZONE,
    AreaLevel.CITY,
)
UNIT_AREA_LEVELS = (AreaLevel.COMMUNITY, AreaLevel.VILLAGE, AreaLevel.STREET, AreaLevel.TOWN)


def _category(value: Any) -> Category:
    if isinstance(value, Category):
        return value
    found = Category.objects.filter(code=str(value or "")[:32], is_active=True).first()
    if found is None:
        raise ValidationError({"category": _("未知的诉求分类。")})
    return found


def _lead_target(
    actor: Any, case: Case, category: Category, organisation: Organisation | None, area: Area | None
) -> tuple[Organisation | None, Area | None, str]:
    if organisation is not None and area is not None:
        raise ValidationError({"organisation": _("主办单位只能选择一个：部门或街道/社区。")})
    if organisation is not None:
        if not organisation.is_active:
            raise ValidationError({"organisation": _("该单位已停用。")})
        return organisation, None, organisation.name
    if area is not None:
        if area.level not in UNIT_AREA_LEVELS or not can_write(actor, area):
            raise ValidationError({"area": _("只能派给您负责范围内的街道或社区。")})
        return None, area, area.name
    found = organisation_for(category, case.area)
    if found is not None:
        return found, None, found.name
    place = area_for_unit(case.area, category.unit_level)
    if place is not None and place.level in UNIT_AREA_LEVELS:
        return None, place, unit_for(category, case.area) or place.name
    raise ValidationError(
        {
            "organisation": _("系统中没有“%(unit)s”的单位账户，请选择承办单位。")
            % {"unit": unit_for(category, case.area) or category.responsible_unit}
        }
    )


@transaction.atomic
def case_dispatch(
    *,
    actor: Any,
    case: Case,
    version: int | None,
    category: Any,
    organisation: Organisation | None = None,
    area: Area | None = None,
    assist: Sequence[Organisation] = (),
    note: str = "",
) -> Case:
    """Confirm or correct the category (one label for the classifier) and send the case to its lead unit."""
    locked = begin(actor, case, "dispatch", version)
    cat = _category(category)
    note = clean_note(note)
    lead_org, lead_area, lead_name = _lead_target(actor, locked, cat, organisation, area)
    helpers = [o for o in dict.fromkeys(assist) if o.pk != getattr(lead_org, "pk", None)]
    if any(not o.is_active for o in helpers):
        raise ValidationError({"assist": _("该单位已停用。")})
    corrected = locked.suggested_category_id is not None and locked.suggested_category_id != cat.pk
    record_dispatch_label(actor=actor, text=locked.text, category=cat, case_id=locked.pk, corrected=corrected)
    locked.category = cat
    locked.lead_org, locked.lead_area, locked.lead_unit = lead_org, lead_area, lead_name[:120]
    locked.dispatched_at = timezone.now()
    fields = ["category", "lead_org", "lead_area", "lead_unit", "dispatched_at", *set_deadlines(locked, cat)]
    locked.units.filter(active=True).update(active=False)
    CaseUnit.objects.create(
        case=locked, role=UnitRole.LEAD, organisation=lead_org, area=lead_area, name=lead_name[:120]
    )
    for helper in helpers:
        CaseUnit.objects.create(
            case=locked, role=UnitRole.ASSIST, organisation=helper, name=helper.name[:120]
        )
    data = {
        "category": cat.code,
        "corrected": corrected,
        "lead": lead_name,
        "assist": [h.name for h in helpers],
    }
    finish(actor, locked, "dispatch", fields=fields, note=note, data=data)
    c.notify(
        locked,
        _("【接诉即办】您的诉求%(number)s已派至%(unit)s办理。")
        % {"number": locked.number, "unit": lead_name},
        key="dispatched",
        sms=False,
    )
    return locked


@transaction.atomic
def case_accept(
    *, actor: Any, case: Case, version: int | None, note: str = "", contacted: bool = False
) -> Case:
    """签收; ``contacted``: the unit has already reached the requester (counts for the response rate)."""
    locked = begin(actor, case, "accept", version)
    note = clean_note(note)
    now = timezone.now()
    if locked.accepted_at is None:
        locked.accepted_at = now
    fields = ["accepted_at"]
    if contacted and locked.contacted_at is None:
        locked.contacted_at = now
        fields.append("contacted_at")
    finish(actor, locked, "accept", fields=fields, note=note, data={"contacted": bool(contacted)})
    c.notify(
        locked,
        _("【接诉即办】您的诉求%(number)s已由%(unit)s签收办理。")
        % {"number": locked.number, "unit": locked.lead_unit},
        key="accepted",
        sms=False,
    )
    return locked


@transaction.atomic
def case_request_return(*, actor: Any, case: Case, version: int | None, reason: str) -> Case:
    locked = begin(actor, case, "request_return", version)
    reason = clean_note(reason, "reason", limit=500, required=True)
    locked.state_before_return, locked.return_reason = locked.state, reason
    return finish(
        actor, locked, "request_return", fields=["state_before_return", "return_reason"], note=reason
    )


@transaction.atomic
def case_approve_return(*, actor: Any, case: Case, version: int | None, note: str = "") -> Case:
    """The dispatcher agrees: the case is back in the queue to be dispatched again."""
    locked = begin(actor, case, "approve_return", version)
    note = clean_note(note)
    locked.units.filter(active=True).update(active=False)
    locked.lead_org, locked.lead_area, locked.lead_unit = None, None, ""
    locked.state_before_return = ""
    fields = ["lead_org", "lead_area", "lead_unit", "state_before_return"]
    return finish(
        actor, locked, "approve_return", fields=fields, note=note, data={"reason": locked.return_reason}
    )


@transaction.atomic
def case_refuse_return(*, actor: Any, case: Case, version: int | None, note: str) -> Case:
    """The dispatcher refuses: the unit keeps the case, in the state it asked from."""
    locked = begin(actor, case, "refuse_return", version)
    note = clean_note(note, required=True)
    back = locked.state_before_return or CaseState.DISPATCHED
    locked.state_before_return = ""
    return finish(actor, locked, "refuse_return", fields=["state_before_return"], note=note, to_state=back)


def _dispatch_parent(area: Area) -> Area | None:
    node = area.parent
    while node is not None and node.level not in DISPATCH_LEVELS:
        node = node.parent
    return node


@transaction.atomic
def case_escalate(*, actor: Any, case: Case, version: int | None, note: str) -> Case:
    """上报: the level above takes the case into its queue."""
    locked = begin(actor, case, "escalate", version)
    note = clean_note(note, required=True)
    parent = _dispatch_parent(locked.handling_area)
    if parent is None:
        raise ValidationError({"state": _("已是最高层级，不能再上报。")})
    before, locked.handling_area = locked.handling_area, parent
    data = {"from": before.name, "to": parent.name}
    return finish(actor, locked, "escalate", fields=["handling_area"], note=note, data=data)


@transaction.atomic
def case_assign_down(
    *, actor: Any, case: Case, version: int | None, area: Area | None, note: str = ""
) -> Case:
    """交办: a street or community below takes the case into its queue."""
    locked = begin(actor, case, "assign_down", version)
    note = clean_note(note)
    current = locked.handling_area
    if (
        area is None
        or area.level not in UNIT_AREA_LEVELS
        or area.pk == current.pk
        or not area.path.startswith(current.path)
        or not locked.area.path.startswith(area.path)
    ):
        raise ValidationError({"area": _("请选择案件所在地的下级街道或社区。")})
    locked.handling_area = area
    return finish(actor, locked, "assign_down", fields=["handling_area"], note=note, data={"to": area.name})


@transaction.atomic
def case_handover(
    *, actor: Any, case: Case, version: int | None, line: str, reference: str = "", note: str = ""
) -> Case:
    """转应急: hand the case to an emergency line now and keep it open for follow-up."""
    locked = begin(actor, case, "handover", version)
    if line not in EmergencyLine.values or not line:
        raise ValidationError({"line": _("请选择应急线路。")})
    reference = clean_note(reference, "reference", limit=64)
    note = clean_note(note, limit=500)
    EmergencyHandover.objects.create(
        case=locked,
        line=line,
        handed_by=actor,
        handed_by_label=c.actor_label(actor),
        reference=reference,
        note=note,
    )
    locked.emergency_line = line
    return finish(
        actor,
        locked,
        "handover",
        fields=["emergency_line"],
        note=note,
        data={"line": line, "reference": reference},
    )


def _photos(photos: Any, stage: str) -> list[Any]:
    return clean_photos(photos) if photos else []


@transaction.atomic
def case_on_spot(
    *, actor: Any, case: Case, version: int | None, result: str, before_photos: Any, after_photos: Any
) -> Case:
    """自处置: a grid worker resolved a small matter on the spot; closed without dispatch."""
    locked = begin(actor, case, "on_spot", version)
    errors: dict[str, str] = {}
    try:
        result = clean_note(result, "result", limit=2000, required=True)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if not before_photos:
        errors["before_photos"] = _("请上传处置前照片。")
    if not after_photos:
        errors["after_photos"] = _("请上传处置后照片。")
    if errors:
        raise ValidationError(errors)
    before, after = clean_photos(before_photos), clean_photos(after_photos)
    store_photos(locked, before, stage=PhotoStage.BEFORE, actor=actor)
    store_photos(locked, after, stage=PhotoStage.AFTER, actor=actor)
    now = timezone.now()
    locked.result, locked.resolved_on_spot = result, True
    locked.accepted_at = locked.accepted_at or now
    locked.handled_at = locked.closed_at = now
    fields = ["result", "resolved_on_spot", "accepted_at", "handled_at", "closed_at"]
    finish(actor, locked, "on_spot", fields=fields, note=result)
    _tell_outcome(locked)
    return locked


@transaction.atomic
def case_dismiss(*, actor: Any, case: Case, version: int | None, reason: str) -> Case:
    locked = begin(actor, case, "dismiss", version)
    reason = clean_note(reason, "reason", limit=500, required=True)
    locked.result, locked.closed_at = reason, timezone.now()
    finish(actor, locked, "dismiss", fields=["result", "closed_at"], note=reason)
    _tell_outcome(locked)
    return locked


@transaction.atomic
def case_handle(
    *,
    actor: Any,
    case: Case,
    version: int | None,
    result: str,
    before_photos: Any = None,
    after_photos: Any = None,
) -> Case:
    """办结反馈: the unit reports what it did, with before/after photos."""
    locked = begin(actor, case, "handle", version)
    result = clean_note(result, "result", limit=2000, required=True)
    before, after = _photos(before_photos, PhotoStage.BEFORE), _photos(after_photos, PhotoStage.AFTER)
    store_photos(locked, before, stage=PhotoStage.BEFORE, actor=actor)
    store_photos(locked, after, stage=PhotoStage.AFTER, actor=actor)
    locked.result, locked.handled_at = result, timezone.now()
    return finish(actor, locked, "handle", fields=["result", "handled_at"], note=result)


@transaction.atomic
def case_verify(
    *, actor: Any, case: Case, version: int | None, passed: bool, note: str = "", photos: Any = None
) -> Case:
    """核查: a grid worker or the dispatcher checks the result on the ground."""
    name = "verify" if passed else "reject_result"
    locked = begin(actor, case, name, version)
    note = clean_note(note, required=not passed)
    store_photos(locked, _photos(photos, PhotoStage.VERIFY), stage=PhotoStage.VERIFY, actor=actor)
    fields: list[str] = []
    if passed:
        locked.verified_at = timezone.now()
        fields = ["verified_at"]
    else:
        locked.handled_at = None
        fields = ["handled_at"]
    return finish(actor, locked, name, fields=fields, note=note)


@transaction.atomic
def case_close(*, actor: Any, case: Case, version: int | None, note: str = "") -> Case:
    """结案; cases merged into this one close with it, and every requester is told the outcome."""
    locked = begin(actor, case, "close", version)
    note = clean_note(note)
    locked.closed_at = timezone.now()
    if not locked.result:
        locked.result = note
    finish(actor, locked, "close", fields=["closed_at", "result"], note=note)
    _tell_outcome(locked)
    for merged in Case.objects.select_for_update().filter(merged_into=locked, state=CaseState.MERGED):
        Case.objects.filter(pk=merged.pk).update(
            state=CaseState.CLOSED,
            closed_at=locked.closed_at,
            result=locked.result,
            version=merged.version + 1,
        )
        merged.state, merged.result = CaseState.CLOSED, locked.result
        c.event(
            merged,
            "close",
            actor,
            from_state=CaseState.MERGED,
            to_state=CaseState.CLOSED,
            note=_("随并入案件%(number)s一并办结。") % {"number": locked.number},
        )
        _tell_outcome(merged)
    return locked


def _tell_outcome(case: Case) -> None:
    from .rating import has_requester

    if not has_requester(case):
        return
    c.notify(
        case,
        _("【接诉即办】您的诉求%(number)s已办结：%(result)s。请对办理结果作出评价。")
        % {"number": case.number, "result": (case.result or "")[:60]},
        key="closed",
    )


@transaction.atomic
def case_supervise(*, actor: Any, case: Case, version: int | None, note: str) -> Case:
    """督办: a higher level follows the case; the flag shows in every queue."""
    locked = begin(actor, case, "supervise", version)
    note = clean_note(note, required=True)
    locked.supervised = True
    return finish(actor, locked, "supervise", fields=["supervised"], note=note)


@transaction.atomic
def case_note(
    *,
    actor: Any,
    case: Case,
    version: int | None,
    note: str,
    photos: Any = None,
    stage: str = PhotoStage.BEFORE,
) -> Case:
    """A note (and photos) on the record; the state stays."""
    locked = begin(actor, case, "note", version)
    note = clean_note(note, required=True)
    if stage not in (PhotoStage.BEFORE, PhotoStage.AFTER):
        raise ValidationError({"stage": _("请选择有效的选项。")})
    store_photos(locked, _photos(photos, stage), stage=stage, actor=actor)
    return finish(actor, locked, "note", fields=[], note=note)
