"""The case state machine: one transition table, and the machinery every transition goes through.

:data:`TRANSITIONS` names, for each action, the states it may start from, the state it
leads to (``None``: the state stays) and who may take it.  :func:`begin` locks the row,
checks the actor, the version the actor saw (optimistic concurrency: of two people acting
at once one wins, the other gets :class:`CaseConflict`) and the state; :func:`finish`
writes the changed fields with a compare-and-swap on ``version``, one :class:`CaseEvent`
and one audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.core.audit import record

from ..models import Case, CaseState
from . import common as c

S = CaseState
CONFLICT_MESSAGE = gettext_lazy("该案件已被他人处理，请刷新后重试。")


class CaseConflict(Exception):
    """Someone changed the case after the actor loaded it (HTTP 409)."""

    def __init__(self) -> None:
        super().__init__(str(CONFLICT_MESSAGE))


Who = Callable[[Any, Case], bool]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str | None
    who: tuple[Who, ...]


def _system(actor: Any, case: Case) -> bool:
    return actor is None


def _rater(actor: Any, case: Case) -> bool:
    """The requester (portal), the dispatcher (call-back), or nobody (a caller holding a checked code)."""
    if actor is None:
        return True
    if c.is_resident(actor):
        return bool(case.requester_id == actor.pk)
    return c.is_dispatcher(actor, case)


DISPATCHER = (c.is_dispatcher,)
UNIT = (c.is_unit_member,)
VERIFIER = (c.is_field_worker, c.is_dispatcher)
OPEN = (S.SUBMITTED, S.EMERGENCY, S.DISPATCHED, S.RETURN_REQUESTED, S.ACCEPTED, S.HANDLED, S.VERIFIED)

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("dispatch", gettext_lazy("派单"), (S.SUBMITTED, S.EMERGENCY), S.DISPATCHED, DISPATCHER),
        Transition("accept", gettext_lazy("签收"), (S.DISPATCHED,), S.ACCEPTED, UNIT),
        Transition(
            "request_return", gettext_lazy("申请退单"), (S.DISPATCHED, S.ACCEPTED), S.RETURN_REQUESTED, UNIT
        ),
        Transition(
            "approve_return", gettext_lazy("同意退单"), (S.RETURN_REQUESTED,), S.SUBMITTED, DISPATCHER
        ),
        Transition("refuse_return", gettext_lazy("不同意退单"), (S.RETURN_REQUESTED,), None, DISPATCHER),
        Transition("escalate", gettext_lazy("上报上级"), (S.SUBMITTED,), S.SUBMITTED, DISPATCHER),
        Transition("assign_down", gettext_lazy("交办下级"), (S.SUBMITTED,), S.SUBMITTED, DISPATCHER),
        Transition("handover", gettext_lazy("转应急处置"), (S.SUBMITTED,), S.EMERGENCY, DISPATCHER),
        Transition("on_spot", gettext_lazy("现场自处置"), (S.SUBMITTED,), S.CLOSED, (c.is_field_worker,)),
        Transition("merge", gettext_lazy("合并重复诉求"), (S.SUBMITTED,), S.MERGED, DISPATCHER),
        Transition("dismiss", gettext_lazy("不予受理"), (S.SUBMITTED,), S.CLOSED, DISPATCHER),
        Transition("handle", gettext_lazy("办结反馈"), (S.ACCEPTED,), S.HANDLED, UNIT),
        Transition("verify", gettext_lazy("核查通过"), (S.HANDLED,), S.VERIFIED, VERIFIER),
        Transition("reject_result", gettext_lazy("核查不通过"), (S.HANDLED,), S.ACCEPTED, VERIFIER),
        Transition("close", gettext_lazy("结案"), (S.VERIFIED, S.EMERGENCY), S.CLOSED, DISPATCHER),
        Transition("supervise", gettext_lazy("督办"), OPEN, None, (c.is_supervisor,)),
        Transition("note", gettext_lazy("添加办理记录"), OPEN, None, (*UNIT, *DISPATCHER, c.is_field_worker)),
        Transition("request_extension", gettext_lazy("申请延期"), (S.DISPATCHED, S.ACCEPTED), None, UNIT),
        Transition("decide_extension", gettext_lazy("审批延期"), OPEN, None, DISPATCHER),
        Transition("contact", gettext_lazy("联系诉求人"), (S.DISPATCHED, S.ACCEPTED, S.HANDLED), None, UNIT),
        Transition("rate", gettext_lazy("评价"), (S.CLOSED,), None, (_rater,)),
        Transition("review", gettext_lazy("复核"), (S.CLOSED,), None, (*DISPATCHER, c.is_supervisor)),
    )
}


def _guard(case: Case, name: str) -> bool:
    """Conditions beyond the state that decide whether a button is worth showing."""
    if name == "rate":
        from .rating import awaiting_rating

        return awaiting_rating(case)
    if name == "review":
        return case.review_state == "pending"
    if name == "contact":
        return case.contacted_at is None
    return True


def may(actor: Any, case: Case, name: str) -> bool:
    """Whether ``actor`` may take transition ``name`` on ``case`` now (for showing the buttons)."""
    t = TRANSITIONS[name]
    return case.state in t.sources and any(check(actor, case) for check in t.who) and _guard(case, name)


def allowed_for(actor: Any, case: Case) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if may(actor, case, t.name)]


def lock(case: Case | int) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("area", "handling_area", "category")
        .get(pk=pk)
    )


def begin(actor: Any, case: Case | int, name: str, version: int | None) -> Case:
    """The locked case, after checking who, which version and which state."""
    t = TRANSITIONS[name]
    locked = lock(case)
    if not any(check(actor, locked) for check in t.who):
        if actor is not None and not c.is_staff(actor):
            raise PermissionDenied(_("只有工作人员可以办理案件。"))
        raise PermissionDenied(_("您无权对该案件执行“%(action)s”。") % {"action": t.label})
    if version is not None and int(version) != locked.version:
        raise CaseConflict
    if locked.state not in t.sources:
        raise ValidationError(
            {
                "state": _("案件当前状态为“%(state)s”，不能%(action)s。")
                % {"state": locked.get_state_display(), "action": t.label}
            }
        )
    return locked


def finish(
    actor: Any,
    case: Case,
    name: str,
    *,
    fields: list[str],
    note: str = "",
    data: dict[str, Any] | None = None,
    to_state: str | None = None,
) -> Case:
    """Save ``fields`` (and the new state) if nobody changed the case meanwhile; event and audit."""
    t = TRANSITIONS[name]
    before = case.state
    target = to_state or t.target
    if target is not None:
        case.state = target
        fields = [*fields, "state"]
    now = timezone.now()
    values = {f: getattr(case, f) for f in dict.fromkeys(fields)}
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        version=F("version") + 1, updated_at=now, **values
    )
    if not updated:
        raise CaseConflict
    case.version += 1
    case.updated_at = now
    c.event(case, name, actor, from_state=before, to_state=case.state, note=note, data=data)
    record(
        actor=actor,
        action=f"appeals.case.{name}",
        obj=case,
        changes={"state": [before, case.state], **dict((data or {}).items())},
        reason=note[:2000],
    )
    if case.channel == "12345":
        from ..adapters.hotline12345 import push_status_on_commit

        push_status_on_commit(case, note=note)
    return case


def clean_note(value: Any, field: str = "note", *, limit: int = 1000, required: bool = False) -> str:
    from ._checks import raise_if, text

    errors: dict[str, str] = {}
    cleaned = text(errors, field, value, max_length=limit, required=required)
    raise_if(errors)
    return cleaned
